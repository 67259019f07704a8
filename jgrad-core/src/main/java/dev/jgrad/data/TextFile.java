package dev.jgrad.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a whole text file as strict UTF-8: invalid bytes are an error naming the file, line and byte offset, never replacement characters. */
public final class TextFile {
    private TextFile() {}

    /**
     * The whole file as text, a byte-order mark included if there is one.
     *
     * @param file a UTF-8 text file
     * @return its text
     * @throws DataFormatException if the bytes are not valid UTF-8 (naming the line and offset of the first bad byte)
     * @throws IOException if the file does not exist or cannot be read
     */
    public static String readUtf8(Path file) throws IOException {
        requireRegularFile(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("text file not found: " + file);
        }
        return decodeUtf8(file, bytes, "");
    }

    /**
     * Fails with a message naming the path when it is a directory or not a regular file: the JDK's own
     * "Is a directory" names nothing, and reading a named pipe would wait for a writer.
     *
     * @param file the path about to be read
     * @throws DataFormatException if the path exists but is not a regular file
     */
    public static void requireRegularFile(Path file) throws DataFormatException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new DataFormatException(file, 0, Files.isDirectory(file) ? "is a directory, not a text file"
                    : "is not a regular file (a pipe or a device?)");
        }
    }

    /**
     * Decodes strict UTF-8: overlong forms, encoded surrogates (CESU-8) and truncated sequences are errors
     * that name the line and byte offset of the first bad byte.
     *
     * @param file names the source in the message
     * @param bytes the encoded text
     * @param where added to the offset in the message, e.g. " of the decompressed text"
     * @return the text
     * @throws DataFormatException at the first invalid byte
     */
    public static String decodeUtf8(Path file, byte[] bytes, String where) throws DataFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) result = decoder.flush(out);
        if (result.isError()) {
            // The decoder stops exactly at the first byte of the malformed sequence.
            int bad = Math.min(in.position(), bytes.length - 1);
            int line = 1;
            for (int i = 0; i < bad; i++) if (bytes[i] == '\n') line++;
            throw new DataFormatException(file, line, "not valid UTF-8 (byte 0x" + String.format("%02X", bytes[bad] & 0xff)
                    + " at offset " + bad + where + "); convert the file to UTF-8 first");
        }
        return out.flip().toString();
    }
}
