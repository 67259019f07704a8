package dev.jgrad.spark;

import dev.jgrad.inference.Translator;
import dev.jgrad.train.Trainer;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a Spark application for jgrad on a master: {@code local[N]} (N threads in this JVM; {@code local[N,F]} also
 * retries a failed task up to F times) or a standalone cluster {@code spark://host:port}. For a cluster it first
 * checks that the master answers and afterwards that an executor joins, each within a time limit, so that a wrong
 * address fails with one clear line instead of a hang; it ships jgrad's jars to the executors and gives their JVMs the
 * Vector API module jgrad needs.
 *
 * <p>Spark settings given as {@code -Dspark.*} system properties (spark.executor.memory, say) apply as usual.
 */
public final class SparkConnector {
    /** How long a master may take to answer, and its workers to start an executor, unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** What every executor JVM needs for jgrad: the Vector API, and room for deep autograd graphs. */
    public static final String EXECUTOR_JAVA_OPTIONS = "--add-modules jdk.incubator.vector -Xss16m -XX:+UseParallelGC";

    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|\\d+)(,\\d+)?])?");
    private static final Pattern STANDALONE = Pattern.compile("spark://([^,/]+:\\d+(,[^,/]+:\\d+)*)/?");

    private SparkConnector() {}

    /**
     * A Spark session for jgrad's work, and whether jgrad started it (and so stops it when done) or found the caller's
     * active session on the same master (left running).
     */
    public record Connection(SparkSession session, boolean owned) implements AutoCloseable {
        /** Stops the session if jgrad started it. */
        @Override
        public void close() {
            if (owned) session.stop();
        }
    }

    /**
     * The active session if it runs on {@code master} (not to be stopped), else a new one as {@link #connect(String,
     * String, Duration, List)} starts it.
     */
    public static Connection open(String master, String appName, Duration timeout, List<Class<?>> moreCode) {
        var active = SparkSession.getActiveSession();
        if (active.isEmpty()) active = SparkSession.getDefaultSession();
        if (active.isDefined() && !active.get().sparkContext().isStopped() && active.get().sparkContext().master().equals(master.strip())) {
            return new Connection(active.get(), false);
        }
        return new Connection(connect(master, appName, timeout, moreCode), true);
    }

    /** {@link #connect(String, String, Duration, List)} with the default time limit, shipping jgrad's own jars. */
    public static SparkSession connect(String master, String appName) {
        return connect(master, appName, DEFAULT_TIMEOUT, List.of());
    }

    /**
     * A Spark session on {@code master}, for {@code appName}; with a cluster, executors get the jars of jgrad-core,
     * jgrad-spark and of {@code moreCode}'s classes.
     *
     * @throws IllegalArgumentException naming the master when it is malformed, does not answer, or no executor joins
     *                                  within {@code timeout}
     */
    public static SparkSession connect(String master, String appName, Duration timeout, List<Class<?>> moreCode) {
        if (master == null || master.isBlank()) throw new IllegalArgumentException("the Spark master is empty: give local[N] or spark://HOST:PORT");
        master = master.strip();
        boolean cluster;
        if (LOCAL.matcher(master).matches()) {
            cluster = false;
        } else if (STANDALONE.matcher(master).matches()) {
            cluster = true;
        } else {
            throw new IllegalArgumentException("the Spark master '" + master + "' is neither local[N] nor spark://HOST:PORT");
        }
        SparkSession.Builder builder = SparkSession.builder().master(master).appName(appName)
                .config("spark.ui.enabled", "false")
                .config("spark.executor.extraJavaOptions", EXECUTOR_JAVA_OPTIONS);
        if (cluster) {
            List<InetSocketAddress> masters = addresses(master);
            requireAnswer(master, masters, timeout);
            List<Class<?>> code = new ArrayList<>(List.of(Trainer.class, Translator.class, SparkConnector.class));
            code.addAll(moreCode);
            builder.config("spark.jars", String.join(",", AppJars.of(code)));
            if (masters.stream().allMatch(a -> a.getAddress() != null && a.getAddress().isLoopbackAddress())) {
                // A cluster on this machine: the executors call the driver back on the loopback address too.
                builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
            }
        }
        SparkSession session = builder.getOrCreate();
        session.sparkContext().setLogLevel(System.getProperty("jgrad.spark.logLevel", "WARN"));
        if (cluster) awaitExecutor(master, session, timeout);
        return session;
    }

    /** Data-parallel workers for {@code requested} (0: one per executor core, as Spark's default parallelism counts them). */
    public static int workers(SparkContext sc, int requested) {
        return requested > 0 ? requested : Math.max(1, sc.defaultParallelism());
    }

    private static List<InetSocketAddress> addresses(String master) {
        Matcher m = STANDALONE.matcher(master);
        if (!m.matches()) throw new IllegalStateException(master);
        List<InetSocketAddress> out = new ArrayList<>();
        for (String hostPort : m.group(1).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            out.add(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))));
        }
        return out;
    }

    /** Fails unless one of the masters accepts a connection within the time limit (at most 10 s each). */
    private static void requireAnswer(String master, List<InetSocketAddress> masters, Duration timeout) {
        int millis = (int) Math.min(timeout.toMillis(), 10_000);
        List<String> why = new ArrayList<>();
        for (InetSocketAddress a : masters) {
            if (a.isUnresolved()) {
                why.add(a.getHostString() + ": unknown host");
                continue;
            }
            try (Socket s = new Socket()) {
                s.connect(a, millis);
                return;
            } catch (IOException e) {
                why.add(a.getHostString() + ":" + a.getPort() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "the Spark master %s does not answer (%s, waited up to %.0f s); "
                + "is it running, and is that its address?", master, String.join("; ", why), millis / 1000.0));
    }

    /** Waits until the application has an executor; stops it and fails after the time limit. */
    private static void awaitExecutor(String master, SparkSession session, Duration timeout) {
        SparkContext sc = session.sparkContext();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sc.statusTracker().getExecutorInfos().length < 2) { // the driver counts as one
            if (sc.isStopped() || System.nanoTime() - deadline > 0) {
                boolean stopped = sc.isStopped();
                session.stop();
                throw new IllegalArgumentException(String.format(Locale.ROOT, "no executor of the Spark master %s started within %d s%s; "
                                + "do its workers have the cores and memory the application asks for (spark.executor.memory, default 1g)?",
                        master, timeout.toSeconds(), stopped ? " (the master gave the application up)" : ""));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                session.stop();
                throw new IllegalStateException("interrupted while waiting for Spark executors", e);
            }
        }
    }
}
