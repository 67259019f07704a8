package dev.jgrad.bench;

import java.io.PrintStream;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The end of {@code jgrad bench --against}: each workload's median ratio with its range, then the same as a
 * markdown table to paste into the README, with the fraction of the FMA peak that each side reached.
 *
 * @param peerName     the peer's name in the table, e.g. "PyTorch 1.13.0a0"
 * @param setting      how the figures were made, for the line above the table (CPU, threads, command)
 * @param flopsPerUnit a workload's {@link Workload#flopsPerUnit()}, by name
 * @param peak         the FMA peak measured in this process, or null when it was not measured
 */
public record PairReport(String peerName, String setting, ToDoubleFunction<String> flopsPerUnit, FmaPeak.Result peak) {

    /**
     * Prints the summaries and the table.
     *
     * @param comparisons one per workload, in the order they ran
     * @param out         where to print
     */
    public void print(List<PairRunner.Comparison> comparisons, PrintStream out) {
        out.println();
        out.println("# jgrad / " + peerName + ", medians of alternating pairs (above 1: jgrad is faster)");
        comparisons.forEach(c -> out.println(PairRunner.summary(c)));
        out.println();
        out.println("Markdown for the README:");
        out.println();
        out.println(markdown(comparisons));
        out.flush();
    }

    /**
     * The table, with a line above it that says where and how it was measured.
     *
     * @param comparisons one per workload
     * @return markdown text
     */
    public String markdown(List<PairRunner.Comparison> comparisons) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%s, %s, load average %s%s:%n%n", LocalDate.now(), setting, loadRange(comparisons),
                peak == null ? "" : ", FMA peak " + peak.describe() + " (`jgrad bench fma_peak`)"));
        md.append("| workload | metric (unit) | jgrad | ").append(peerName)
                .append(" | jgrad / ").append(peerName).append(": median (range) | % of FMA peak: jgrad / ").append(peerName).append(" |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (PairRunner.Comparison c : comparisons) {
            Metric metric = c.metric();
            double j = c.jgrad().median(), p = c.peer().median();
            PairRunner.Spread r = c.ratios();
            md.append(String.format(Locale.ROOT, "| %s | %s (%s) | %s | %s | **%.2fx** (%.2f-%.2f) | %s |%n", c.workload(),
                    metric.name(), metric.unit(), Metric.format(j), Metric.format(p), r.median(), r.min(), r.max(),
                    percentOfPeak(c.workload(), metric, j) + " / " + percentOfPeak(c.workload(), metric, p)));
        }
        return md.toString().stripTrailing();
    }

    private String percentOfPeak(String workload, Metric metric, double value) {
        double flops = flopsPerUnit.applyAsDouble(workload);
        if (peak == null || flops <= 0 || !metric.higherIsBetter()) return "-";
        double gflops = new FlopRate(new Metric(metric.name(), value, metric.unit()), flops).gflops();
        double percent = peak.percent(gflops);
        return String.format(Locale.ROOT, percent < 10 ? "%.1f%%" : "%.0f%%", percent); // 0.4%, not 0%
    }

    private static String loadRange(List<PairRunner.Comparison> comparisons) {
        List<Double> loads = comparisons.stream().flatMap(c -> c.pairs().stream()).map(PairRunner.Pair::loadAverage)
                .filter(s -> s.matches("[0-9.]+")).map(Double::parseDouble).toList();
        if (loads.isEmpty()) return "n/a";
        PairRunner.Spread s = PairRunner.Spread.of(loads);
        return String.format(Locale.ROOT, "%.1f-%.1f", s.min(), s.max());
    }
}
