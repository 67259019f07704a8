package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.train.FitResult;
import dev.jgrad.train.TrainerOptions;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The checks the training commands make on --out, --resume, --overwrite and --stop-at before reading any data, so a
 * mistake is reported at once, in the command's own words (the trainer checks the same again, under its lock); and
 * the layout of a run whose product is one model file ({@link ModelRun}).
 */
final class RunDirectory {
    private RunDirectory() {}

    /** Where the trainer keeps its checkpoint inside a {@link ModelRun}'s directory. */
    static final String CHECKPOINT_DIR = "checkpoint";

    /** The model file of a run directory (its model.safetensors), or the file itself. */
    static Path modelFile(Path dirOrFile) {
        return Files.isDirectory(dirOrFile) ? dirOrFile.resolve(TrainingCheckpoint.MODEL_FILE) : dirOrFile;
    }

    static void checkStart(Path out, boolean resume, boolean overwrite, long stopAt) throws IOException {
        if (resume && overwrite) throw new IllegalArgumentException("--resume and --overwrite contradict each other: choose one");
        if (stopAt < 0) throw new IllegalArgumentException("--stop-at must be >= 0 (0: run to the end), got " + stopAt);
        boolean exists = TrainingCheckpoint.exists(out);
        if (resume && !exists) {
            throw new IllegalArgumentException("--resume: no checkpoint in " + out + " (" + out.resolve(TrainingCheckpoint.TRAINING_FILE)
                    + " does not exist); run without --resume to start, or point --out at the run to continue");
        }
        if (!resume && exists && !overwrite) {
            throw new IllegalArgumentException(out + " already holds a checkpoint; continue it with --resume, replace it with --overwrite, "
                    + "or choose another --out");
        }
        if (resume && stopAt > 0) {
            String step = SafeTensors.loadMetadata(out.resolve(TrainingCheckpoint.TRAINING_FILE)).get("progress.step");
            if (step != null && stopAt <= Long.parseLong(step)) {
                throw new IllegalArgumentException("--stop-at " + stopAt + " is not after the checkpoint's step " + step
                        + "; drop --stop-at to run to the end, or give a later step");
            }
        }
    }

    /**
     * The run of a command that writes one model (train classify, train images, finetune, supervised, train demo):
     * the model, written when the run ends, and the trainer's run directory inside --out, which --resume continues.
     *
     * @param model       DIR/model.safetensors: the command's product
     * @param checkpoints DIR/checkpoint/: training.safetensors and the model of the last checkpoint
     */
    record ModelRun(Path model, Path checkpoints) {

        /**
         * The run of {@code --out}: a directory; an --out ending in .safetensors is the older form that named the model
         * file itself, still accepted with a warning (its checkpoint then goes beside it).
         */
        static ModelRun of(Path out, CommandLine cmd) {
            String name = out.getFileName() == null ? "" : out.getFileName().toString();
            if (name.endsWith(".safetensors") && !Files.isDirectory(out)) {
                DeprecatedOptions.warn(cmd, "--out FILE", "--out DIR (the model goes to DIR/" + TrainingCheckpoint.MODEL_FILE + ")");
                Path parent = out.getParent() != null ? out.getParent() : Path.of("");
                return new ModelRun(out, parent.resolve(CHECKPOINT_DIR));
            }
            if (Files.isRegularFile(out)) {
                throw new IllegalArgumentException("--out " + out + " is a file; give a directory (the model goes to DIR/" + TrainingCheckpoint.MODEL_FILE + ")");
            }
            return new ModelRun(out.resolve(TrainingCheckpoint.MODEL_FILE), out.resolve(CHECKPOINT_DIR));
        }

        /** Refuses what the trainer would refuse, before anything is read or written. */
        void checkStart(ResumeOptions o) throws IOException {
            RunDirectory.checkStart(checkpoints, o.resume, o.overwrite, o.stopAt);
        }

        /** Trainer options for this run directory and --resume, --overwrite and --stop-at. */
        TrainerOptions.Builder trainerOptions(ResumeOptions o) {
            return TrainerOptions.builder().runDirectory(checkpoints).resume(o.resume).overwrite(o.overwrite).stopAt(o.stopAt);
        }

        /** True, after saying so on {@code console}, if the run stopped early as asked and so has no model to write yet. */
        boolean stopped(FitResult r, PrintStream console) {
            if (!r.interrupted()) return false;
            console.printf(Locale.ROOT, "stopped at step %d as asked (--stop-at); checkpoint in %s, continue with --resume%n", r.step(), checkpoints);
            console.flush();
            return true;
        }
    }
}
