package dev.jgrad.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that cannot be read because its contents are wrong: truncated, a malformed header,
 * offsets that do not match the shapes, an unsupported dtype. It is an {@link IOException} because
 * callers handle it where they handle a missing or unreadable file; the message always names the file
 * and, when one is to blame, the tensor.
 */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** The tensor at fault, or null when the problem is the file as a whole. */
    private final String tensor;

    /**
     * A defect of {@code file}; the message reads "file: tensor 'name': problem".
     *
     * @param file    the checkpoint being read
     * @param tensor  the tensor at fault, or null when the problem is the file as a whole
     * @param problem what is wrong, as a phrase (e.g. "data_offsets end before they begin")
     */
    public CheckpointException(Path file, String tensor, String problem) {
        this(file, tensor, problem, null);
    }

    /**
     * A defect of {@code file} found through another exception (a JSON syntax error, an invalid UTF-8 header).
     *
     * @param file    the checkpoint being read
     * @param tensor  the tensor at fault, or null when the problem is the file as a whole
     * @param problem what is wrong, as a phrase
     * @param cause   the underlying exception, or null
     */
    public CheckpointException(Path file, String tensor, String problem, Throwable cause) {
        super(file + (tensor == null ? "" : ": tensor '" + tensor + "'") + ": " + problem, cause);
        this.file = file;
        this.tensor = tensor;
    }

    /**
     * The checkpoint being read.
     *
     * @return the path as it was given to the reader
     */
    public Path file() {
        return file;
    }

    /**
     * The tensor at fault.
     *
     * @return the tensor's name, or null when the problem is the file as a whole (its header, its length)
     */
    public String tensor() {
        return tensor;
    }
}
