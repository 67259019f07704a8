package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The checks the training commands make on --out, --resume, --overwrite and --stop-at before reading any data, so a
 * mistake is reported at once, in the command's own words (the trainer checks the same again, under its lock).
 */
final class RunDirectory {
    private RunDirectory() {}

    static void checkStart(Path out, boolean resume, boolean overwrite, long stopAt) throws IOException {
        if (resume && overwrite) throw new IllegalArgumentException("--resume and --overwrite contradict each other: choose one");
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
}
