package dev.jgrad.bench;

import java.util.Locale;

/**
 * A workload's throughput as GFLOP/s: its first metric times the FLOPs behind one unit of it
 * ({@link Workload#flopsPerUnit()}), and what fraction of the FMA peak that is.
 *
 * @param metric       a rate, e.g. 5755 tokens/s
 * @param flopsPerUnit the FLOPs behind one unit of it, e.g. 19.9e6 per token
 */
public record FlopRate(Metric metric, double flopsPerUnit) {

    /**
     * The rate in GFLOP/s.
     *
     * @return the metric's value times the FLOPs per unit, over 1e9
     */
    public double gflops() {
        return metric.value() * flopsPerUnit / 1e9;
    }

    /**
     * An information line: how the GFLOP/s follow from the metric, and the fraction of the peak.
     *
     * @param peak the FMA peak measured in this process, or null when it was not measured
     * @return e.g. "lstm_lm_train: 19.86 MFLOP per token x 5755 tokens/s = 114.3 GFLOP/s, 22.2% of the FMA peak (...)"
     */
    public String describe(FmaPeak.Result peak) {
        String rate = metric.unit().equals("GFLOP/s")
                ? String.format(Locale.ROOT, "%.1f GFLOP/s", gflops())
                : String.format(Locale.ROOT, "%.2f MFLOP per %s x %s %s = %.1f GFLOP/s", flopsPerUnit / 1e6,
                        perWhat(metric.unit()), metric.formattedValue(), metric.unit(), gflops());
        String fraction = peak == null ? "FMA peak not measured"
                : String.format(Locale.ROOT, "%.1f%% of the FMA peak (%s)", peak.percent(gflops()), peak.describe());
        return metric.name() + ": " + rate + ", " + fraction;
    }

    /** "tokens/s" -> "token", "images/s" -> "image". */
    private static String perWhat(String unit) {
        return unit.replaceFirst("/s$", "").replaceFirst("s$", "");
    }
}
