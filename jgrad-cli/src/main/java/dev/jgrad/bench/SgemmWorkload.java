package dev.jgrad.bench;

import dev.jgrad.kernels.GemmKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;

import java.util.Locale;
import java.util.Random;

/** The peer's bench_sgemm: C = A * B for square float32 matrices, N = 512, 1024, 2048. */
public final class SgemmWorkload implements Workload {

    @Override
    public String name() {
        return "sgemm";
    }

    /** The metric is already GFLOP/s (2N^3 FLOPs per N x N product), so one unit is 1e9 FLOPs. */
    @Override
    public double flopsPerUnit() {
        return 1e9;
    }

    @Override
    public void run(boolean quick) {
        GemmKernels gemm = Kernels.get().gemm();
        Random rnd = new Random(0);
        for (int n : new int[] {512, 1024, 2048}) {
            float[] a = gaussian(rnd, n * n);
            float[] b = gaussian(rnd, n * n);
            float[] c = new float[n * n];
            int reps = switch (n) {
                case 512 -> 50;
                case 1024 -> 10;
                default -> 2;
            };
            Runnable run = () -> {
                for (int r = 0; r < reps; r++) {
                    gemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                }
            };
            Bench.Timing t = Bench.timeIt(run, 2, 9, 15, quick);
            double gflops = 2.0 * n * n * (double) n * reps / t.median() / 1e9;
            Bench.info(String.format(Locale.ROOT, "sgemm N=%d reps/sample=%d %s", n, reps, t.spread()));
            Bench.emit("sgemm_N" + n, gflops, "GFLOP/s");
        }
    }

    private static float[] gaussian(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** Runs the workload directly: {@code java --add-modules jdk.incubator.vector -cp target/classes dev.jgrad.bench.SgemmWorkload [--quick]}. */
    public static void main(String[] args) {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        Bench.info("kernels=" + Kernels.get().getClass().getSimpleName() + " threads=" + Parallel.threads()
                + " java=" + System.getProperty("java.version"));
        long t0 = System.nanoTime();
        new SgemmWorkload().run(quick);
        Bench.info(String.format(Locale.ROOT, "sgemm wall=%.1fs", (System.nanoTime() - t0) / 1e9));
    }
}
