package dev.jgrad.cli;

import dev.jgrad.train.Shard;
import dev.jgrad.train.TaskFactory;
import dev.jgrad.train.TrainingTask;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * The replicas of {@code jgrad train images}'s task for data-parallel workers: each worker parses the same command
 * line again and reads the same images (so they must be readable where the workers run), builds the same network,
 * normalisation and batch order from the same seed, then trains on its shard of every batch.
 *
 * @param args the command's arguments as given
 * @param data the images' paths, resolved on the driver
 */
record ImageReplicas(List<String> args, DataPaths data) implements TaskFactory {

    /**
     * Where the workers read the images: every path absolute, and a named data set (mnist) as its folder in the cache,
     * which the driver has fetched; so workers neither fetch nor resolve anything.
     *
     * @param data  --data as a directory
     * @param train --train, absolute, or null
     * @param test  --test, absolute, or null
     */
    record DataPaths(String data, String train, String test) implements Serializable {}

    /** The replicas of the command whose arguments are {@code args} and data options {@code data}. */
    static ImageReplicas of(List<String> args, ImageDataOptions data) throws IOException {
        String dir = data.train != null ? data.data : DefaultData.imageData(data.data).toAbsolutePath().toString();
        return new ImageReplicas(args, new DataPaths(dir, absolute(data.train), absolute(data.test)));
    }

    private static String absolute(Path p) {
        return p == null ? null : p.toAbsolutePath().toString();
    }

    @Override
    public TrainingTask create(Shard shard) throws IOException {
        TrainImagesCommand options = new TrainImagesCommand();
        new CommandLine(options).parseArgs(args.toArray(String[]::new));
        options.data.data = data.data();
        options.data.train = data.train() == null ? null : Path.of(data.train());
        options.data.test = data.test() == null ? null : Path.of(data.test());
        return options.setup(shard, new PrintStream(OutputStream.nullOutputStream())).task();
    }
}
