package dev.jgrad.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on this machine, on 127.0.0.1: a master and workers started as child JVMs from a folder
 * of Spark's jars (no Spark distribution: jgrad-spark's build copies the Maven jars to target/spark-home/jars, and a
 * RELEASE file beside them makes the folder a Spark home, from which each worker builds its executors' class path).
 * For tests and measurements; {@link #close} stops it.
 * <pre>{@code
 * try (StandaloneCluster c = StandaloneCluster.start(sparkHome, 2, 1, workDir)) {
 *     SparkSession s = SparkConnector.connect(c.masterUrl(), "my job");
 * }
 * }</pre>
 * From a shell: {@code java -cp 'jgrad-spark/target/classes:jgrad-spark/target/spark-home/jars/*'
 * dev.jgrad.spark.StandaloneCluster SPARK_HOME WORKERS CORES WORKDIR} prints the master's URL and runs until killed.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final String MASTER = "org.apache.spark.deploy.master.Master", WORKER = "org.apache.spark.deploy.worker.Worker";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final List<Process> processes = new ArrayList<>();
    private final String masterUrl;
    private final Path workDir;

    private StandaloneCluster(String masterUrl, Path workDir) {
        this.masterUrl = masterUrl;
        this.workDir = workDir;
    }

    /**
     * Starts a master and {@code workers} workers of {@code cores} cores and 2 GB each, and waits until every worker
     * has registered.
     *
     * @param sparkHome a folder whose jars/ holds Spark's jars
     * @param workDir   where the daemons' logs and the executors' work directories go
     * @throws IllegalStateException when the cluster is not up within 90 s (the logs in workDir tell why)
     */
    public static StandaloneCluster start(Path sparkHome, int workers, int cores, Path workDir) throws IOException {
        Path jars = sparkHome.resolve("jars");
        if (!Files.isDirectory(jars)) throw new IllegalArgumentException("no Spark jars in " + jars + " (run the jgrad-spark build, which copies them there)");
        if (!Files.exists(sparkHome.resolve("RELEASE"))) Files.writeString(sparkHome.resolve("RELEASE"), "Spark jars from Maven Central, for jgrad\n");
        Files.createDirectories(workDir);
        int port = freePort(), uiPort = freePort();
        StandaloneCluster c = new StandaloneCluster("spark://127.0.0.1:" + port, workDir);
        try {
            c.launch(sparkHome, "master", List.of(MASTER, "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(uiPort)));
            awaitPort(port, c);
            for (int w = 1; w <= workers; w++) {
                Path dir = Files.createDirectories(workDir.resolve("worker-" + w));
                c.launch(sparkHome, "worker-" + w, List.of(WORKER, c.masterUrl, "--host", "127.0.0.1", "--cores", Integer.toString(cores), "--memory", "2g",
                        "--work-dir", dir.toString(), "--webui-port", Integer.toString(freePort()), "--port", Integer.toString(freePort())));
            }
            c.awaitWorkers(uiPort, workers);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The master's URL, {@code spark://127.0.0.1:PORT}. */
    public String masterUrl() {
        return masterUrl;
    }

    /** Stops the workers (and with them their executors), then the master. */
    @Override
    public void close() {
        for (Process p : processes.reversed()) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes.reversed()) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        processes.clear();
    }

    private void launch(Path sparkHome, String name, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", sparkHome.resolve("jars") + "/*"));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(workDir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toAbsolutePath().toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("JAVA_HOME", System.getProperty("java.home")); // the executors' JVM: this one's
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.remove("SPARK_CLASSPATH");
        processes.add(pb.start());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port, StandaloneCluster c) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                c.requireAlive();
                if (System.nanoTime() - deadline > 0) throw c.failure("the master did not open port " + port);
                sleep();
            }
        }
    }

    /** Polls the master's status page until {@code n} workers are alive. */
    private void awaitWorkers(int uiPort, int n) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            requireAlive();
            try {
                String json = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/json/")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = alive.matcher(json);
                if (m.find() && Integer.parseInt(m.group(1)) >= n) return;
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the cluster", e);
            }
            if (System.nanoTime() - deadline > 0) throw failure(n + " workers did not register with the master");
            sleep();
        }
    }

    private void requireAlive() {
        for (Process p : processes) {
            if (!p.isAlive()) throw failure("a daemon exited with status " + p.exitValue());
        }
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException(String.format(Locale.ROOT, "Spark standalone cluster: %s within %d s; see the logs in %s", what,
                START_TIMEOUT.toSeconds(), workDir));
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new java.io.InterruptedIOException("interrupted"));
        }
    }

    /** Starts a cluster and prints its master URL; runs until the process is killed. */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: StandaloneCluster SPARK_HOME WORKERS CORES_PER_WORKER WORK_DIR");
            System.exit(2);
        }
        StandaloneCluster c = start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
        Runtime.getRuntime().addShutdownHook(new Thread(c::close));
        System.out.println(c.masterUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
