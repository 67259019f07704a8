package dev.jgrad.cli;

import dev.jgrad.inference.TranslateOptions;
import dev.jgrad.train.TaskFactory;
import dev.jgrad.train.TrainingStrategy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * What the command line asks of a cluster when given {@code --spark MASTER}: jgrad-spark implements it (found with
 * {@link ServiceLoader}), so that jgrad-cli itself neither depends on Spark nor loads it. The ./jgrad launcher puts
 * jgrad-spark and Spark's jars on the class path only when a command is given --spark.
 */
public interface ClusterSupport {

    /**
     * The translations of {@code input}'s lines, in order, computed on the cluster at {@code master}: executors read
     * the file and the checkpoint themselves (each loads the model once).
     */
    List<String> translate(String master, Path checkpoint, Path input, TranslateOptions options) throws IOException;

    /**
     * A strategy that spreads each step over the cluster's workers, one replica of the task each, built by
     * {@code replicas}: synchronous gradients when {@code syncEvery} is 0, else local SGD that averages the workers'
     * weights and optimizer moments every {@code syncEvery} steps.
     *
     * @param workers data-parallel workers (shards of each global batch); 0: one per executor core
     */
    TrainingStrategy dataParallel(String master, int workers, int syncEvery, TaskFactory replicas);

    /** The implementation on the class path; fails with how to get one when there is none. */
    static ClusterSupport load() {
        Iterator<ClusterSupport> found = ServiceLoader.load(ClusterSupport.class).iterator();
        if (!found.hasNext()) {
            throw new IllegalArgumentException("--spark needs jgrad-spark and Apache Spark on the class path; the ./jgrad launcher adds them when a "
                    + "command is given --spark (or run the jgrad-spark jar with spark-submit)");
        }
        return found.next();
    }
}
