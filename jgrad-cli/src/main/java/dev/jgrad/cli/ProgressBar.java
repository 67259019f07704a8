package dev.jgrad.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A one-line console progress bar for training loops: steps done out of a total, named metrics
 * such as the loss, a rate such as tokens/s, elapsed time and ETA.
 *
 * <pre>
 * train  12% [###.........................] 120/1000 00:12&lt;01:28 1.53k tokens/s loss=2.3104
 * </pre>
 *
 * On a terminal it redraws that line in place with '\r' (at most every 100 ms, so a fast loop does
 * not spend its time printing). Anywhere else, a log file or CI, a carriage return would pile all
 * redraws into one unreadable line, so it prints a plain line each time another
 * {@code plainEveryPercent} of the total is done instead.
 *
 * <p>All methods are synchronized: a trainer may report from a worker thread while the main thread
 * logs messages.
 *
 * <pre>{@code
 * try (var bar = new ProgressBar("train", steps, "tokens")) {
 *     for (...) { ...; bar.metric("loss", loss); bar.step(batch * seqLen); }
 * }
 * }</pre>
 */
public final class ProgressBar implements AutoCloseable {

    /**
     * Where and how to draw. {@code terminal} chooses in-place redraws; {@code columns} bounds the
     * line so it never wraps (a wrapped line can't be redrawn with '\r').
     */
    public record Style(PrintStream out, boolean terminal, int columns, int plainEveryPercent,
                        long redrawIntervalNanos, LongSupplier clock) {
        public Style {
            if (plainEveryPercent < 1 || plainEveryPercent > 100) {
                throw new IllegalArgumentException("plainEveryPercent must be in [1, 100]: " + plainEveryPercent);
            }
            if (columns < 20) columns = 20;
        }

        /** stderr, in place when attached to a terminal, sized from $COLUMNS (which the launcher sets). */
        public static Style detect() {
            return new Style(System.err, System.console() != null, envColumns(), 10,
                    100_000_000L, System::nanoTime);
        }

        /** A plain-line style, for logs and tests. */
        public static Style plain(PrintStream out, int everyPercent, LongSupplier clock) {
            return new Style(out, false, 120, everyPercent, 0, clock);
        }

        private static int envColumns() {
            try {
                String c = System.getenv("COLUMNS");
                return c == null ? 80 : Integer.parseInt(c.strip());
            } catch (NumberFormatException e) {
                return 80;
            }
        }
    }

    /** Without a known total, a plain line this often still shows the run is alive. */
    private static final long PLAIN_INTERVAL_WITHOUT_TOTAL_NANOS = 30_000_000_000L;
    private static final int MAX_BAR_WIDTH = 30;
    private static final int MIN_BAR_WIDTH = 10;

    private final String label;
    private final long total;
    private final String rateUnit;
    private final Style style;
    private final long startNanos;
    private final Map<String, Double> metrics = new LinkedHashMap<>();

    private long current;
    private long units;
    private long lastDrawNanos;
    private boolean drawnOnce;
    private int lastLength;
    private long lastPlainBucket;
    private long lastPlainStep = -1;
    private boolean closed;

    /**
     * @param total steps in all, or 0 if unknown (then there is no bar, percentage or ETA)
     * @param rateUnit what {@link #step(long)} counts, e.g. "tokens"; null to show steps per second
     */
    public ProgressBar(String label, long total, String rateUnit) {
        this(label, total, rateUnit, Style.detect());
    }

    public ProgressBar(String label, long total, String rateUnit, Style style) {
        if (total < 0) throw new IllegalArgumentException("total must be >= 0: " + total);
        this.label = label;
        this.total = total;
        this.rateUnit = rateUnit;
        this.style = style;
        this.startNanos = style.clock().getAsLong();
    }

    /** One step done; for a bar with a rate unit, use {@link #step(long)} so the rate counts something. */
    public synchronized void step() {
        advance(1, rateUnit == null ? 1 : 0);
    }

    /** One step done, which processed {@code units} of the rate unit (tokens, images, ...). */
    public synchronized void step(long units) {
        advance(1, units);
    }

    /** Several steps done at once, each counting as one unit of the rate (bytes downloaded, say). */
    public synchronized void stepMany(long steps) {
        advance(steps, steps);
    }

    /** Moves to an absolute step, e.g. when resuming from a checkpoint. */
    public synchronized void set(long step) {
        advance(step - current, 0);
    }

    /** Sets or updates a named metric; shown in the order first set. */
    public synchronized void metric(String name, double value) {
        metrics.put(name, value);
    }

    /** Prints a line of its own (an evaluation result, say) without tearing the bar. */
    public synchronized void message(String line) {
        if (style.terminal() && drawnOnce && !closed) {
            style.out().print("\r" + " ".repeat(lastLength) + "\r" + line + "\n");
            lastLength = 0;
            draw();
        } else {
            style.out().println(line);
            style.out().flush();
        }
    }

    /** Draws the final state and ends the line. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (style.terminal()) {
            draw();
            style.out().println();
        } else if (lastPlainStep != current) {
            printPlain();
        }
        style.out().flush();
    }

    public synchronized long current() {
        return current;
    }

    private void advance(long steps, long processed) {
        current += steps;
        units += processed;
        if (closed) return;
        long now = style.clock().getAsLong();
        if (style.terminal()) {
            boolean finished = total > 0 && current >= total;
            if (!drawnOnce || finished || now - lastDrawNanos >= style.redrawIntervalNanos()) {
                draw();
                lastDrawNanos = now;
            }
        } else if (total > 0) {
            long bucket = Math.min(current, total) * 100 / total / style.plainEveryPercent();
            if (bucket > lastPlainBucket) {
                lastPlainBucket = bucket;
                printPlain();
            }
        } else if (now - lastDrawNanos >= PLAIN_INTERVAL_WITHOUT_TOTAL_NANOS) {
            lastDrawNanos = now;
            printPlain();
        }
    }

    private void draw() {
        String line = render(style.columns() - 1);
        // pad over the tail of a longer previous line rather than rely on ANSI erase codes
        int pad = Math.max(0, lastLength - line.length());
        style.out().print("\r" + line + " ".repeat(pad));
        style.out().flush();
        lastLength = line.length();
        drawnOnce = true;
    }

    private void printPlain() {
        lastPlainStep = current;
        style.out().println(render(-1));
        style.out().flush();
    }

    /**
     * The progress line. With {@code columns > 0} (terminal) it has a bar when there is room and is
     * cut to fit; with {@code columns <= 0} (plain lines) it has no bar and no limit.
     */
    synchronized String render(int columns) {
        double elapsed = (style.clock().getAsLong() - startNanos) / 1e9;
        StringBuilder head = new StringBuilder(label);
        StringBuilder tail = new StringBuilder();
        boolean known = total > 0;
        if (known) {
            head.append(String.format(Locale.ROOT, " %3d%%", Math.min(current, total) * 100 / total));
            tail.append(' ').append(current).append('/').append(total);
        } else {
            tail.append(' ').append(current);
        }
        double eta = known && current > 0 ? elapsed / current * Math.max(0, total - current) : Double.NaN;
        tail.append(' ').append(ConsoleFormat.duration(elapsed));
        if (known) tail.append('<').append(ConsoleFormat.duration(eta));
        long counted = rateUnit == null ? current : units;
        double rate = elapsed > 0 ? counted / elapsed : Double.NaN;
        tail.append(' ').append(ConsoleFormat.rate(rate, rateUnit == null ? "it" : rateUnit));
        for (Map.Entry<String, Double> m : metrics.entrySet()) {
            tail.append(' ').append(m.getKey()).append('=').append(ConsoleFormat.metric(m.getValue()));
        }
        if (columns <= 0) return head.append(tail).toString();

        int room = columns - head.length() - tail.length() - 3; // " [" + "]"
        if (known && room >= MIN_BAR_WIDTH) {
            int width = Math.min(MAX_BAR_WIDTH, room);
            int filled = (int) (Math.min(current, total) * width / total);
            head.append(" [").append("#".repeat(filled)).append(".".repeat(width - filled)).append(']');
        }
        String line = head.append(tail).toString();
        return line.length() > columns ? line.substring(0, columns) : line;
    }
}
