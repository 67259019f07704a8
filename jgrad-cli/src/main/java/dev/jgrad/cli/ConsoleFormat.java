package dev.jgrad.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** How the console shows durations, rates and metric values (the progress bar and the commands' summaries). */
public final class ConsoleFormat {
    private ConsoleFormat() {}

    /** "00:07", "12:34", "1:02:03"; "--:--" when unknown (no step done yet). */
    public static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) return "--:--";
        long s = Math.round(Math.max(0, seconds));
        long h = s / 3600, m = s / 60 % 60, sec = s % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%02d:%02d", m, sec);
    }

    /**
     * Three significant digits with an SI prefix: "9.82 it/s", "1.53k tokens/s", "12.0M tokens/s",
     * "0.250 it/s"; "? it/s" before anything can be measured.
     */
    public static String rate(double perSecond, String unit) {
        if (Double.isNaN(perSecond) || Double.isInfinite(perSecond) || perSecond <= 0) return "? " + unit + "/s";
        // round first, so 999.7 becomes "1.00k" rather than "1000"
        double v = new BigDecimal(perSecond).round(new MathContext(3)).doubleValue();
        String[] prefixes = {"", "k", "M", "G", "T"};
        int p = 0;
        while (v >= 1000 && p < prefixes.length - 1) {
            v /= 1000;
            p++;
        }
        String digits = v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : v >= 1 ? String.format(Locale.ROOT, "%.2f", v)
                : String.format(Locale.ROOT, "%." + (2 - (int) Math.floor(Math.log10(v))) + "f", v);
        return digits + prefixes[p] + " " + unit + "/s";
    }

    /** Four decimals for values of ordinary size (losses, accuracies); scientific for learning rates and the like. */
    public static String metric(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) return String.format(Locale.ROOT, "%.3e", v);
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
