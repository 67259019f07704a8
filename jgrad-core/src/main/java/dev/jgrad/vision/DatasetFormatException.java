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

    /**
     * A problem with {@code file}; the message reads "file: problem".
     *
     * @param file    the offending file or directory
     * @param problem what is wrong, as a phrase
     */
    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /**
     * A problem with {@code file} found through another exception (a decoder's, a gzip stream's).
     *
     * @param file    the offending file or directory
     * @param problem what is wrong, as a phrase
     * @param cause   the underlying exception
     */
    public DatasetFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /**
     * The offending file (or directory).
     *
     * @return its path
     */
    public Path file() {
        return file;
    }
}
