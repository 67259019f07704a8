package dev.jgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    /** A clock the test moves by hand, so elapsed time, rate and ETA are exact. */
    private static final class FakeClock {
        long nanos = 1_000_000_000L; // not zero: the bar must measure from its own start
        long get() { return nanos; }
        void advanceSeconds(double s) { nanos += (long) (s * 1e9); }
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final FakeClock clock = new FakeClock();

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private List<String> lines() {
        return output().lines().toList();
    }

    @Test
    void durationsReadLikeAClock() {
        assertEquals("00:00", ConsoleFormat.duration(0));
        assertEquals("00:07", ConsoleFormat.duration(7.4));
        assertEquals("00:08", ConsoleFormat.duration(7.5));
        assertEquals("12:34", ConsoleFormat.duration(754));
        assertEquals("59:59", ConsoleFormat.duration(3599));
        assertEquals("1:00:00", ConsoleFormat.duration(3600));
        assertEquals("1:02:03", ConsoleFormat.duration(3723));
        assertEquals("100:00:00", ConsoleFormat.duration(360_000));
        assertEquals("--:--", ConsoleFormat.duration(Double.NaN));
        assertEquals("--:--", ConsoleFormat.duration(Double.POSITIVE_INFINITY));
        assertEquals("00:00", ConsoleFormat.duration(-3), "clock skew must not print a negative time");
    }

    @Test
    void ratesHaveThreeSignificantDigitsAndAnSiPrefix() {
        assertEquals("9.82 it/s", ConsoleFormat.rate(9.824, "it"));
        assertEquals("12.3 it/s", ConsoleFormat.rate(12.34, "it"));
        assertEquals("123 it/s", ConsoleFormat.rate(123.4, "it"));
        assertEquals("1.53k tokens/s", ConsoleFormat.rate(1534.2, "tokens"));
        assertEquals("15.3k tokens/s", ConsoleFormat.rate(15_342, "tokens"));
        assertEquals("153k tokens/s", ConsoleFormat.rate(153_421, "tokens"));
        assertEquals("12.0M tokens/s", ConsoleFormat.rate(12_000_000, "tokens"));
        assertEquals("1.00k it/s", ConsoleFormat.rate(999.7, "it"), "rounds before choosing the prefix");
        assertEquals("0.250 it/s", ConsoleFormat.rate(0.25, "it"));
        assertEquals("0.0412 it/s", ConsoleFormat.rate(0.04123, "it"));
        assertEquals("? it/s", ConsoleFormat.rate(0, "it"));
        assertEquals("? images/s", ConsoleFormat.rate(Double.NaN, "images"));
    }

    @Test
    void metricsUseFourDecimalsOrScientific() {
        assertEquals("2.3104", ConsoleFormat.metric(2.310412));
        assertEquals("0.0000", ConsoleFormat.metric(0));
        assertEquals("-0.5000", ConsoleFormat.metric(-0.5));
        assertEquals("3.000e-04", ConsoleFormat.metric(3e-4));
        assertEquals("1.235e+05", ConsoleFormat.metric(123_456));
        assertEquals("nan", ConsoleFormat.metric(Double.NaN));
        assertEquals("inf", ConsoleFormat.metric(Double.POSITIVE_INFINITY));
    }

    @Test
    void plainModePrintsALineEveryQuarterAndNoCarriageReturns() {
        try (ProgressBar bar = new ProgressBar("train", 100, null, ProgressBar.Style.plain(out, 25, clock::get))) {
            for (int i = 0; i < 100; i++) {
                clock.advanceSeconds(0.5);
                bar.metric("loss", 4.0 - i * 0.01);
                bar.step();
            }
        }
        assertFalse(output().contains("\r"));
        assertEquals(List.of(
                "train  25% 25/100 00:13<00:38 2.00 it/s loss=3.7600",
                "train  50% 50/100 00:25<00:25 2.00 it/s loss=3.5100",
                "train  75% 75/100 00:38<00:13 2.00 it/s loss=3.2600",
                "train 100% 100/100 00:50<00:00 2.00 it/s loss=3.0100"), lines(),
                "close() must not repeat the line already printed at 100%");
    }

    @Test
    void plainModeClosingEarlyReportsWhereItStopped() {
        try (ProgressBar bar = new ProgressBar("fit", 1000, "tokens", ProgressBar.Style.plain(out, 10, clock::get))) {
            for (int i = 0; i < 150; i++) {
                clock.advanceSeconds(0.1);
                bar.step(4096);
            }
        }
        assertEquals(List.of(
                "fit  10% 100/1000 00:10<01:30 41.0k tokens/s",
                "fit  15% 150/1000 00:15<01:25 41.0k tokens/s"), lines());
    }

    @Test
    void unknownTotalHasNoPercentageOrEta() {
        try (ProgressBar bar = new ProgressBar("gen", 0, "chars", ProgressBar.Style.plain(out, 10, clock::get))) {
            clock.advanceSeconds(2);
            bar.step(500);
        }
        assertEquals(List.of("gen 1 00:02 250 chars/s"), lines());
    }

    @Test
    void beforeTheFirstStepRateAndEtaAreUnknown() {
        ProgressBar bar = new ProgressBar("train", 10, null, ProgressBar.Style.plain(out, 10, clock::get));
        assertEquals("train   0% 0/10 00:00<--:-- ? it/s", bar.render(-1));
    }

    @Test
    void terminalModeRedrawsOneLineInPlaceAtMostEvery100ms() {
        ProgressBar.Style style = new ProgressBar.Style(out, true, 80, 10, 100_000_000L, clock::get);
        try (ProgressBar bar = new ProgressBar("train", 1000, null, style)) {
            for (int i = 0; i < 1000; i++) {
                clock.advanceSeconds(0.01); // 10 steps per redraw interval
                bar.step();
            }
        }
        String s = output();
        assertEquals(1, s.chars().filter(c -> c == '\n').count(), "one line, ended only on close");
        long redraws = s.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 90 && redraws <= 110, "about one redraw per 100 ms, got " + redraws);
        String last = s.substring(s.lastIndexOf('\r') + 1, s.length() - 1);
        assertTrue(last.startsWith("train 100% [##############################] 1000/1000 00:10<00:00 100 it/s"), last);
        for (String frame : s.split("\r")) {
            assertTrue(frame.strip().length() <= 79, "a frame wider than the terminal wraps: " + frame);
        }
    }

    @Test
    void terminalModeDropsTheBarBeforeCuttingTheNumbers() {
        ProgressBar.Style narrow = new ProgressBar.Style(out, true, 50, 10, 0, clock::get);
        ProgressBar bar = new ProgressBar("train", 100, null, narrow);
        clock.advanceSeconds(1);
        bar.step();
        String line = bar.render(49);
        assertFalse(line.contains("["), line);
        assertTrue(line.startsWith("train   1% 1/100 00:01<01:39 1.00 it/s"), line);
    }

    @Test
    void messagesPrintAboveTheBarWithoutTearingIt() {
        ProgressBar.Style style = new ProgressBar.Style(out, true, 80, 10, 0, clock::get);
        try (ProgressBar bar = new ProgressBar("train", 10, null, style)) {
            clock.advanceSeconds(1);
            bar.step();
            bar.message("epoch 1: val_loss=1.2345");
            clock.advanceSeconds(1);
            bar.step();
        }
        // split on '\n' only: String.lines() would also split at every '\r' redraw
        List<String> lines = List.of(output().split("\n"));
        assertEquals(2, lines.size(), output());
        String messageLine = lines.get(0).substring(lines.get(0).lastIndexOf('\r') + 1);
        assertEquals("epoch 1: val_loss=1.2345", messageLine);
        assertTrue(lines.get(1).contains("2/10"), lines.get(1));
    }
}
