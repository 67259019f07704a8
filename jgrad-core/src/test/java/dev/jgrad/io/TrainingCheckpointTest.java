package dev.jgrad.io;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingCheckpointTest {

    @TempDir
    Path dir;

    /** A checkpoint whose every value depends on {@code v}, to tell two apart. */
    private static TrainingCheckpoint checkpoint(float v) {
        Map<String, Tensor> model = new LinkedHashMap<>();
        model.put("emb.weight", Tensor.of(new float[] {v, v + 1, v + 2, v + 3}, 2, 2));
        model.put("out.bias", Tensor.of(new float[] {-v}, 1));
        Map<String, Tensor> optimizer = Map.of("state.0.exp_avg", Tensor.of(new float[] {v / 3, 0.1f, 0.2f, 0.3f}, 2, 2),
                "param_groups.0.lr", Tensor.scalar(2e-3f));
        Map<String, Tensor> scheduler = Map.of("last_epoch", Tensor.scalar(v));
        Map<String, Tensor> tensors = Map.of("train_loss", Tensor.of(new float[] {4.1f, 3.9f, v}, 3));
        Map<String, String> progress = Map.of("step", Integer.toString((int) v), "rng.default", "123,-456");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("hidden", "16");
        config.put("lr", "0.002");
        return new TrainingCheckpoint(model, Map.of("model", "Test", "vocabulary", "\nab\u00e9"), optimizer, scheduler, tensors, progress, config);
    }

    private static void assertSame(TrainingCheckpoint expected, TrainingCheckpoint actual) {
        assertEquals(expected.model().keySet(), actual.model().keySet());
        expected.model().forEach((k, t) -> assertArrayEquals(t.toArray(), actual.model().get(k).toArray(), k));
        assertEquals(expected.optimizer().keySet(), actual.optimizer().keySet());
        expected.optimizer().forEach((k, t) -> assertArrayEquals(t.toArray(), actual.optimizer().get(k).toArray(), k));
        expected.scheduler().forEach((k, t) -> assertArrayEquals(t.toArray(), actual.scheduler().get(k).toArray(), k));
        expected.tensors().forEach((k, t) -> assertArrayEquals(t.toArray(), actual.tensors().get(k).toArray(), k));
        assertEquals(expected.modelMetadata(), actual.modelMetadata());
        assertEquals(expected.progress(), actual.progress());
        assertEquals(expected.config(), actual.config());
    }

    @Test
    void roundTrip() throws IOException {
        TrainingCheckpoint c = checkpoint(7);
        assertFalse(TrainingCheckpoint.exists(dir));
        c.save(dir);
        assertTrue(TrainingCheckpoint.exists(dir));
        assertSame(c, TrainingCheckpoint.load(dir));
        // the model file alone is a plain state dict: PyTorch's names, no optimizer entries
        Map<String, Tensor> model = SafeTensors.load(dir.resolve(TrainingCheckpoint.MODEL_FILE));
        assertEquals(List.of("emb.weight", "out.bias"), List.copyOf(model.keySet()));
        assertEquals("Test", TrainingCheckpoint.loadModel(dir).metadata().get("model"));
        assertEquals("Test", TrainingCheckpoint.loadModel(dir.resolve(TrainingCheckpoint.MODEL_FILE)).metadata().get("model"));
        assertEquals(7L, TrainingCheckpoint.load(dir).progressLong("step"));
        // a second save replaces the first completely, leaving no temporaries
        TrainingCheckpoint d = checkpoint(9);
        d.save(dir);
        assertSame(d, TrainingCheckpoint.load(dir));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(TrainingCheckpoint.MODEL_FILE, TrainingCheckpoint.TRAINING_FILE),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** Both files of checkpoint {@code v}, saved in a directory of their own. */
    private Path saved(String name, float v) throws IOException {
        Path d = dir.resolve(name);
        checkpoint(v).save(d);
        return d;
    }

    @Test
    void aKillAfterTheCommitIsFinishedFromThePendingModel() throws IOException {
        Path run = saved("run", 1);
        Path next = saved("next", 2);
        // State after a kill between the commit and the final rename: new training state, the new model still pending.
        Files.copy(next.resolve(TrainingCheckpoint.MODEL_FILE), run.resolve(TrainingCheckpoint.PENDING_MODEL_FILE));
        Files.copy(next.resolve(TrainingCheckpoint.TRAINING_FILE), run.resolve(TrainingCheckpoint.TRAINING_FILE), StandardCopyOption.REPLACE_EXISTING);
        assertArrayEquals(new float[] {-2}, TrainingCheckpoint.loadModel(run).tensors().get("out.bias").toArray());
        assertSame(checkpoint(2), TrainingCheckpoint.load(run));
        assertFalse(Files.exists(run.resolve(TrainingCheckpoint.PENDING_MODEL_FILE)), "the save was finished");
        assertArrayEquals(new float[] {-2}, SafeTensors.load(run.resolve(TrainingCheckpoint.MODEL_FILE)).get("out.bias").toArray());
    }

    @Test
    void aKillBeforeTheCommitLeavesTheOldCheckpoint() throws IOException {
        Path run = saved("run", 1);
        Path next = saved("next", 2);
        Files.copy(next.resolve(TrainingCheckpoint.MODEL_FILE), run.resolve(TrainingCheckpoint.PENDING_MODEL_FILE));
        Files.writeString(run.resolve("." + TrainingCheckpoint.TRAINING_FILE + ".5eed.tmp"), "half a file");
        assertSame(checkpoint(1), TrainingCheckpoint.load(run));
        assertArrayEquals(new float[] {-1}, TrainingCheckpoint.loadModel(run).tensors().get("out.bias").toArray());
        // the next save clears what the killed one left
        checkpoint(3).save(run);
        assertSame(checkpoint(3), TrainingCheckpoint.load(run));
        assertFalse(Files.exists(run.resolve("." + TrainingCheckpoint.TRAINING_FILE + ".5eed.tmp")));
    }

    @Test
    void filesFromDifferentCheckpointsAreRefused() throws IOException {
        Path run = saved("run", 1);
        Path other = saved("other", 2);
        Files.copy(other.resolve(TrainingCheckpoint.MODEL_FILE), run.resolve(TrainingCheckpoint.MODEL_FILE), StandardCopyOption.REPLACE_EXISTING);
        var e = assertThrows(CheckpointException.class, () -> TrainingCheckpoint.load(run));
        assertTrue(e.getMessage().contains("model.safetensors: belongs to another checkpoint than training.safetensors"), e.getMessage());
    }

    @Test
    void missingCheckpointsAreNamed() throws IOException {
        Path nowhere = dir.resolve("nowhere");
        var e = assertThrows(NoSuchFileException.class, () -> TrainingCheckpoint.load(nowhere));
        assertTrue(e.getMessage().contains(nowhere.toString()), e.getMessage());
        var m = assertThrows(NoSuchFileException.class, () -> TrainingCheckpoint.loadModel(nowhere));
        assertTrue(m.getMessage().contains(nowhere.toString()), m.getMessage());
        Files.createDirectories(nowhere);
        var t = assertThrows(NoSuchFileException.class, () -> TrainingCheckpoint.load(nowhere));
        assertTrue(t.getMessage().contains("training.safetensors"), t.getMessage());
    }

    @Test
    void differentSettingsAreListed() {
        TrainingCheckpoint c = checkpoint(1);
        c.requireSameConfig(Map.of("hidden", "16", "lr", "0.002"));
        var e = assertThrows(IllegalArgumentException.class, () -> c.requireSameConfig(Map.of("hidden", "32", "lr", "0.002", "batch", "8")));
        assertTrue(e.getMessage().contains("hidden: 16 in the checkpoint, 32 now"), e.getMessage());
        assertTrue(e.getMessage().contains("batch: not in the checkpoint, 8 now"), e.getMessage());
        assertFalse(e.getMessage().contains("lr"), e.getMessage());
    }

    @Test
    void oneRunAtATimePerDirectory() throws Exception {
        Path run = dir.resolve("locked");
        try (AutoCloseable held = TrainingCheckpoint.lock(run)) {
            var e = assertThrows(IllegalStateException.class, () -> TrainingCheckpoint.lock(run));
            assertTrue(e.getMessage().contains(run + " is in use by another training run (process " + ProcessHandle.current().pid() + ")"),
                    e.getMessage());
        }
        TrainingCheckpoint.lock(run).close(); // free again once released
    }

    @Test
    void generatorStatesRoundTrip() {
        Generator g = new Generator(99);
        g.nextGaussian(); // leaves a spare normal in the state
        Map<String, String> progress = Map.of("rng", TrainingCheckpoint.generatorState(g));
        TrainingCheckpoint c = new TrainingCheckpoint(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), progress, Map.of());
        Generator restored = new Generator(0);
        c.restoreGenerator("rng", restored);
        for (int i = 0; i < 5; i++) assertEquals(g.nextGaussian(), restored.nextGaussian());
        assertThrows(IllegalArgumentException.class, () -> c.restoreGenerator("other", restored));
    }

    @Test
    void aFileIsRefusedAsARunDirectoryByName(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path file = java.nio.file.Files.writeString(tmp.resolve("not-a-dir"), "x");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TrainingCheckpoint.lock(file));
        org.junit.jupiter.api.Assertions.assertEquals(file + " is a file, not a run directory: choose a directory for the run", e.getMessage());
    }
}
