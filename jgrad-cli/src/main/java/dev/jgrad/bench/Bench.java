package dev.jgrad.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Timing and output in exactly the form of the PyTorch peer script torch_bench.py, so the two can be diffed. */
public final class Bench {
    private Bench() {}

    /** Median and all samples of a timed run, in seconds. */
    public record Timing(double median, List<Double> times) {
        public String spread() {
            return String.format(Locale.ROOT, "n=%d min=%.4fs median=%.4fs max=%.4fs",
                    times.size(), Collections.min(times), median, Collections.max(times));
        }
    }

    /**
     * Runs fn {@code warmup} times, then up to {@code iters} timed times, stopping early once
     * {@code budgetSeconds} of timed work is spent (but after at least 3), like the peer's time_it.
     */
    public static Timing timeIt(Runnable fn, int warmup, int iters, double budgetSeconds, boolean quick) {
        if (quick) {
            warmup = 1;
            iters = 2;
        }
        for (int i = 0; i < warmup; i++) fn.run();
        List<Double> times = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            fn.run();
            times.add((System.nanoTime() - t0) / 1e9);
            if (i >= 2 && (System.nanoTime() - start) / 1e9 > budgetSeconds) break;
        }
        return new Timing(median(times), times);
    }

    /**
     * The median, as Python's statistics.median: the middle value, or the mean of the two middle ones.
     *
     * @param values at least one value
     * @return their median
     */
    public static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Where {@link #emit} also puts its metrics while {@link #recording} runs; null otherwise. */
    private static volatile List<Metric> recorder;

    /** Prints {@code workload=<name> metric=<value> unit=<unit>} with the peer's number format. */
    public static void emit(String name, double value, String unit) {
        Metric metric = new Metric(name, value, unit);
        System.out.println(metric.line());
        System.out.flush();
        List<Metric> r = recorder;
        if (r != null) r.add(metric);
    }

    /**
     * Runs {@code body} and returns the metrics it emitted, in order, so that {@code jgrad bench} can
     * turn a workload's first metric into GFLOP/s without the workloads returning anything.
     *
     * @param body a workload's run
     * @return what it passed to {@link #emit}, in order
     */
    public static List<Metric> recording(Runnable body) {
        List<Metric> metrics = Collections.synchronizedList(new ArrayList<>());
        List<Metric> outer = recorder;
        recorder = metrics;
        try {
            body.run();
        } finally {
            recorder = outer;
        }
        return List.copyOf(metrics);
    }

    /** An information line, starting with '#' as in the peer. */
    public static void info(String msg) {
        System.out.println("# " + msg);
        System.out.flush();
    }
}
