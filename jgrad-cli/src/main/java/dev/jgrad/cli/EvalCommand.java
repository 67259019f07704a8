package dev.jgrad.cli;

import picocli.CommandLine.Command;

/** {@code jgrad eval <task>}: scores a trained model on labelled data. */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Evaluates a trained model.",
        aliases = "evaluate",
        subcommands = {EvalClassifyCommand.class, EvalTranslateCommand.class})
final class EvalCommand {
}
