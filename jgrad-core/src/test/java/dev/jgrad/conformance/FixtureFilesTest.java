package dev.jgrad.conformance;

import dev.jgrad.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fixtures are written by a Python script that follows the safetensors layout rules by hand;
 * jgrad's writer must produce the very same bytes from the same tensors and metadata. This checks the
 * script and SafeTensors against each other, and keeps the committed fixtures small.
 */
class FixtureFilesTest {

    @TempDir
    Path dir;

    @Test
    void rewritingEveryFixtureReproducesItsBytes() throws IOException {
        assertFalse(Fixture.all().isEmpty(), "no fixtures found");
        for (String name : Fixture.all()) {
            Path original = Fixture.directory().resolve(name + ".safetensors");
            SafeTensors.File f = SafeTensors.read(original);
            Path copy = dir.resolve(name + ".safetensors");
            SafeTensors.save(copy, f.tensors(), f.metadata());
            assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy), name);
        }
    }

    @Test
    void fixturesStaySmall() throws IOException {
        long total = 0;
        for (String name : Fixture.all()) total += Files.size(Fixture.directory().resolve(name + ".safetensors"));
        assertTrue(total < 2 * 1024 * 1024, "fixtures take " + total + " bytes");
    }
}
