package dev.jgrad.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a whole text file as strict UTF-8: invalid bytes are an error naming the file, line and byte offset, never replacement characters. */
public final class TextFile {
    private TextFile() {}

    /**
     * The whole file as a string, a byte-order mark included if there is one.
     *
     * @param file a UTF-8 text file
     * @return its text
     * @throws IOException if the file does not exist or cannot be read, or is not valid UTF-8 (the message
     *                     gives the line and byte offset of the first bad byte)
     */
    public static String readUtf8(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("text file not found: " + file);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int bad = firstInvalidUtf8(bytes);
            int line = 1;
            for (int i = 0; i < bad; i++) if (bytes[i] == '\n') line++;
            throw new IOException(file + ": not valid UTF-8 at line " + line + " (byte offset " + bad + ", byte 0x"
                    + String.format("%02X", bytes[bad] & 0xff) + "); convert the file to UTF-8 first");
        }
    }

    /** Offset of the first byte that starts an invalid UTF-8 sequence. */
    static int firstInvalidUtf8(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : -1;
            if (len < 0 || i + len > b.length) return i;
            for (int k = 1; k < len; k++) if ((b[i + k] & 0xc0) != 0x80) return i;
            i += len;
        }
        return Math.max(0, b.length - 1);
    }
}
