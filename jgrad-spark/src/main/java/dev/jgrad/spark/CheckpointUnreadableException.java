package dev.jgrad.spark;

/**
 * An executor could not load a model checkpoint; the driver turns it into one line naming the path
 * ({@link SparkErrors}), whatever Spark wrapped around it.
 */
public final class CheckpointUnreadableException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The checkpoint at {@code path} could not be loaded, for {@code reason}. */
    public CheckpointUnreadableException(String path, String reason) {
        super("executors cannot read the checkpoint " + path + ": " + reason
                + "; give a path every executor can read (a shared file system), or ship the model from the driver (ModelSource.shipped)");
    }
}
