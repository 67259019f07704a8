package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.CharLSTM;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jgrad train charlm and jgrad sample end to end, on a tiny model and a tiny text. */
class CharLMCommandsTest {

    @TempDir
    static Path tmp;
    static Path text;

    /** A small model that still has every part: two layers, dropout (so the random state matters), clipping, cosine schedule. */
    static final String[] MODEL = {"--embed-dim", "6", "--hidden", "12", "--layers", "2", "--dropout", "0.1", "--batch", "4", "--seq-len", "16",
            "--epochs", "2", "--lr", "1e-2", "--warmup", "3", "--sample-length", "0"};

    @BeforeAll
    static void writeText() throws IOException {
        StringBuilder sb = new StringBuilder();
        String[] words = {"to", "be", "or", "not", "that", "is", "the", "question", "whether", "tis", "nobler"};
        Generator g = new Generator(3);
        while (sb.length() < 1500) {
            sb.append(words[g.nextInt(words.length)]).append(g.nextInt(5) == 0 ? ",\n" : " ");
        }
        text = tmp.resolve("tiny.txt");
        Files.writeString(text, sb, StandardCharsets.UTF_8);
    }

    record Result(int exit, String out, String err) {}

    private static Result jgrad(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Trains on the tiny text with {@link #MODEL}, whose options {@code extra} may override. */
    private static Result train(Path out, String... extra) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--text", text.toString());
        options.put("--out", out.toString());
        for (int i = 0; i < MODEL.length; i += 2) options.put(MODEL[i], MODEL[i + 1]);
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < extra.length; i++) {
            if (i + 1 < extra.length && !extra[i + 1].startsWith("--")) options.put(extra[i], extra[++i]);
            else flags.add(extra[i]);
        }
        List<String> args = new ArrayList<>(List.of("train", "charlm"));
        options.forEach((k, v) -> args.addAll(List.of(k, v)));
        args.addAll(flags);
        return jgrad(args.toArray(String[]::new));
    }

    private static Result ok(Result r) {
        assertEquals(0, r.exit(), "stdout: " + r.out() + "\nstderr: " + r.err());
        return r;
    }

    private static Result fails(Result r, String... expected) {
        assertEquals(1, r.exit(), "stdout: " + r.out() + "\nstderr: " + r.err());
        for (String e : expected) assertTrue(r.err().contains(e), "expected '" + e + "' in: " + r.err());
        return r;
    }

