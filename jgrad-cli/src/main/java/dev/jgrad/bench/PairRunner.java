package dev.jgrad.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs jgrad and a peer on the same workload in alternating pairs, one right after the other, and prints
 * each pair as it ends. Pair i runs jgrad first when i is odd and the peer first when it is even, so that
 * neither side always gets the cooler (or the busier) machine. On a machine whose speed drifts over minutes,
 * only ratios of runs made this close together say anything.
 */
public final class PairRunner {

    /** One side of a comparison, e.g. a jgrad or a Python process. */
    public interface Side {
        /**
         * The side's name in the output.
         *
         * @return e.g. "jgrad" or "torch"
         */
        String name();

        /**
         * Runs a workload once, from scratch.
         *
         * @param workload the workload's name, e.g. "sgemm"
         * @return the first metric it printed
         */
        Metric run(String workload);
    }

    /**
     * One pair of runs.
     *
     * @param number      1, 2, ...
     * @param jgradFirst  whether jgrad ran first
     * @param loadAverage the 1-minute load average just before the pair
     * @param jgrad       jgrad's metric
     * @param peer        the peer's metric, of the same name and unit
     */
    public record Pair(int number, boolean jgradFirst, String loadAverage, Metric jgrad, Metric peer) {
        /**
         * How many times faster jgrad was: jgrad/peer for a rate, peer/jgrad for a time.
         *
         * @return above 1 when jgrad was faster
         */
        public double ratio() {
            return jgrad.higherIsBetter() ? jgrad.value() / peer.value() : peer.value() / jgrad.value();
        }
    }

    /**
     * The median and range of some values.
     *
     * @param median the median
     * @param min    the smallest
     * @param max    the largest
     */
    public record Spread(double median, double min, double max) {
        /**
         * The spread of values.
         *
         * @param values at least one value
         * @return their median, minimum and maximum
         */
        public static Spread of(List<Double> values) {
            return new Spread(Bench.median(values), Collections.min(values), Collections.max(values));
        }
    }

    /**
     * All pairs of one workload.
     *
     * @param workload the workload's name
     * @param pairs    its pairs, in the order they ran
     */
    public record Comparison(String workload, List<Pair> pairs) {
        /** @return the metric compared, as jgrad printed it in the first pair */
        public Metric metric() {
            return pairs.getFirst().jgrad();
        }

        /** @return the median and range of the ratios */
        public Spread ratios() {
            return spread(Pair::ratio);
        }

        /** @return the median and range of jgrad's values */
        public Spread jgrad() {
            return spread(p -> p.jgrad().value());
        }

        /** @return the median and range of the peer's values */
        public Spread peer() {
            return spread(p -> p.peer().value());
        }

        private Spread spread(Function<Pair, Double> value) {
            return Spread.of(pairs.stream().map(value).toList());
        }
    }

    private final Side jgrad, peer;
    private final int pairs;
    private final PrintStream out;
    private final Supplier<String> loadAverage;

    /**
     * A runner that prints to {@code out}.
     *
     * @param jgrad       jgrad's side
     * @param peer        the peer's side
     * @param pairs       pairs per workload, at least 1
     * @param out         where each pair's line goes
     * @param loadAverage read before each pair, e.g. {@link Machine#loadAverage()}
     */
    public PairRunner(Side jgrad, Side peer, int pairs, PrintStream out, Supplier<String> loadAverage) {
        if (pairs < 1) throw new IllegalArgumentException("the number of pairs must be at least 1, not " + pairs);
        this.jgrad = jgrad;
        this.peer = peer;
        this.pairs = pairs;
        this.out = out;
        this.loadAverage = loadAverage;
    }

    /**
     * Whether jgrad runs first in a pair.
     *
     * @param pair the pair's number, from 1
     * @return true for odd pairs, false for even ones
     */
    public static boolean jgradFirst(int pair) {
        return pair % 2 == 1;
    }

    /**
     * Runs the pairs of one workload, printing each, then the median ratio and its range.
     *
     * @param workload a workload both sides know
     * @return the pairs
     * @throws IllegalStateException if the two sides' first metrics differ in name or unit
     */
    public Comparison compare(String workload) {
        List<Pair> done = new ArrayList<>();
        for (int i = 1; i <= pairs; i++) {
            String load = loadAverage.get();
            Metric j, p;
            if (jgradFirst(i)) {
                j = jgrad.run(workload);
                p = peer.run(workload);
            } else {
                p = peer.run(workload);
                j = jgrad.run(workload);
            }
            requireSameMetric(workload, j, p);
            Pair pair = new Pair(i, jgradFirst(i), load, j, p);
            if (i == 1) {
                out.printf(Locale.ROOT, "# %s: metric %s (%s), the first workload= line of each; ratio = %s%n", workload,
                        j.name(), j.unit(), j.higherIsBetter() ? jgrad.name() + " / " + peer.name() : peer.name() + " / " + jgrad.name());
            }
            out.printf(Locale.ROOT, "%s pair %d/%d, %s first, load %s: %s %s, %s %s %s: %.2fx%n", workload, i, pairs,
                    pair.jgradFirst() ? jgrad.name() : peer.name(), load, jgrad.name(), j.formattedValue(),
                    peer.name(), p.formattedValue(), j.unit(), pair.ratio());
            out.flush();
            done.add(pair);
        }
        Comparison comparison = new Comparison(workload, List.copyOf(done));
        out.println(summary(comparison));
        out.flush();
        return comparison;
    }

    /**
     * A workload's result line.
     *
     * @param c the pairs of one workload
     * @return e.g. "sgemm: median 0.87x (range 0.86-0.88) over 5 pairs"
     */
    public static String summary(Comparison c) {
        Spread r = c.ratios();
        return String.format(Locale.ROOT, "%s: median %.2fx (range %.2f-%.2f) over %d pair%s", c.workload(), r.median(),
                r.min(), r.max(), c.pairs().size(), c.pairs().size() == 1 ? "" : "s");
    }

    private void requireSameMetric(String workload, Metric j, Metric p) {
        if (!j.name().equals(p.name()) || !j.unit().equals(p.unit())) {
            throw new IllegalStateException(String.format("%s: %s's first metric is %s (%s) but %s's is %s (%s), so they do not"
                    + " measure the same thing", workload, jgrad.name(), j.name(), j.unit(), peer.name(), p.name(), p.unit()));
        }
    }
}
