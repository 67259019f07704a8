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
    private final String tensor;

    public CheckpointException(Path file, String tensor, String problem) {
        this(file, tensor, problem, null);
    }

    public CheckpointException(Path file, String tensor, String problem, Throwable cause) {
        super(file + (tensor == null ? "" : ": tensor '" + tensor + "'") + ": " + problem, cause);
        this.file = file;
        this.tensor = tensor;
    }

    /** The checkpoint being read. */
    public Path file() {
        return file;
    }

    /** The tensor at fault, or null when the problem is the file as a whole (its header, its length). */
    public String tensor() {
        return tensor;
    }
}