    /**
     * Runs jgrad in a JVM of its own, as a user would after a kill: nothing (JIT state, static caches, the
     * default generator) carries over from one part of the run to the next except the checkpoint.
     */
    private static Result isolated(Path out, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        List<String> args = new ArrayList<>(List.of("train", "charlm", "--text", text.toString(), "--out", out.toString()));
        args.addAll(List.of(MODEL));
        args.addAll(List.of(extra));
        cmd.addAll(args);
        Path log = Files.createTempFile(tmp, "jgrad", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("jgrad " + args + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(log), "");
    }

    @Test
    void aStoppedAndResumedDemoEqualsAnUninterruptedOneBitForBit() throws Exception {
        String[] demo = {"train", "demo", "--text", text.toString(), "--max-steps", "6", "--batch", "8", "--context", "4", "--hidden", "16",
            "--sample-length", "5"};
        Path straight = tmp.resolve("demo-straight"), resumed = tmp.resolve("demo-resumed");
        ok(jgrad(Args.of(demo, "--out", straight.toString())));
        ok(jgrad(Args.of(demo, "--out", resumed.toString(), "--stop-at", "4")));
        assertFalse(Files.exists(resumed.resolve("model.safetensors")), "no model before the run's end");
        ok(jgrad(Args.of(demo, "--out", resumed.toString(), "--resume")));
        SameModel.assertBitIdentical(straight.resolve("model.safetensors"), resumed.resolve("model.safetensors"));
        fails(jgrad(Args.of(demo, "--out", resumed.toString())), "already holds a checkpoint");
        ok(jgrad(Args.of(demo, "--out", resumed.toString(), "--overwrite")));
        SameModel.assertBitIdentical(straight.resolve("model.safetensors"), resumed.resolve("model.safetensors"));
    }

    @Test
    void aStoppedAndResumedRunEqualsAnUninterruptedOneBitForBit() throws Exception {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        Result r = ok(isolated(straight, "--eval-every", "10"));
        assertTrue(r.out().contains("validation loss:"), r.out());
        int chars = Files.readString(text).length(), perStream = ((chars - chars * 1 / 10) - 1) / 4;
        assertTrue(r.out().contains(((perStream + 15) / 16) + " steps per epoch"), r.out());

        // Stopped twice, inside the first epoch and inside the second (the LSTM state and dropout generator must carry over),
        // each part in a new process.
        ok(isolated(resumed, "--stop-at", "9"));
        assertEquals(9L, TrainingCheckpoint.load(resumed).progressLong("step"));
        Result second = ok(isolated(resumed, "--resume", "--stop-at", "30"));
        assertTrue(second.out().contains("resuming at step 9 (epoch 1, window 9 of"), second.out());
        ok(isolated(resumed, "--resume"));

        TrainingCheckpoint a = TrainingCheckpoint.load(straight), b = TrainingCheckpoint.load(resumed);
        assertEquals(a.progressLong("step"), b.progressLong("step"));
        assertArrayEquals(a.tensors().get("train_loss").toArray(), b.tensors().get("train_loss").toArray(), 0f, "identical losses at every step");
        assertEquals(a.model().keySet(), b.model().keySet());
        for (String k : a.model().keySet()) assertArrayEquals(a.model().get(k).toArray(), b.model().get(k).toArray(), 0f, k);
        for (String k : a.optimizer().keySet()) assertArrayEquals(a.optimizer().get(k).toArray(), b.optimizer().get(k).toArray(), 0f, k);
        assertTrue(Files.size(straight.resolve("loss.png")) > 1000);

        // A finished run resumed again has nothing left to do.
        assertTrue(ok(train(resumed, "--resume")).out().contains("already complete"));

        // Killed (SIGKILL) at an arbitrary moment after its 5th checkpoint, one written at every step, then resumed in a
        // new process: the same result again.
        Path killed = tmp.resolve("killed");
        List<String> args = new ArrayList<>(List.of("train", "charlm", "--text", text.toString(), "--out", killed.toString(), "--eval-every", "1"));
        args.addAll(List.of(MODEL));
        Path log = Files.createTempFile(tmp, "killed", ".log");
        KilledRun.killAfterCheckpoint(KilledRun.start(log, List.of("--add-modules", "jdk.incubator.vector"), args), log, killed, 5);
        long at = TrainingCheckpoint.load(killed).progressLong("step");
        assertTrue(at >= 5 && at < a.progressLong("step"), "killed at step " + at);
        Result third = ok(isolated(killed, "--resume", "--eval-every", "1"));
        assertTrue(third.out().contains("resuming at step " + at), third.out());
        TrainingCheckpoint c = TrainingCheckpoint.load(killed);
        assertArrayEquals(a.tensors().get("train_loss").toArray(), c.tensors().get("train_loss").toArray(), 0f, "identical losses after a kill");
        for (String k : a.model().keySet()) assertArrayEquals(a.model().get(k).toArray(), c.model().get(k).toArray(), 0f, k);
    }

    @Test
    void sampleIsRepeatableWithASeedAndTopKOneIsGreedy() throws IOException {
        Path run = tmp.resolve("sampled");
        ok(train(run, "--max-steps", "6"));
        String[] base = {"sample", "--checkpoint", run.toString(), "--length", "40"};
        String a = ok(jgrad(concat(base, "--prompt", "to be", "--seed", "5", "--temperature", "1.0"))).out();
        String b = ok(jgrad(concat(base, "--prompt", "to be", "--seed", "5", "--temperature", "1.0"))).out();
        assertEquals(a, b);
        assertTrue(a.startsWith("to be") && a.strip().length() > 30, a);
        String greedy = ok(jgrad(concat(base, "--prompt", "to be", "--seed", "1", "--top-k", "1"))).out();
        assertEquals(greedy, ok(jgrad(concat(base, "--prompt", "to be", "--seed", "2", "--temperature", "0"))).out());
        // the model file on its own works too
        assertEquals(a, ok(jgrad(concat(new String[] {"sample", "--checkpoint", run.resolve("model.safetensors").toString(), "--prompt", "to be",
                "--length", "40"}, "--seed", "5", "--temperature", "1.0"))).out());

        fails(jgrad(concat(base, "--prompt", "to bé")), "--prompt: character 'é' (U+00E9) is not in the vocabulary", "position 4");
        fails(jgrad("sample", "--checkpoint", tmp.resolve("none").toString()), tmp.resolve("none").toString());
        fails(jgrad(concat(base, "--temperature", "-1")), "--temperature");
        fails(jgrad(concat(base, "--prompt", "")), "--prompt must hold at least one character");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void badTextsAreNamed() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        fails(jgrad("train", "charlm", "--text", empty.toString(), "--out", tmp.resolve("e").toString()), empty.toString(), "empty");
        Path one = Files.writeString(tmp.resolve("one.txt"), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        fails(jgrad("train", "charlm", "--text", one.toString(), "--out", tmp.resolve("o").toString()), one.toString(), "only 1");
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, "first line\nsecond caf\u00e9 line\n".getBytes(StandardCharsets.ISO_8859_1));
        fails(jgrad("train", "charlm", "--text", latin1.toString(), "--out", tmp.resolve("l").toString()), latin1.toString(),
                latin1 + ":2: not valid UTF-8");
        fails(train(tmp.resolve("big-batch"), "--batch", "4000"), "too few for 4000 streams");
        fails(train(tmp.resolve("bad"), "--optimizer", "sgd"), "--optimizer must be adam or adamw, got 'sgd'");
        assertFalse(Files.exists(tmp.resolve("e")) || Files.exists(tmp.resolve("o")) || Files.exists(tmp.resolve("l"))
                || Files.exists(tmp.resolve("big-batch")), "nothing is written for bad input");
    }

    @Test
    void checkpointsAreNeverLostToAMistake() throws IOException {
        Path run = tmp.resolve("kept");
        ok(train(run, "--stop-at", "4"));
        byte[] model = Files.readAllBytes(run.resolve(TrainingCheckpoint.MODEL_FILE));
        byte[] state = Files.readAllBytes(run.resolve(TrainingCheckpoint.TRAINING_FILE));

        fails(train(run), "already holds a checkpoint", "--resume", "--overwrite");
        fails(train(run, "--resume", "--hidden", "16", "--lr", "0.02"), "different settings", "hidden: 12 in the checkpoint, 16 now",
                "lr: 0.01 in the checkpoint, 0.02 now");
        fails(train(run, "--resume", "--stop-at", "3"), "--stop-at 3 is not after the checkpoint's step 4");
        Path other = Files.writeString(tmp.resolve("other.txt"), Files.readString(text).replace('q', 'k'));
        fails(train(run, "--resume", "--text", other.toString()), "text: " + Files.readString(text).length() + " characters");
        fails(train(tmp.resolve("never-trained"), "--resume"), "--resume: no checkpoint in " + tmp.resolve("never-trained"));

        assertArrayEquals(model, Files.readAllBytes(run.resolve(TrainingCheckpoint.MODEL_FILE)));
        assertArrayEquals(state, Files.readAllBytes(run.resolve(TrainingCheckpoint.TRAINING_FILE)));
    }

    @Test
    void aCheckpointOfAnotherShapeNamesTheParameterAndBothShapes() throws IOException {
        Path run = tmp.resolve("reshaped");
        ok(train(run, "--max-steps", "2"));
        // Weights of a hidden-16 model under metadata that says hidden 12.
        SafeTensors.File f = TrainingCheckpoint.loadModel(run);
        CharLSTM.Config saidConfig = CharLSTM.Config.fromMetadata(f.metadata(), "x");
        CharLSTM wider = new CharLSTM(new CharLSTM.Config(saidConfig.vocabSize(), 6, 16, 2, 0.1), new Generator(0));
        Map<String, Tensor> tensors = new LinkedHashMap<>(wider.stateDict());
        Path file = tmp.resolve("reshaped.safetensors");
        SafeTensors.save(file, tensors, f.metadata());
        fails(jgrad("sample", "--checkpoint", file.toString()), file.toString(),
                "size mismatch for lstm.weight_ih_l0: copying a param with shape [64, 6] from checkpoint, the shape in current model is [48, 6]");
    }
}
