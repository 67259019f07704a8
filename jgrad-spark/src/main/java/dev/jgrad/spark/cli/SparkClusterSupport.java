package dev.jgrad.spark.cli;

import dev.jgrad.cli.ClusterSupport;
import dev.jgrad.inference.TranslateOptions;
import dev.jgrad.spark.DataParallel;
import dev.jgrad.spark.JgradSpark;
import dev.jgrad.spark.ModelSource;
import dev.jgrad.spark.SparkConnector;
import dev.jgrad.spark.SparkErrors;
import dev.jgrad.spark.TextLines;
import dev.jgrad.train.TaskFactory;
import dev.jgrad.train.TrainingStrategy;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The command line's {@code --spark}: translation of a file by the cluster's executors, and data-parallel training,
 * each in a Spark application of its own on the given master.
 */
public final class SparkClusterSupport implements ClusterSupport {

    /** What executors need besides jgrad-core and jgrad-spark: the command line's tasks and picocli, which rebuilds them. */
    private static final List<Class<?>> CLI_CODE = List.of(ClusterSupport.class, CommandLine.class);

    static {
        // Before Spark's first log line: the command line shows Spark's warnings and errors only.
        if (System.getProperty("log4j2.configurationFile") == null) System.setProperty("log4j2.configurationFile", "jgrad-spark-log4j2.properties");
    }

    @Override
    public List<String> translate(String master, Path checkpoint, Path input, TranslateOptions options) throws IOException {
        if (!Files.exists(checkpoint)) throw new NoSuchFileException(checkpoint.toString(), null, "no such checkpoint file or directory");
        try (SparkConnector.Connection c = SparkConnector.open(master, "jgrad translate " + input.getFileName(), SparkConnector.DEFAULT_TIMEOUT, CLI_CODE)) {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(c.session().sparkContext());
            return JgradSpark.translate(TextLines.read(sc, input, sc.defaultParallelism()), ModelSource.path(checkpoint), options).collect();
        } catch (Exception e) { // Spark's own exceptions are checked ones, thrown undeclared
            throw SparkErrors.userError(e);
        }
    }

    @Override
    public TrainingStrategy dataParallel(String master, int workers, int syncEvery, TaskFactory replicas) {
        DataParallel.Options options = DataParallel.Options.builder().workers(workers).syncEvery(syncEvery).build();
        SparkConnector.Connection c = SparkConnector.open(master, "jgrad train", SparkConnector.DEFAULT_TIMEOUT, CLI_CODE);
        return new DataParallel(c.session(), c.owned(), options, replicas).onClose(t -> System.err.printf(Locale.ROOT,
                "data-parallel: %d rounds of %d workers in %.1f s, %.1f s (%.0f%%) of it communication; %.2f MB sent per round, %.1f ms per round%n",
                t.rounds(), SparkConnector.workers(c.session().sparkContext(), workers), t.seconds(), t.communicationSeconds(),
                100 * t.communicationSeconds() / Math.max(1e-9, t.seconds()), t.bytesPerRound() / 1e6, 1000 * t.seconds() / t.rounds()));
    }
}
