package dev.jgrad.spark;

import dev.jgrad.io.SafeTensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.jgrad.spark.Fixtures.jgrad;
import static dev.jgrad.spark.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real cluster on this machine: a standalone master and two workers of one core, started from the Maven jars
 * (target/spark-home), run jgrad's jobs submitted from the command line, each executor a JVM of its own.
 */
class StandaloneClusterTest {
    static StandaloneCluster cluster;

    @BeforeAll
    static void start() throws IOException {
        Path sparkHome = Path.of(System.getProperty("jgrad.spark.home", "target/spark-home"));
        cluster = StandaloneCluster.start(sparkHome, 2, 1, Fixtures.dir().resolve("cluster"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void translatesAFileLikeOneMachine() throws IOException {
        Path model = Fixtures.translationModel(), dir = Fixtures.dir();
        Path in = dir.resolve("cluster.en"), one = dir.resolve("cluster-one.de"), many = dir.resolve("cluster-many.de");
        Files.write(in, Fixtures.sentences(50, 11, false), StandardCharsets.UTF_8);
        ok(jgrad("translate", "--checkpoint", model.toString(), "--input", in.toString(), "--out", one.toString(), "--beam", "2"));
        ok(jgrad("translate", "--checkpoint", model.toString(), "--input", in.toString(), "--out", many.toString(), "--beam", "2",
                "--spark", cluster.masterUrl()));
        assertEquals(Files.readAllLines(one), Files.readAllLines(many));
    }

    @Test
    void trainsACharLmOnTwoWorkersLikeOneProcess() throws IOException {
        Path dir = Fixtures.dir(), text = dir.resolve("cluster.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(60), StandardCharsets.UTF_8);
        List<String> common = List.of("train", "charlm", "--text", text.toString(), "--embed-dim", "8", "--hidden", "16", "--layers", "1", "--batch", "4",
                "--seq-len", "16", "--max-steps", "4", "--eval-every", "0", "--sample-length", "0", "--schedule", "constant");
        Path single = dir.resolve("cluster-charlm-1"), spread = dir.resolve("cluster-charlm-2");
        ok(jgrad(Fixtures.concat(common, "--out", single.toString())));
        ok(jgrad(Fixtures.concat(common, "--out", spread.toString(), "--spark", cluster.masterUrl(), "--workers", "2")));
        var a = SafeTensors.read(single.resolve("model.safetensors")).tensors();
        var b = SafeTensors.read(spread.resolve("model.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            float[] x = a.get(k).toArray(), y = b.get(k).toArray();
            for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-4f * (1 + Math.abs(x[i])), k + "[" + i + "]");
        }
        assertTrue(Files.exists(spread.resolve("training.safetensors")));
    }
}
