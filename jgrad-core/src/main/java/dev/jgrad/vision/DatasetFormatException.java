package dev.jgrad.vision;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file (an IDX file, an image in a class folder) that is missing, unreadable or not in the expected
 * format. The message starts with the file's path, so that the user knows which file to fix.
 */
public final class DatasetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DatasetFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file (or directory). */
    public Path file() {
        return file;
    }
}
