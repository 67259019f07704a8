package dev.jgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jgrad bleu on sacreBLEU's README example, written to files. */
class BleuCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int jgrad(String... args) {
        var cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void readmeExampleWithTwoReferences() throws IOException {
        Path hyp = file("hyp.txt", "The dog bit the man.\nIt wasn't surprising.\nThe man had just bitten him.\n");
        Path r1 = file("ref1.txt", "The dog bit the man.\nIt was not unexpected.\nThe man bit him first.\n");
        // CRLF line ends and no final newline: trailing whitespace is ignored, as by sacreBLEU.
        Path r2 = file("ref2.txt", "The dog had bit the man.\r\nNo one was surprised.\r\nThe man had bitten the dog.");
        int code = jgrad("bleu", "--hyp", hyp.toString(), "--ref", r1.toString(), "--ref", r2.toString());
        assertEquals(0, code, err.toString());
        assertEquals("BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)\n"
                + "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:jgrad\n", out.toString().replace("\r\n", "\n"));
    }

    @Test
    void optionsReachTheMetric() throws IOException {
        Path hyp = file("hyp.txt", "THE DOG\n");
        Path ref = file("ref.txt", "the dog\n");
        assertEquals(0, jgrad("bleu", "--hyp", hyp.toString(), "--ref", ref.toString(), "--lowercase",
                "--smooth-method", "floor", "--smooth-value", "0.5", "--effective-order", "-b", "-w", "4"), err.toString());
        assertEquals("100.0000", out.toString().strip());
    }

    @Test
    void lineCountMismatchNamesFilesAndCounts() throws IOException {
        Path hyp = file("hyp.txt", "a\nb\nc\n");
        Path ref = file("ref.txt", "a\nb\n");
        int code = jgrad("bleu", "--hyp", hyp.toString(), "--ref", ref.toString());
        assertTrue(code != 0);
        String e = err.toString();
        assertTrue(e.contains("hypothesis file " + hyp + " has 3 lines but reference file " + ref + " has 2 lines"), e);
    }

    @Test
    void badSmoothingValueIsAUserError() throws IOException {
        Path hyp = file("hyp.txt", "a\n");
        int code = jgrad("bleu", "--hyp", hyp.toString(), "--ref", hyp.toString(), "--smooth-value", "0.5");
        assertTrue(code != 0);
        assertTrue(err.toString().contains("--smooth-value applies to floor and add-k only"), err.toString());
    }
}
