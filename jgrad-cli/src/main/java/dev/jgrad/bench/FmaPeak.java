package dev.jgrad.bench;

import dev.jgrad.kernels.Parallel;
import java.util.Locale;

/**
 * This machine's FMA peak as the JVM reaches it: the GFLOP/s of a loop that does nothing but independent
 * fused multiply-adds on the preferred vector width ({@link FmaChains}), on one thread or on several.
 * A workload's GFLOP/s divided by it says how close jgrad comes to what the cores can do. It takes about
 * a second: the best of 5 timed runs of 0.1 s each, after the JIT has compiled the loop.
 */
public final class FmaPeak {
    private FmaPeak() {}

    /**
     * One measurement.
     *
     * @param gflops     the best GFLOP/s of the timed runs, over all threads together
     * @param threads    how many threads ran the loop, each on its own chains
     * @param vectorBits the vector width in bits (512 with AVX-512, 256 with AVX2)
     * @param lanes      floats per vector
     * @param checksum   the sum of the chains' final values, which keeps the JIT from dropping them
     */
    public record Result(double gflops, int threads, int vectorBits, int lanes, float checksum) {
        /**
         * What fraction of this peak a rate is.
         *
         * @param achievedGflops a workload's GFLOP/s
         * @return the percentage of {@link #gflops()}
         */
        public double percent(double achievedGflops) {
            return 100 * achievedGflops / gflops;
        }

        /**
         * A short description for an information line.
         *
         * @return e.g. "514.2 GFLOP/s on 2 threads, 512-bit vectors"
         */
        public String describe() {
            return String.format(Locale.ROOT, "%.1f GFLOP/s on %d thread%s, %d-bit vectors", gflops, threads,
                    threads == 1 ? "" : "s", vectorBits);
        }
    }

    private static final int REPS = 5, QUICK_REPS = 2;
    private static final double SECONDS_PER_REP = 0.1, QUICK_SECONDS_PER_REP = 0.03;

    /**
     * Whether the Vector API is there (java --add-modules jdk.incubator.vector, as ./jgrad runs it).
     *
     * @return true if {@link #measure} can run
     */
    public static boolean available() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * Measures the peak on {@code threads} threads: the caller alone for 1, else jgrad's worker pool
     * ({@link Parallel}), which runs at most {@link Parallel#threads()} at once.
     *
     * @param threads the threads to run the chains on, at least 1
     * @param quick   fewer and shorter runs, for smoke tests
     * @return the best of the timed runs
     * @throws IllegalStateException when the Vector API is missing, or the chains' sum is not finite
     */
    public static Result measure(int threads, boolean quick) {
        if (!available()) {
            throw new IllegalStateException("the FMA peak needs the Vector API: run java with --add-modules jdk.incubator.vector (./jgrad does)");
        }
        int parts = Math.min(Math.max(1, threads), Parallel.threads());
        warmUp();
        int iterations = iterationsFor(quick ? QUICK_SECONDS_PER_REP : SECONDS_PER_REP);
        float[] sums = new float[parts];
        double best = 0;
        for (int rep = 0; rep < (quick ? QUICK_REPS : REPS); rep++) {
            long t0 = System.nanoTime();
            if (parts == 1) {
                sums[0] = FmaChains.run(iterations);
            } else {
                Parallel.forRange(parts, 1, (from, to) -> {
                    for (int p = from; p < to; p++) sums[p] = FmaChains.run(iterations);
                });
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, (double) FmaChains.flopsPerIteration() * iterations * parts / seconds / 1e9);
        }
        float checksum = 0;
        for (float s : sums) checksum += s;
        if (!Float.isFinite(checksum)) throw new IllegalStateException("the FMA chains ended at " + checksum);
        return new Result(best, parts, FmaChains.vectorBits(), FmaChains.SPECIES.length(), checksum);
    }

    /** Calls the loop until the JIT has compiled it with the Vector API's intrinsics (interpreted, it is 1000x slower). */
    private static void warmUp() {
        float sink = 0;
        for (int i = 0; i < 30; i++) sink += FmaChains.run(20_000);
        if (!Float.isFinite(sink)) throw new IllegalStateException("the FMA chains ended at " + sink);
    }

    /** The iterations that take about {@code seconds} on one thread, from a short timed call. */
    private static int iterationsFor(double seconds) {
        int probe = 1 << 20;
        long t0 = System.nanoTime();
        float sink = FmaChains.run(probe);
        double perIteration = Math.max(1e-12, (System.nanoTime() - t0) / 1e9 / probe);
        if (!Float.isFinite(sink)) throw new IllegalStateException("the FMA chains ended at " + sink);
        return (int) Math.clamp(seconds / perIteration, 1 << 16, Integer.MAX_VALUE);
    }
}
