package dev.jgrad.cli;

import picocli.CommandLine.Option;

/**
 * {@code --resume}, {@code --overwrite} and {@code --stop-at} (a picocli mixin) for the training commands whose run
 * directory is {@code --out}; the {@link dev.jgrad.train.Trainer} does the rest.
 */
final class ResumeOptions {

    @Option(names = "--resume", description = "Continue the run in --out exactly where it stopped (same options required).")
    boolean resume;

    @Option(names = "--overwrite", description = "Start a new run even if --out already holds a checkpoint (which is then replaced).")
    boolean overwrite;

    @Option(names = "--stop-at", paramLabel = "STEP", defaultValue = "0",
            description = "Checkpoint and stop at this step, to be continued with --resume; 0: run to the end (default: ${DEFAULT-VALUE}).")
    long stopAt;
}
