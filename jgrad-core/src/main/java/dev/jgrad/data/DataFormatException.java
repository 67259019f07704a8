package dev.jgrad.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file that does not have the expected format; the message names the file and the 1-based line. */
public final class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** The 1-based line at fault, or 0 for the file as a whole. */
    private final int line;

    /**
     * A format error; the message reads "file:line: problem", as compilers print them.
     *
     * @param file    the data file
     * @param line    the 1-based line at fault, or 0 when the problem is the file as a whole
     * @param problem what is wrong and, where it helps, what was expected
     */
    public DataFormatException(Path file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /**
     * The data file.
     *
     * @return the path as given to the reader
     */
    public Path file() {
        return file;
    }

    /**
     * The line at fault.
     *
     * @return the 1-based line number, or 0 when the problem is the file as a whole (e.g. it is empty)
     */
    public int line() {
        return line;
    }
}
