package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.tensor.Generator;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jgrad train charlm --model transformer and jgrad sample on its checkpoint, end to end, on a tiny model and text. */
class CharGPTCommandTest {

    @TempDir
    static Path tmp;
    static Path text;

    /** Every part of a run: two blocks, dropout (so the random state matters), clipping, cosine schedule, random windows. */
    static final String[] MODEL = {"--model", "transformer", "--embed-dim", "8", "--heads", "2", "--hidden", "16", "--layers", "2",
            "--dropout", "0.1", "--batch", "4", "--seq-len", "16", "--epochs", "2", "--lr", "1e-2", "--warmup", "3", "--sample-length", "0"};

    @BeforeAll
    static void writeText() throws IOException {
        StringBuilder sb = new StringBuilder();
        String[] words = {"to", "be", "or", "not", "that", "is", "the", "question", "whether", "tis", "nobler"};
        Generator g = new Generator(3);
        while (sb.length() < 1500) sb.append(words[g.nextInt(words.length)]).append(g.nextInt(5) == 0 ? ",\n" : " ");
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

    /** The arguments of a run with {@link #MODEL}, whose options {@code extra} may override. */
    private static String[] train(Path out, String... extra) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < MODEL.length; i += 2) options.put(MODEL[i], MODEL[i + 1]);
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < extra.length; i++) {
            if (i + 1 < extra.length && !extra[i + 1].startsWith("--")) options.put(extra[i], extra[++i]);
            else flags.add(extra[i]);
        }
        List<String> args = new ArrayList<>(List.of("train", "charlm", "--text", text.toString(), "--out", out.toString()));
        options.forEach((k, v) -> args.addAll(List.of(k, v)));
        args.addAll(flags);
        return args.toArray(String[]::new);
    }

    private static Result ok(Result r) {
        assertEquals(0, r.exit(), "stdout: " + r.out() + "\nstderr: " + r.err());
        return r;
    }

    private static void fails(Result r, String... expected) {
        assertEquals(1, r.exit(), "stdout: " + r.out() + "\nstderr: " + r.err());
        for (String e : expected) assertTrue(r.err().contains(e), "expected '" + e + "' in: " + r.err());
    }

    /** A fresh JVM with the plain-Java kernels, whose results do not depend on JIT tiers (see CharLMCommandsTest). */
    private static Result isolated(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Djgrad.kernels=scalar", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "jgrad", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("jgrad " + List.of(args) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(log), "");
    }

    @Test
    void aStoppedAndResumedTransformerRunEqualsAnUninterruptedOneBitForBit() throws Exception {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        Result r = ok(isolated(train(straight, "--eval-every", "10")));
        int trainChars = Files.readString(text).length() * 9 / 10, perEpoch = trainChars / (4 * 16);
        assertTrue(r.out().contains("model: CharGPT(vocab=") && r.out().contains("4 random windows of 16, " + perEpoch + " steps per epoch"), r.out());
        assertTrue(r.out().contains("validation loss:"), r.out());

        // Stopped inside the first epoch: the window generator and the dropout generator must carry over to the new process.
        ok(isolated(train(resumed, "--stop-at", "13")));
        Result second = ok(isolated(train(resumed, "--resume")));
        assertTrue(second.out().contains("resuming at step 13"), second.out());

        TrainingCheckpoint a = TrainingCheckpoint.load(straight), b = TrainingCheckpoint.load(resumed);
        assertEquals(2L * perEpoch, a.progressLong("step"));
        assertEquals(a.progressLong("step"), b.progressLong("step"));
        assertArrayEquals(a.tensors().get("train_loss").toArray(), b.tensors().get("train_loss").toArray(), 0f, "identical losses at every step");
        assertEquals(a.model().keySet(), b.model().keySet());
        for (String k : a.model().keySet()) assertArrayEquals(a.model().get(k).toArray(), b.model().get(k).toArray(), 0f, k);
        for (String k : a.optimizer().keySet()) assertArrayEquals(a.optimizer().get(k).toArray(), b.optimizer().get(k).toArray(), 0f, k);
        float[] losses = a.tensors().get("train_loss").toArray();
        assertTrue(losses[losses.length - 1] < losses[0] - 0.5, "it learns: " + losses[0] + " -> " + losses[losses.length - 1]);
    }

    @Test
    void sampleReadsTheModelKindFromTheCheckpoint() throws IOException {
        Path run = tmp.resolve("sampled");
        ok(jgrad(train(run, "--max-steps", "3")));
        SafeTensors.File f = TrainingCheckpoint.loadModel(run);
        assertEquals("CharGPT", f.metadata().get("model"));
        assertEquals("16", f.metadata().get("block_size"));
        // 40 characters from a 16-character context: the caches are refilled on the way.
        String[] base = {"sample", "--checkpoint", run.toString(), "--length", "40", "--prompt", "to be"};
        String a = ok(jgrad(concat(base, "--seed", "5", "--temperature", "1.0"))).out();
        assertEquals(a, ok(jgrad(concat(base, "--seed", "5", "--temperature", "1.0"))).out());
        assertTrue(a.startsWith("to be") && a.strip().length() == 45, a);
        assertNotEquals(a, ok(jgrad(concat(base, "--seed", "6", "--temperature", "1.0"))).out());
        String greedy = ok(jgrad(concat(base, "--seed", "1", "--top-k", "1"))).out();
        assertEquals(greedy, ok(jgrad(concat(base, "--seed", "2", "--temperature", "0"))).out());
    }

    @Test
    void badTransformerOptionsAndMixedUpRunsAreNamed() {
        fails(jgrad(train(tmp.resolve("h"), "--heads", "3")), "--embed-dim 8 must be divisible by --heads 3");
        fails(jgrad(train(tmp.resolve("m"), "--model", "gru")), "--model must be lstm or transformer, got 'gru'");
        fails(jgrad(train(tmp.resolve("w"), "--seq-len", "2000")), "too few for windows of 2000");
        assertTrue(!Files.exists(tmp.resolve("h")) && !Files.exists(tmp.resolve("w")), "nothing is written for bad options");

        // An LSTM run cannot be resumed as a transformer run.
        Path lstm = tmp.resolve("lstm");
        ok(jgrad("train", "charlm", "--text", text.toString(), "--out", lstm.toString(), "--embed-dim", "6", "--hidden", "12", "--layers", "1",
                "--batch", "4", "--seq-len", "16", "--stop-at", "2", "--sample-length", "0"));
        fails(jgrad(train(lstm, "--resume")), "different settings", "model: not in the checkpoint, transformer now");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
