package dev.jgrad.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFileTest {

    @Test
    void writesWholeFileReadableByAllInNewDirectory(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a/b/out.txt");
        AtomicFile.writeString(file, "héllo\n");
        assertEquals("héllo\n", Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporaryAndNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("out.txt");
        AtomicFile.writeString(file, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(file, out -> {
            out.write("half of the new".getBytes());
            throw new IOException("No space left on device");
        }));
        // The system's message names no file; with several runs writing, the user must know which write failed.
        assertEquals("cannot write " + file + ": No space left on device", e.getMessage());
        assertEquals("No space left on device", e.getCause().getMessage());
        assertEquals("old", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void aFailureThatNamesTheFileAlreadyIsKept(@TempDir Path dir) throws IOException {
        Path notADirectory = dir.resolve("plain");
        Files.writeString(notADirectory, "x");
        Path file = notADirectory.resolve("model.safetensors");
        IOException e = assertThrows(IOException.class, () -> SafeTensors.save(file, java.util.Map.of()));
        assertTrue(e.getMessage().contains("plain"), e.getMessage());
        assertEquals(1, e.getMessage().split("model.safetensors", -1).length - 1, "named once: " + e.getMessage());
    }
}
