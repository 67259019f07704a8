package dev.jgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GradflowCommandTest {

    private final StringWriter out = new StringWriter(), err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Main.withErrorHandlers(new CommandLine(new GradflowCommand()));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void tinyRunWritesThePlotsAndTheSummary(@TempDir Path dir) throws Exception {
        int code = run("--length", "12", "--hidden", "6", "--batch", "3", "--max-steps", "3", "--out", dir.toString());
        assertEquals(0, code, err.toString());
        for (String name : new String[] {"gradflow_rnn_vs_lstm.png", "gradflow_spectral_radius.png", "gradflow_trained.png", "gradflow_clipping.png"}) {
            Path png = dir.resolve(name);
            assertTrue(Files.size(png) > 1000, name);
            byte[] head = Files.readAllBytes(png);
            assertEquals((byte) 0x89, head[0], name + " is a PNG");
            assertEquals('P', head[1]);
        }
        String s = out.toString();
        assertTrue(s.contains("spectral radius of W_hh"), s);
        assertTrue(s.contains("RNN, ρ(W_hh) = 0.5") && s.contains("RNN, ρ(W_hh) = 2"), s);
        assertTrue(s.contains("t=12") && s.contains("t=6") && s.contains("t=0"), s);
        assertTrue(s.contains("clipped to max norm 1"), s);
    }

    @Test
    void copyTaskWithoutTrainingWritesTheProbes(@TempDir Path dir) throws Exception {
        int code = run("--task", "copy", "--length", "25", "--hidden", "6", "--batch", "2", "--max-steps", "0",
                "--spectral-radius", "0.5,1.5", "--out", dir.toString());
        assertEquals(0, code, err.toString());
        assertTrue(Files.exists(dir.resolve("gradflow_rnn_vs_lstm.png")));
        assertTrue(Files.exists(dir.resolve("gradflow_spectral_radius.png")));
        assertTrue(!Files.exists(dir.resolve("gradflow_clipping.png")), "no training, no clipping plot");
        assertTrue(out.toString().contains("copy problem"), out.toString());
    }

    @Test
    void badOptionsAreExplained(@TempDir Path dir) {
        assertEquals(1, run("--length", "2", "--out", dir.toString()));
        assertTrue(err.toString().contains("--length must be at least 4, got 2"), err.toString());
        assertEquals(1, run("--task", "copy", "--length", "15", "--out", dir.toString()));
        assertTrue(err.toString().contains("at least 21 for the copy task"), err.toString());
        assertEquals(1, run("--spectral-radius", "0.5,-1", "--out", dir.toString()));
        assertTrue(err.toString().contains("--spectral-radius values must be positive"), err.toString());
        assertEquals(2, run("--task", "parity"));
        assertTrue(err.toString().contains("adding, copy"), err.toString());
    }
}
