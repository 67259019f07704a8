package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
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

/**
 * jgrad train translate, translate, eval translate and average end to end, on a tiny word-for-word "translation"
 * task in a temporary directory, with a tiny model.
 */
class TranslateCommandsTest {

    @TempDir
    static Path tmp;
    static Path trainSrc, trainTgt, validSrc, validTgt, run;

    static final String[] EN = {"a", "dog", "cat", "runs", "sleeps", "the", "big", "small", "red", "man"};
    static final String[] DE = {"ein", "hund", "katze", "rennt", "schläft", "der", "groß", "klein", "rot", "mann"};

    /** Tiny and fast, but with every part: dropout (so the random state matters), two layers each side. */
    static final String[] MODEL = {"--d-model", "16", "--heads", "2", "--encoder-layers", "1", "--decoder-layers", "2", "--ff", "32",
            "--vocab-size", "40", "--max-len", "24", "--batch-tokens", "120", "--epochs", "2", "--warmup", "8", "--lr-factor", "1.0",
            "--dropout", "0.1", "--tie-embeddings", ""};

    static void writeCorpus(Path src, Path tgt, int n, long seed) throws IOException {
        Generator g = new Generator(seed);
        StringBuilder s = new StringBuilder(), t = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int len = 2 + g.nextInt(5);
            for (int k = 0; k < len; k++) {
                int w = g.nextInt(EN.length);
                s.append(k == 0 ? "" : " ").append(EN[w]);
                t.append(k == 0 ? "" : " ").append(DE[w]);
            }
            s.append(".\n");
            t.append(".\n");
        }
        Files.writeString(src, s, StandardCharsets.UTF_8);
        Files.writeString(tgt, t, StandardCharsets.UTF_8);
    }

    @BeforeAll
    static void trainOnce() throws IOException {
        trainSrc = tmp.resolve("train.en");
        trainTgt = tmp.resolve("train.de");
        validSrc = tmp.resolve("val.en");
        validTgt = tmp.resolve("val.de");
        writeCorpus(trainSrc, trainTgt, 160, 1);
        writeCorpus(validSrc, validTgt, 20, 2);
        run = tmp.resolve("run");
        Result r = ok(train(run));
        assertTrue(r.out().contains("done: "), r.out());
    }

    record Result(int exit, String out, String err) {}

    static Result jgrad(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** The training command line with {@link #MODEL}, whose options {@code extra} may override. */
    static List<String> trainArgs(Path out, String... extra) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < MODEL.length; i += 2) options.put(MODEL[i], MODEL[i + 1]);
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < extra.length; i++) {
            if (i + 1 < extra.length && !extra[i + 1].startsWith("--")) options.put(extra[i], extra[++i]);
            else flags.add(extra[i]);
        }
        List<String> args = new ArrayList<>(List.of("train", "translate", "--train-src", trainSrc.toString(), "--train-tgt", trainTgt.toString(),
                "--valid-src", validSrc.toString(), "--valid-tgt", validTgt.toString(), "--out", out.toString()));
        options.forEach((k, v) -> {
            args.add(k);
            if (!v.isEmpty()) args.add(v);
        });
        args.addAll(flags);
        return args;
    }

    static Result train(Path out, String... extra) {
        return jgrad(trainArgs(out, extra).toArray(String[]::new));
    }

    static Result ok(Result r) {
        assertEquals(0, r.exit(), "stdout: " + r.out() + "\nstderr: " + r.err());
        return r;
    }

    static Result fails(Result r, String... expected) {
        assertEquals(1, r.exit(), "stdout: " + r.out() + "\nstderr: " + r.err());
        for (String e : expected) assertTrue(r.err().contains(e), "expected '" + e + "' in: " + r.err());
        return r;
    }

    @Test
    void aRunLeavesCheckpointsEpochFilesTokenizerAndCurves() throws IOException {
        for (String f : List.of("model.safetensors", "training.safetensors", "epoch-001.safetensors", "epoch-002.safetensors", "best.safetensors", "bpe.txt",
                "curves.png")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        BufferedImage curves = ImageIO.read(run.resolve("curves.png").toFile());
        assertTrue(curves.getHeight() > 600, "two charts stacked");
        Map<String, String> meta = SafeTensors.loadMetadata(run.resolve("epoch-002.safetensors"));
        assertEquals("TranslationTransformer", meta.get("model"));
        assertEquals("2", meta.get("epoch"));
        assertTrue(meta.containsKey("jgrad.bpe") && meta.containsKey("jgrad.bpe.sha256"));
    }

    @Test
    void translateSentencesFilesAndAnAttentionMap() throws IOException {
        Result r = ok(jgrad("translate", "--checkpoint", run.toString(), "a dog runs.", "the big cat sleeps."));
        assertEquals(2, r.out().strip().split("\n").length, r.out());

        Path in = tmp.resolve("in.en"), out = tmp.resolve("out.de");
        Files.writeString(in, "a man runs.\n\nthe red dog sleeps.\n", StandardCharsets.UTF_8);
        ok(jgrad("translate", "--checkpoint", run.resolve("epoch-002.safetensors").toString(), "--input", in.toString(), "--out", out.toString(),
                "--beam", "1"));
        List<String> lines = Files.readAllLines(out);
        assertEquals(3, lines.size());
        assertEquals("", lines.get(1), "an empty line stays empty");

        Path png = tmp.resolve("attention.png");
        r = ok(jgrad("translate", "--checkpoint", run.toString(), "--beam", "3", "--attention-png", png.toString(), "a small man sleeps."));
        BufferedImage im = ImageIO.read(png.toFile());
        assertTrue(im.getWidth() > 100 && im.getHeight() > 100, im.getWidth() + "x" + im.getHeight());
        assertTrue(r.err().contains("attention map: " + png), r.err());

        fails(jgrad("translate", "--checkpoint", run.toString(), "--attention-png", png.toString(), "one.", "two."), "--attention-png draws one sentence");
        fails(jgrad("translate", "--checkpoint", run.toString(), "--strict", "a dog runs ø."), "<command line>:1: character 'ø'");
        r = ok(jgrad("translate", "--checkpoint", run.toString(), "a dog runs ø."));
        assertTrue(r.err().contains("characters the tokenizer does not know ('ø')"), r.err());
    }

    @Test
    void evalPrintsSacreBleusLineAndSignature() {
        Result r = ok(jgrad("evaluate", "translate", "--checkpoint", run.toString(), "--src-file", validSrc.toString(), "--ref-file", validTgt.toString(),
                "--beam", "2"));
        assertTrue(r.out().contains("BLEU = "), r.out());
        assertTrue(r.out().contains("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:jgrad"), r.out());
        assertTrue(r.out().contains("20 sentences, beam 2"), r.out());
    }

    @Test
    void averageIsTheElementwiseMeanAndRefusesMismatches() throws IOException {
        Path a = tmp.resolve("a.safetensors"), b = tmp.resolve("b.safetensors"), avg = tmp.resolve("avg.safetensors");
        SafeTensors.save(a, Map.of("w", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), "b", Tensor.of(new float[] {0.5f}, 1)), Map.of("note", "first"));
        SafeTensors.save(b, Map.of("w", Tensor.of(new float[] {3, 2, 1, 0}, 2, 2), "b", Tensor.of(new float[] {1.5f}, 1)), Map.of("note", "second"));
        Result r = ok(jgrad("average", a.toString(), b.toString(), "--out", avg.toString()));
        assertTrue(r.out().contains("averaged 2 checkpoints (2 tensors)"), r.out());
        SafeTensors.File f = SafeTensors.read(avg);
        assertArrayEquals(new float[] {2, 2, 2, 2}, f.tensors().get("w").toArray());
        assertArrayEquals(new int[] {2, 2}, f.tensors().get("w").shape());
        assertArrayEquals(new float[] {1f}, f.tensors().get("b").toArray());
        assertEquals("first", f.metadata().get("note"));

        Path c = tmp.resolve("c.safetensors"), d = tmp.resolve("d.safetensors");
        SafeTensors.save(c, Map.of("w", Tensor.zeros(2, 2), "bias", Tensor.zeros(1)));
        fails(jgrad("average", a.toString(), c.toString(), "--out", tmp.resolve("x.safetensors").toString()),
                "the tensor names differ", "missing from " + c + ": b", "only in " + c + ": bias");
        SafeTensors.save(d, Map.of("w", Tensor.zeros(4), "b", Tensor.zeros(1)));
        fails(jgrad("average", a.toString(), d.toString(), "--out", tmp.resolve("x.safetensors").toString()), "tensor 'w' has shape [4]");
        assertFalse(Files.exists(tmp.resolve("x.safetensors")));

        // Real checkpoints average into a model that loads and translates.
        Path avgModel = tmp.resolve("avg-model.safetensors");
        ok(jgrad("average", run.resolve("epoch-001.safetensors").toString(), run.resolve("epoch-002.safetensors").toString(), "--out", avgModel.toString()));
        SafeTensors.File e1 = SafeTensors.read(run.resolve("epoch-001.safetensors")), e2 = SafeTensors.read(run.resolve("epoch-002.safetensors"));
        float[] w1 = e1.tensors().get("generator.bias").toArray(), w2 = e2.tensors().get("generator.bias").toArray();
        float[] m = SafeTensors.read(avgModel).tensors().get("generator.bias").toArray();
        for (int i = 0; i < m.length; i++) assertEquals((float) ((w1[i] + (double) w2[i]) / 2), m[i], 0f);
        ok(jgrad("translate", "--checkpoint", avgModel.toString(), "a dog runs."));
    }

    @Test
    void badInputIsAClearError() throws IOException {
        Path shortTgt = tmp.resolve("short.de");
        Files.writeString(shortTgt, "ein hund.\n");
        List<String> args = trainArgs(tmp.resolve("bad1"));
        args.set(args.indexOf(trainTgt.toString()), shortTgt.toString());
        fails(jgrad(args.toArray(String[]::new)), "different numbers of lines", trainSrc + " has 160", shortTgt + " has 1");

        Path emptySrc = tmp.resolve("empty.en"), emptyTgt = tmp.resolve("empty.de");
        Files.writeString(emptySrc, "a dog.\n\nthe cat.\n");
        Files.writeString(emptyTgt, "ein hund.\nzwei.\nder katze.\n");
        args = trainArgs(tmp.resolve("bad2"), "--strict");
        args.set(args.indexOf(validSrc.toString()), emptySrc.toString());
        args.set(args.indexOf(validTgt.toString()), emptyTgt.toString());
        fails(jgrad(args.toArray(String[]::new)), emptySrc + ":2: empty sentence");

        fails(jgrad("translate", "--checkpoint", tmp.resolve("nowhere").toString(), "a dog."), "nowhere");
        fails(jgrad("train", "translate", "--data", tmp.resolve("nodata").toString(), "--out", tmp.resolve("bad3").toString()),
                "no train data for language 'en'", "train.en.gz");
    }

    @Test
    void aTokenizerThatIsNotTheCheckpointsIsRefused() throws IOException {
        // A tokenizer learnt with another vocabulary size has another fingerprint.
        Path other = tmp.resolve("other-run");
        ok(train(other, "--vocab-size", "36", "--max-steps", "1"));
        fails(jgrad("translate", "--checkpoint", run.toString(), "--bpe", other.resolve("bpe.txt").toString(), "a dog."),
                "is not the one " + run + " was trained with");
        // Resuming with data or settings that give another tokenizer.
        fails(train(other, "--vocab-size", "40", "--max-steps", "1", "--resume"), "--resume: the checkpoint's tokenizer", "differs");
        ok(jgrad("translate", "--checkpoint", run.toString(), "--bpe", run.resolve("bpe.txt").toString(), "a dog."));
    }

    /**
     * jgrad in a JVM of its own with the plain-Java kernels (bit-reproducible; see CharLMCommandsTest), as a user
     * would run it after a kill.
     */
    private static Result isolated(Path out, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Djgrad.kernels=scalar", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(trainArgs(out, extra));
        Path log = Files.createTempFile(tmp, "jgrad", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("jgrad " + cmd + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), Files.readString(log), "");
    }

    @Test
    void aStoppedAndResumedRunEqualsAnUninterruptedOneBitForBit() throws Exception {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        Result r = ok(isolated(straight));
        assertTrue(r.out().contains("done: "), r.out());
        // Stopped inside the second epoch (batch order, dropout generator, optimizer and schedule must carry over), and
        // continued in a new process.
        long perEpoch = TrainingCheckpoint.load(straight).progressLong("step") / 2;
        ok(isolated(resumed, "--stop-at", Long.toString(perEpoch + 2)));
        assertEquals(perEpoch + 2, TrainingCheckpoint.load(resumed).progressLong("step"));
        Result second = ok(isolated(resumed, "--resume"));
        assertTrue(second.out().contains("resuming at step " + (perEpoch + 2) + " (epoch 2, batch 2 of " + perEpoch + ")"), second.out());

        TrainingCheckpoint a = TrainingCheckpoint.load(straight), b = TrainingCheckpoint.load(resumed);
        assertEquals(a.progressLong("step"), b.progressLong("step"));
        assertArrayEquals(a.tensors().get("train_loss").toArray(), b.tensors().get("train_loss").toArray(), 0f, "identical losses at every step");
        assertArrayEquals(a.tensors().get("validation").toArray(), b.tensors().get("validation").toArray(), 0f, "identical validation loss and BLEU");
        assertEquals(a.model().keySet(), b.model().keySet());
        for (String k : a.model().keySet()) assertArrayEquals(a.model().get(k).toArray(), b.model().get(k).toArray(), 0f, k);
        for (String k : a.optimizer().keySet()) assertArrayEquals(a.optimizer().get(k).toArray(), b.optimizer().get(k).toArray(), 0f, k);

        // Killed (SIGKILL) at an arbitrary moment after its 3rd checkpoint, one written at every step, then resumed in a
        // new process: the same result again.
        Path killed = tmp.resolve("killed");
        Path log = Files.createTempFile(tmp, "killed", ".log");
        KilledRun.killAfterCheckpoint(KilledRun.start(log, List.of("-Djgrad.kernels=scalar"), trainArgs(killed, "--eval-every", "1")), log, killed, 3);
        long at = TrainingCheckpoint.load(killed).progressLong("step");
        assertTrue(at >= 3 && at < a.progressLong("step"), "killed at step " + at);
        // What a kill in the middle of plotting used to leave (a directory of parts), and may still leave (the temporary
        // of the atomic write): the resumed run removes both, and writes no directory of its own.
        Files.createDirectories(killed.resolve(".plots123")).resolve("loss.png").toFile().createNewFile();
        Files.writeString(killed.resolve("." + TranslationCurves.FILE + "456.tmp"), "half a picture");
        assertTrue(ok(isolated(killed, "--resume", "--eval-every", "1")).out().contains("resuming at step " + at));
        try (var left = Files.list(killed)) {
            List<String> hidden = left.map(f -> f.getFileName().toString()).filter(f -> f.startsWith(".") && !f.equals(".lock")).toList();
            assertEquals(List.of(), hidden, "nothing of the plots is left behind");
        }
        TrainingCheckpoint c = TrainingCheckpoint.load(killed);
        assertArrayEquals(a.tensors().get("train_loss").toArray(), c.tensors().get("train_loss").toArray(), 0f, "identical losses after a kill");
        for (String k : a.model().keySet()) assertArrayEquals(a.model().get(k).toArray(), c.model().get(k).toArray(), 0f, k);

        // Changed settings are refused on resume, naming them.
        fails(train(resumed, "--resume", "--dropout", "0.2"), "dropout: 0.1 in the checkpoint, 0.2 now");
        assertTrue(ok(train(resumed, "--resume")).out().contains("already complete"));
        // A finished run continues for more epochs: the schedule does not depend on the run's length.
        ok(train(resumed, "--resume", "--epochs", "3"));
        assertEquals(3 * perEpoch, TrainingCheckpoint.load(resumed).progressLong("step"));
        assertTrue(Files.isRegularFile(resumed.resolve("epoch-003.safetensors")));
    }

    @Test
    void aRunDirectoryInUseByAnotherRunIsRefused() throws Exception {
        Path busy = tmp.resolve("busy");
        try (AutoCloseable held = TrainingCheckpoint.lock(busy)) {
            fails(train(busy, "--max-steps", "1"), "is in use by another training run");
        }
        assertFalse(TrainingCheckpoint.exists(busy), "nothing written");
    }
}
