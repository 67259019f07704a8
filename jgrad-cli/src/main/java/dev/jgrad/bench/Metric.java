package dev.jgrad.bench;

import java.util.Locale;
import java.util.Optional;

/**
 * One result line of a benchmark, {@code workload=<name> metric=<value> unit=<unit>}, as jgrad and the
 * PyTorch peer script both print it.
 *
 * @param name  the metric's name, e.g. "sgemm_N512" or "lstm_lm_train"
 * @param value its value in {@code unit}
 * @param unit  e.g. "GFLOP/s", "tokens/s" or "ms/step"
 */
public record Metric(String name, double value, String unit) {

    /**
     * Reads a result line.
     *
     * @param line one line of a benchmark's output
     * @return the metric, or empty for information lines and anything else not of the form above
     */
    public static Optional<Metric> parse(String line) {
        String[] fields = line.strip().split(" ");
        if (fields.length != 3 || !fields[0].startsWith("workload=") || !fields[1].startsWith("metric=")
                || !fields[2].startsWith("unit=")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Metric(fields[0].substring("workload=".length()),
                    Double.parseDouble(fields[1].substring("metric=".length())), fields[2].substring("unit=".length())));
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    /**
     * Whether more is faster: a rate ("GFLOP/s", "tokens/s") rather than a time ("ms/step").
     *
     * @return true when the unit is per second
     */
    public boolean higherIsBetter() {
        return unit.endsWith("/s");
    }

    /**
     * The value in the peer's number format (one decimal from 100, two from 1, else four), as both print it.
     *
     * @return the formatted value
     */
    public String formattedValue() {
        return format(value);
    }

    /**
     * A number in the peer's format.
     *
     * @param value any value
     * @return one decimal from 100 up, two from 1 up, else four
     */
    public static String format(double value) {
        if (value >= 100) return String.format(Locale.ROOT, "%.1f", value);
        if (value >= 1) return String.format(Locale.ROOT, "%.2f", value);
        return String.format(Locale.ROOT, "%.4f", value);
    }

    /**
     * The result line.
     *
     * @return {@code workload=<name> metric=<value> unit=<unit>}
     */
    public String line() {
        return "workload=" + name + " metric=" + formattedValue() + " unit=" + unit;
    }
}
