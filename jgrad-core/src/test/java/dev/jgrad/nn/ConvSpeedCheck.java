package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * Not a unit test: times forward + backward of the convolution layers of ResNet-18 on CIFAR shapes
 * (the peer's resnet18_cifar_train, batch 64) and prints ms and GFLOP/s per layer shape. Run after
 * {@code mvn -Dbuild.dir=/tmp/b test-compile} with
 * {@code java --add-modules jdk.incubator.vector -cp /tmp/b/classes:/tmp/b/test-classes dev.jgrad.nn.ConvSpeedCheck [iterations [layer shapes]]}
 * ({@code -Djgrad.threads=1} for one core).
 */
public final class ConvSpeedCheck {
    private ConvSpeedCheck() {}

    /** CPU time of the whole process: on a shared, busy machine wall time says little, CPU time says what the work costs. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) {
        int iters = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : Integer.MAX_VALUE; // how many layer shapes to time
        int batch = 64;
        Generator gen = new Generator(0);
        // in, out, spatial (input), kernel, stride, padding
        int[][] layers = {
                {64, 64, 32, 3, 1, 1},   // layer1: the brief's shape
                {3, 64, 32, 3, 1, 1},    // stem
                {64, 128, 32, 3, 2, 1},  // layer2 first conv
                {128, 128, 16, 3, 1, 1}, // layer2
                {64, 128, 32, 1, 2, 0},  // layer2 downsample
                {256, 256, 8, 3, 1, 1},  // layer3
                {512, 512, 4, 3, 1, 1},  // layer4
        };
        System.out.printf(Locale.ROOT, "# conv forward+backward, batch %d, %d thread(s), %d iterations (median)%n", batch,
                dev.jgrad.kernels.Parallel.threads(), iters);
        for (int[] l : Arrays.copyOf(layers, Math.min(count, layers.length))) {
            Conv2d conv = new Conv2d(l[0], l[1], l[3], l[4], l[5], 1, 1, false, gen);
            Tensor x = Tensor.normal(0f, 1f, gen, batch, l[0], l[2], l[2]).requiresGrad(l[0] != 3);
            int out = (l[2] + 2 * l[5] - l[3]) / l[4] + 1;
            Tensor g = Tensor.normal(0f, 1f, gen, batch, l[1], out, out);
            double flopsFwd = 2.0 * batch * l[1] * l[0] * l[3] * l[3] * out * out;
            double flops = flopsFwd * (l[0] == 3 ? 2 : 3); // the stem needs no input gradient
            double[] t = new double[iters], tf = new double[iters];
            long cpu0 = 0;
            for (int i = -3; i < iters; i++) {
                if (i == 0) cpu0 = cpuNanos();
                conv.zeroGrad();
                x.zeroGrad();
                long t0 = System.nanoTime();
                Tensor y = conv.forward(x);
                long t1 = System.nanoTime();
                y.backward(g);
                long t2 = System.nanoTime();
                if (i >= 0) {
                    t[i] = (t2 - t0) / 1e6;
                    tf[i] = (t1 - t0) / 1e6;
                }
            }
            double cpuMs = (cpuNanos() - cpu0) / 1e6 / iters;
            Arrays.sort(t);
            Arrays.sort(tf);
            double ms = t[iters / 2], msf = tf[iters / 2];
            System.out.printf(Locale.ROOT, "conv %3d->%3d %2dx%2d k%d s%d: fwd %7.1f ms (%5.1f GFLOP/s), fwd+bwd %7.1f ms (%5.1f GFLOP/s; "
                            + "%6.1f CPU-ms, %5.1f GFLOP per CPU-second)%n",
                    l[0], l[1], l[2], l[2], l[3], l[4], msf, flopsFwd / msf / 1e6, ms, flops / ms / 1e6, cpuMs, flops / cpuMs / 1e6);
        }
        BatchNorm2d bn = new BatchNorm2d(64);
        MaxPool2d pool = new MaxPool2d(3, 2, 1);
        Tensor x = Tensor.normal(0f, 1f, gen, batch, 64, 32, 32).requiresGrad(true);
        double[] tb = new double[iters], tp = new double[iters];
        for (int i = -3; i < iters; i++) {
            long t0 = System.nanoTime();
            Tensor y = bn.forward(x);
            y.backward(y);
            long t1 = System.nanoTime();
            Tensor z = pool.forward(x);
            z.backward(z);
            long t2 = System.nanoTime();
            if (i >= 0) {
                tb[i] = (t1 - t0) / 1e6;
                tp[i] = (t2 - t1) / 1e6;
            }
        }
        Arrays.sort(tb);
        Arrays.sort(tp);
        System.out.printf(Locale.ROOT, "batch_norm2d 64x64x32x32 fwd+bwd %.1f ms; max_pool2d 3/2/1 fwd+bwd %.1f ms%n", tb[iters / 2], tp[iters / 2]);
    }
}
