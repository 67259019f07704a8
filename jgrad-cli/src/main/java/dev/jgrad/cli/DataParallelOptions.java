package dev.jgrad.cli;

import dev.jgrad.train.LocalStrategy;
import dev.jgrad.train.TaskFactory;
import dev.jgrad.train.TrainingStrategy;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * Data-parallel training on Apache Spark for a {@code train} command (a picocli mixin): {@code --spark MASTER}, the
 * number of workers, and {@code --sync-every K} for local SGD instead of synchronous gradients.
 */
final class DataParallelOptions {

    @Mixin
    SparkOptions spark;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "With --spark: data-parallel workers, each taking 1/N of every batch; 0: one per executor core (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--sync-every", paramLabel = "K", defaultValue = "0",
            description = "With --spark: local SGD, each worker taking K steps on its shard before weights and optimizer moments are averaged; "
                    + "0: synchronous, the workers' gradients summed at every step (default: ${DEFAULT-VALUE}).")
    int syncEvery;

    /** Steps between checkpoints the options ask for besides the evaluations': every local SGD round's; 0: none. */
    long checkpointEvery() {
        return spark.enabled() ? syncEvery : 0;
    }

    /** The strategy the options ask for: this process alone without --spark. */
    TrainingStrategy strategy(TaskFactory replicas) {
        if (workers < 0) throw new IllegalArgumentException("--workers must be >= 0 (0: one per executor core), got " + workers);
        if (syncEvery < 0) throw new IllegalArgumentException("--sync-every must be >= 0 (0: synchronous gradients), got " + syncEvery);
        if (!spark.enabled()) {
            if (workers != 0 || syncEvery != 0) throw new IllegalArgumentException("--workers and --sync-every need --spark MASTER");
            return new LocalStrategy();
        }
        return spark.cluster().dataParallel(spark.master, workers, syncEvery, replicas);
    }

    /** The arguments given to {@code spec}'s command itself, after the names of the command and its parents: what replicas parse again. */
    static List<String> argsOf(CommandSpec spec) {
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int at = all.indexOf(spec.name());
        return List.copyOf(all.subList(at + 1, all.size()));
    }
}
