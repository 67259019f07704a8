package dev.jgrad.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a whole file or nothing: the bytes go to a temporary file beside the target, which is renamed over
 * it only once complete. A crash or a full disk part-way leaves the old file (or no file), never half a
 * picture or half a tokenizer. Large checkpoints go through {@link SafeTensors}, which does the same with a
 * file channel.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** What writes the content; it may throw, and then the target is left as it was. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the whole content.
         *
         * @param out the stream to the temporary file; closed by {@link AtomicFile}, not by the writer
         * @throws IOException if writing fails; the target file is then left untouched
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code file} (creating its directory) with what {@code writer} puts into the stream. The file ends
     * up readable by all (rw-r--r--) on POSIX file systems, as a plain write under the usual umask.
     *
     * @param file   the file to create or replace
     * @param writer what produces the content
     * @throws IOException if the directory or the temporary file cannot be created, the writer fails, or the
     *                     rename fails; {@code file} then keeps its old content (or stays absent)
     */
    public static void write(Path file, Writer writer) throws IOException {
        try {
            writeOrFail(file, writer);
        } catch (IOException e) {
            throw naming(file, e);
        }
    }

    private static void writeOrFail(Path file, Writer writer) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.writeTo(out);
            }
            readableByAll(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes {@code text} as UTF-8, atomically as {@link #write(Path, Writer)}.
     *
     * @param file the file to create or replace
     * @param text the whole content
     * @throws IOException if the file cannot be written; it then keeps its old content
     */
    public static void writeString(Path file, String text) throws IOException {
        write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A write failure whose message names the file being written: the operating system's "No space left on device"
     * or "Input/output error" names none, and a user with several runs writing cannot tell which failed. Messages
     * that already name it (a {@link FileSystemException} about the file or its temporary) are kept as they are.
     *
     * @param target the file being written
     * @param e      the failure
     * @return {@code e}, or an IOException "cannot write TARGET: message" caused by it
     */
    static IOException naming(Path target, IOException e) {
        String message = e.getMessage();
        Path name = target.getFileName();
        if (message != null && name != null && message.contains(name.toString())) return e;
        return new IOException("cannot write " + target + ": " + (message == null ? e.getClass().getSimpleName() : message), e);
    }

    /**
     * createTempFile makes owner-only files (rw-------); results (pictures, translations, tokenizers) are for
     * sharing, so they get what a plain write under the usual umask gives (rw-r--r--).
     */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // the file system's defaults apply
        }
    }
}
