package dev.jgrad.cli;

import dev.jgrad.train.Shard;
import dev.jgrad.train.TaskFactory;
import dev.jgrad.train.TrainingTask;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * The replicas of {@code jgrad train images}'s task for data-parallel workers: each worker parses the same command
 * line again and reads the same images (so they must be readable where the workers run), builds the same network,
 * normalisation and batch order from the same seed, then trains on its shard of every batch.
 *
 * @param args the command's arguments as given
 * @param data the images' paths, resolved on the driver
 */
record ImageReplicas(List<String> args, ImageDataOptions.WorkerPaths data) implements TaskFactory {

    @Override
    public TrainingTask create(Shard shard) throws IOException {
        TrainImagesCommand options = new TrainImagesCommand();
        new CommandLine(options).parseArgs(args.toArray(String[]::new));
        data.applyTo(options.data);
        return options.setup(shard, new PrintStream(OutputStream.nullOutputStream())).task();
    }
}
