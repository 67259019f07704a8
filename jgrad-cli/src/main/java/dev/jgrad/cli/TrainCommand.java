package dev.jgrad.cli;

import picocli.CommandLine.Command;

/** {@code jgrad train <task>}: one sub-command per kind of model. */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Trains a model.",
        subcommands = {TrainDemoCommand.class, TrainClassifyCommand.class, TrainCharLMCommand.class, TrainImagesCommand.class, TrainTranslateCommand.class})
final class TrainCommand {
}
