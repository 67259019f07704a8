package dev.jgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairRunnerTest {

    private final List<String> calls = new ArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    /** A side that logs its runs and returns the given values in turn. */
    private PairRunner.Side side(String name, String unit, double... values) {
        Iterator<Double> next = java.util.Arrays.stream(values).boxed().iterator();
        return new PairRunner.Side() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Metric run(String workload) {
                calls.add(name + ":" + workload);
                return new Metric(workload + "_metric", next.next(), unit);
            }
        };
    }

    @Test
    void oddPairsRunJgradFirstAndEvenPairsThePeerOneRightAfterTheOther() {
        assertTrue(PairRunner.jgradFirst(1));
        assertFalse(PairRunner.jgradFirst(2));
        assertTrue(PairRunner.jgradFirst(3));
        PairRunner runner = new PairRunner(side("jgrad", "tokens/s", 1, 2, 3, 4), side("torch", "tokens/s", 1, 1, 1, 1), 4, out, () -> "0.50");
        PairRunner.Comparison c = runner.compare("w");
        assertEquals(List.of("jgrad:w", "torch:w", "torch:w", "jgrad:w", "jgrad:w", "torch:w", "torch:w", "jgrad:w"), calls);
        assertEquals(List.of(true, false, true, false), c.pairs().stream().map(PairRunner.Pair::jgradFirst).toList());
        assertEquals(List.of(1, 2, 3, 4), c.pairs().stream().map(PairRunner.Pair::number).toList());
    }

    @Test
    void eachWorkloadGetsItsOwnPairsInTurn() {
        PairRunner runner = new PairRunner(side("jgrad", "GFLOP/s", 1, 1, 1, 1), side("torch", "GFLOP/s", 1, 1, 1, 1), 2, out, () -> "1");
        runner.compare("a");
        runner.compare("b");
        assertEquals(List.of("jgrad:a", "torch:a", "torch:a", "jgrad:a", "jgrad:b", "torch:b", "torch:b", "jgrad:b"), calls);
    }

    @Test
    void theMedianRatioAndItsRangeOfAnOddNumberOfPairs() {
        // ratios 300/100 = 3, 100/100 = 1, 200/100 = 2
        PairRunner runner = new PairRunner(side("jgrad", "tokens/s", 300, 100, 200), side("torch", "tokens/s", 100, 100, 100), 3, out, () -> "1.25");
        PairRunner.Comparison c = runner.compare("lstm");
        assertEquals(new PairRunner.Spread(2, 1, 3), c.ratios());
        assertEquals(new PairRunner.Spread(200, 100, 300), c.jgrad());
        assertEquals("lstm: median 2.00x (range 1.00-3.00) over 3 pairs", PairRunner.summary(c));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("lstm pair 1/3, jgrad first, load 1.25: jgrad 300.0, torch 100.0 tokens/s: 3.00x"), text);
        assertTrue(text.contains("lstm pair 2/3, torch first, load 1.25: jgrad 100.0, torch 100.0 tokens/s: 1.00x"), text);
        assertTrue(text.contains("# lstm: metric lstm_metric (tokens/s), the first workload= line of each; ratio = jgrad / torch"), text);
        assertTrue(text.endsWith("lstm: median 2.00x (range 1.00-3.00) over 3 pairs" + System.lineSeparator()), text);
    }

    @Test
    void theMedianOfAnEvenNumberOfPairsIsTheMeanOfTheMiddleTwo() {
        assertEquals(new PairRunner.Spread(2.5, 1, 10), PairRunner.Spread.of(List.of(10.0, 1.0, 3.0, 2.0)));
        assertEquals(new PairRunner.Spread(0.87, 0.87, 0.87), PairRunner.Spread.of(List.of(0.87)));
    }

    @Test
    void forATimeTheRatioIsPeerOverJgradSoAboveOneStillMeansJgradIsFaster() {
        PairRunner.Pair pair = new PairRunner.Pair(1, true, "1", new Metric("w", 50, "ms/step"), new Metric("w", 100, "ms/step"));
        assertEquals(2, pair.ratio());
        PairRunner.Pair rate = new PairRunner.Pair(1, true, "1", new Metric("w", 50, "images/s"), new Metric("w", 100, "images/s"));
        assertEquals(0.5, rate.ratio());
    }

    @Test
    void sidesWhoseFirstMetricsDifferAreRefusedByName() {
        PairRunner.Side other = new PairRunner.Side() {
            @Override
            public String name() {
                return "torch";
            }

            @Override
            public Metric run(String workload) {
                return new Metric("something_else", 1, "tokens/s");
            }
        };
        PairRunner runner = new PairRunner(side("jgrad", "tokens/s", 1), other, 1, out, () -> "1");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.compare("w"));
        assertEquals("w: jgrad's first metric is w_metric (tokens/s) but torch's is something_else (tokens/s), so they do not"
                + " measure the same thing", e.getMessage());
    }

    @Test
    void noPairsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PairRunner(side("jgrad", "x/s"), side("torch", "x/s"), 0, out, () -> "1"));
        assertEquals("the number of pairs must be at least 1, not 0", e.getMessage());
    }

    @Test
    void theMarkdownTableHasTheMediansTheRatioAndTheFractionOfPeak() {
        PairRunner runner = new PairRunner(side("jgrad", "tokens/s", 3000, 1000, 2000), side("torch", "tokens/s", 1000, 1000, 1000), 3, out,
                new Iterator<String>() {
                    double load = 1.0;

                    @Override
                    public boolean hasNext() {
                        return true;
                    }

                    @Override
                    public String next() {
                        return Double.toString(load += 0.5);
                    }
                }::next);
        PairRunner.Comparison c = runner.compare("lstm");
        FmaPeak.Result peak = new FmaPeak.Result(400, 2, 512, 16, 1f);
        String md = new PairReport("PyTorch", "cpu family 6, X", name -> 1e8, peak).markdown(List.of(c));
        List<String> lines = md.lines().toList();
        assertTrue(lines.get(0).endsWith(", cpu family 6, X, load average 1.5-2.5, FMA peak 400.0 GFLOP/s on 2 threads, 512-bit vectors"
                + " (`jgrad bench fma_peak`):"), lines.get(0));
        assertEquals("| workload | metric (unit) | jgrad | PyTorch | jgrad / PyTorch: median (range) | % of FMA peak: jgrad / PyTorch |",
                lines.get(2));
        // 2000 tokens/s x 1e8 FLOP = 200 GFLOP/s = 50% of 400; 1000 -> 25%
        assertEquals("| lstm | lstm_metric (tokens/s) | 2000.0 | 1000.0 | **2.00x** (1.00-3.00) | 50% / 25% |", lines.get(4));
        // small fractions keep a decimal: 2 GFLOP/s is 0.5% of 400, not 0%
        String small = new PairReport("PyTorch", "x", name -> 1e6, peak).markdown(List.of(c));
        assertTrue(small.endsWith("| 0.5% / 0.3% |"), small);
        String withoutPeak = new PairReport("PyTorch", "x", name -> 1e8, null).markdown(List.of(c));
        assertTrue(withoutPeak.endsWith("| **2.00x** (1.00-3.00) | - / - |"), withoutPeak);
    }
}
