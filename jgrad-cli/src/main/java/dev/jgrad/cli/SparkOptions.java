package dev.jgrad.cli;

import picocli.CommandLine.Option;

/**
 * {@code --spark MASTER} (a picocli mixin): run the command on Apache Spark, {@code local[N]} in this process with N
 * threads or {@code spark://host:port} on a standalone cluster. The work itself is jgrad-spark's ({@link ClusterSupport}).
 */
final class SparkOptions {

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Run on Apache Spark: local[N] (N threads in this process) or spark://HOST:PORT (a standalone cluster). "
                    + "The ./jgrad launcher then adds jgrad-spark and Spark to the class path.")
    String master;

    /** Whether --spark was given. */
    boolean enabled() {
        return master != null;
    }

    /** The cluster's implementation, for a command given --spark. */
    ClusterSupport cluster() {
        if (master.isBlank()) throw new IllegalArgumentException("--spark needs a master URL: local[N] or spark://HOST:PORT");
        return ClusterSupport.load();
    }
}
