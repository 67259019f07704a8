package dev.jgrad.cli;

import dev.jgrad.data.CharCorpus;
import dev.jgrad.train.Shard;
import dev.jgrad.train.TaskFactory;
import dev.jgrad.train.TrainingTask;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The replicas of {@code jgrad train charlm}'s task for data-parallel workers: each worker parses the same command
 * line again and reads the same text (so the path must be readable where the workers run), then trains on its shard.
 *
 * @param args     the command's arguments as given
 * @param textFile the training text, resolved on the driver (the shipped default needs the launcher's jgrad.home)
 */
record CharLMReplicas(List<String> args, String textFile) implements TaskFactory {

    @Override
    public TrainingTask create(Shard shard) throws IOException {
        TrainCharLMCommand options = new TrainCharLMCommand();
        new CommandLine(options).parseArgs(args.toArray(String[]::new));
        Path text = Path.of(textFile);
        CharLMTask task = new CharLMTask(options, text, CharCorpus.load(text, 1), shard);
        task.createModel();
        return task;
    }
}
