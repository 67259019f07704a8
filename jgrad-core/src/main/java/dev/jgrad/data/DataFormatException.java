package dev.jgrad.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file that does not have the expected format; the message names the file and the 1-based line. */
public final class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    public DataFormatException(Path file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem is the file as a whole (e.g. it is empty). */
    public int line() {
        return line;
    }
}
