package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.train.LocalStrategy;
import dev.jgrad.train.Shard;
import dev.jgrad.train.TaskFactory;
import dev.jgrad.train.TrainingStrategy;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
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

    /**
     * Refuses, before any data is read, to --resume a checkpoint that the other kind of run wrote: a Spark run's (its
     * workers' resume states, shard.*) without --spark, one process's with it, or a Spark run's with other --workers.
     */
    void checkResume(Path checkpoints, boolean resume) throws IOException {
        if (!resume || !TrainingCheckpoint.exists(checkpoints)) return;
        String saved = SafeTensors.loadMetadata(checkpoints.resolve(TrainingCheckpoint.TRAINING_FILE)).get("progress." + Shard.WORKERS_KEY);
        if (saved != null && (!spark.enabled() || (workers != 0 && workers != Integer.parseInt(saved)))) {
            throw new IllegalArgumentException(checkpoints + " was written by a " + saved + "-worker Spark run (shard.* state); resume it with --spark MASTER "
                    + "--workers " + saved + ", or start a new run");
        }
        if (saved == null && spark.enabled()) {
            throw new IllegalArgumentException(checkpoints + " was written by a single process; resume it without --spark, or start a new run");
        }
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
