package dev.jgrad.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a training step costs besides its time: the bytes it allocates on the Java heap and the time the
 * garbage collector spends on them. Wrap the step with {@link #around(Runnable)}, time it with
 * {@link Bench#timeIt}, then print {@link #summary(String, Bench.Timing)}.
 *
 * <p>Allocation is counted over every Java thread, the caller and jgrad's {@code Parallel} workers alike
 * (com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes), so it is the same whatever the thread count and
 * nearly deterministic: a good figure to compare on a busy machine. The collection time (the sum over the
 * GarbageCollectorMXBeans) is what it cost here and now, and so as noisy as the step time.
 */
final class StepCost {
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final List<Long> bytes = new ArrayList<>();
    private final List<Long> gcMillis = new ArrayList<>();
    private final List<Long> stepNanos = new ArrayList<>();

    /**
     * The step, measured each time it runs.
     *
     * @param step one training step
     * @return a step that records its allocation, collection time and duration, then does what {@code step} does
     */
    Runnable around(Runnable step) {
        return () -> {
            long b0 = allocatedBytes(), g0 = gcMillis(), t0 = System.nanoTime();
            step.run();
            stepNanos.add(System.nanoTime() - t0);
            gcMillis.add(gcMillis() - g0);
            bytes.add(allocatedBytes() - b0);
        };
    }

    /**
     * One {@code #} line over the timed steps (the last {@code timing.times().size()}, after the warm-up): the median
     * allocation per step, the median collection time per step and the collections' share of the timed steps' time.
     *
     * @param name   the workload's name, starting the line
     * @param timing what {@link Bench#timeIt} measured for the same steps
     * @return e.g. {@code transformer_train alloc: 97.3 MB/step (median of 20), GC 1.0 ms/step, 0.8% of the step time}
     */
    String summary(String name, Bench.Timing timing) {
        int n = timing.times().size(), from = bytes.size() - n;
        long gcTotal = 0, stepTotal = 0;
        for (int i = from; i < bytes.size(); i++) {
            gcTotal += gcMillis.get(i);
            stepTotal += stepNanos.get(i);
        }
        return String.format(Locale.ROOT, "%s alloc: %.1f MB/step (median of %d), GC %.1f ms/step, %.1f%% of the step time",
                name, median(bytes.subList(from, bytes.size())) / 1e6, n, (double) median(gcMillis.subList(from, gcMillis.size())),
                stepTotal == 0 ? 0.0 : 100.0 * gcTotal * 1e6 / stepTotal);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Bytes allocated so far by all Java threads, live and ended. */
    static long allocatedBytes() {
        return THREADS.getTotalThreadAllocatedBytes();
    }

    /** Milliseconds all collectors have spent so far. */
    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) total += Math.max(0, gc.getCollectionTime());
        return total;
    }
}
