package dev.jgrad.spark;

import dev.jgrad.data.DataFormatException;
import dev.jgrad.io.CheckpointException;
import dev.jgrad.train.TrainingDivergedException;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns what a failed Spark job throws (a SparkException around the executor's exception, with Spark's stage and
 * task details) back into the error a user can act on: the executor's own exception, whose message names the bad
 * path, file and line or step.
 */
public final class SparkErrors {
    private SparkErrors() {}

    /** The user's error inside {@code failure}, or {@code failure} itself when it holds none. */
    public static RuntimeException userError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CheckpointUnreadableException || t instanceof TrainingDivergedException || t instanceof CheckpointException) {
                return (RuntimeException) t;
            }
            if (t instanceof DataFormatException d) return new UncheckedIOException(d.getMessage(), d);
            if (t instanceof IllegalArgumentException e && !t.getClass().getName().startsWith("org.apache.")) return e;
            if (t instanceof IOException e && !t.getClass().getName().startsWith("org.apache.")) return new UncheckedIOException(e.getMessage(), e);
        }
        return failure instanceof RuntimeException r ? r : new IllegalStateException(failure.getMessage(), failure);
    }
}
