package dev.jgrad.spark;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.jgrad.spark.Fixtures.jgrad;
import static dev.jgrad.spark.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jgrad train charlm|images --spark local[2]}: local SGD checkpoints every round, a stopped run resumes exactly,
 * and one synchronous worker trains images exactly as the single process does.
 */
class CommandLineTrainingTest {
    static SparkConnector.Connection spark;
    static Path text;

    @BeforeAll
    static void start() throws IOException {
        spark = SparkConnector.open("local[2]", "jgrad command line tests", SparkConnector.DEFAULT_TIMEOUT, List.of());
        text = Fixtures.dir().resolve("local.txt");
        Files.writeString(text, "to be or not to be, that is the question. ".repeat(50), StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        spark.close();
    }

    static final List<String> CHARLM = List.of("train", "charlm", "--embed-dim", "8", "--hidden", "16", "--layers", "1", "--batch", "4", "--seq-len", "16",
            "--max-steps", "8", "--eval-every", "0", "--sample-length", "0", "--spark", "local[2]", "--sync-every", "2");

    static Map<String, Tensor> model(Path run) throws IOException {
        return SafeTensors.read(run.resolve("model.safetensors")).tensors();
    }

    @Test
    void localSgdCheckpointsEachRoundAndAStoppedRunResumesExactly() throws IOException {
        Path dir = Fixtures.dir(), whole = dir.resolve("local-sgd"), stopped = dir.resolve("local-sgd-stopped");
        Fixtures.Result r = ok(jgrad(Fixtures.concat(CHARLM, "--text", text.toString(), "--out", whole.toString())));
        assertTrue(r.out().contains("validation loss"), r.out());
        ok(jgrad(Fixtures.concat(CHARLM, "--text", text.toString(), "--out", stopped.toString(), "--stop-at", "4")));
        assertEquals("4", SafeTensors.loadMetadata(stopped.resolve("model.safetensors")).get("step"));
        // The workers' carried LSTM states are in the checkpoint, not a single process's.
        Fixtures.Result alone = jgrad(Fixtures.concat(CHARLM.subList(0, CHARLM.size() - 4), "--text", text.toString(), "--out", stopped.toString(),
                "--resume"));
        assertEquals(1, alone.exit(), alone.err());
        assertTrue(alone.err().contains(": error: " + stopped + " was written by a 2-worker Spark run (shard.* state); resume it with --spark MASTER "
                + "--workers 2, or start a new run"), alone.err());
        assertEquals(1, alone.err().strip().lines().count(), alone.err());
        ok(jgrad(Fixtures.concat(CHARLM, "--text", text.toString(), "--out", stopped.toString(), "--resume")));
        Map<String, Tensor> a = model(whole), b = model(stopped);
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
    }

    /** 3 steps an epoch; the augmentation draws from its generator, which every worker must reproduce. */
    static List<String> images(Path data) {
        return List.of("train", "images", "--data", data.toString(), "--width", "2", "--epochs", "2", "--batch", "16", "--augment", "flip-crop",
                "--eval-every-epochs", "0");
    }

    static void assertSameModel(Path expected, Path actual) throws IOException {
        Map<String, Tensor> a = model(expected), b = model(actual);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
    }

    @Test
    void oneSynchronousWorkerTrainsImagesExactlyAsTheSingleProcess() throws IOException {
        Path dir = Fixtures.dir(), single = dir.resolve("images-single"), spread = dir.resolve("images-one-worker");
        ok(jgrad(Fixtures.concat(images(Fixtures.images()), "--out", single.toString())));
        ok(jgrad(Fixtures.concat(images(Fixtures.images()), "--out", spread.toString(), "--spark", "local[2]", "--workers", "1")));
        assertSameModel(single, spread);
        // A single process's run is not continued by Spark workers, whose resume states it lacks.
        Fixtures.Result r = jgrad(Fixtures.concat(images(Fixtures.images()), "--out", single.toString(), "--resume", "--spark", "local[2]"));
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains(single.resolve("checkpoint") + " was written by a single process; resume it without --spark, or start a new run"),
                r.err());
    }

    @Test
    void twoWorkersTrainImagesAndAStoppedRunResumesExactly() throws IOException {
        Path dir = Fixtures.dir(), whole = dir.resolve("images-two"), stopped = dir.resolve("images-two-stopped");
        List<String> spark = List.of("--spark", "local[2]", "--workers", "2");
        ok(jgrad(Fixtures.concat(images(Fixtures.images()), Fixtures.concat(spark, "--out", whole.toString()))));
        // Inside the second epoch: the workers draw its batch order again and skip the batch done.
        ok(jgrad(Fixtures.concat(images(Fixtures.images()), Fixtures.concat(spark, "--out", stopped.toString(), "--stop-at", "4"))));
        assertEquals("4", SafeTensors.loadMetadata(stopped.resolve("checkpoint/model.safetensors")).get("step"));
        for (String[] other : List.of(new String[] {}, new String[] {"--spark", "local[2]", "--workers", "3"})) {
            Fixtures.Result r = jgrad(Fixtures.concat(images(Fixtures.images()), Fixtures.concat(List.of(other), "--out", stopped.toString(), "--resume")));
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().contains(stopped.resolve("checkpoint") + " was written by a 2-worker Spark run (shard.* state); resume it with --spark MASTER "
                    + "--workers 2, or start a new run"), r.err());
        }
        ok(jgrad(Fixtures.concat(images(Fixtures.images()), Fixtures.concat(spark, "--out", stopped.toString(), "--resume"))));
        assertSameModel(whole, stopped);
    }
}
