package dev.jgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.models.ClassifierCheckpoint;
import dev.jgrad.tensor.Generator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train classify, eval classify and classify end to end on a tiny synthetic sentiment dataset. */
class ClassifyCommandsTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private StringWriter err;
    private PrintStream savedOut, savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err; // the progress bar draws there
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private int jgrad(String... args) {
        stdout.reset();
        err = new StringWriter();
        var cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private String out() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private static final String[] GOOD = {"great", "wonderful", "moving", "superb", "charming"};
    private static final String[] BAD = {"dull", "awful", "tedious", "boring", "clumsy"};
    private static final String[] FILLER = {"the", "film", "is", "a", "story", "very", "and", "plot", "acting"};

    /** Sentences of filler words with one sentiment word; label 1 for a GOOD word, 0 for a BAD one. */
    private Path dataset(String name, int n, long seed, boolean header) throws IOException {
        Generator gen = new Generator(seed);
        StringBuilder sb = new StringBuilder(header ? "sentence\tlabel\n" : "");
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            int len = 2 + gen.nextInt(5);
            String[] words = new String[len];
            for (int k = 0; k < len; k++) words[k] = FILLER[gen.nextInt(FILLER.length)];
            String[] pool = label == 1 ? GOOD : BAD;
            words[gen.nextInt(len)] = pool[gen.nextInt(pool.length)];
            sb.append(String.join(" ", words)).append(i % 3 == 0 ? " !" : "").append(" \t").append(label).append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString());
        return p;
    }

    private String[] trainArgs(Path train, Path valid, Path out) {
        return new String[] {"train", "classify", "--train", train.toString(), "--valid", valid.toString(), "--out", out.toString(),
                "--embed-dim", "12", "--hidden", "10", "--epochs", "12", "--patience", "0", "--batch", "8", "--lr", "0.02", "--dropout", "0.1"};
    }

    @Test
    void trainsEvaluatesAndClassifies() throws IOException {
        Path train = dataset("train.tsv", 80, 1, true), valid = dataset("dev.tsv", 40, 2, true);
        Path out = dir.resolve("run");
        assertEquals(0, jgrad(trainArgs(train, valid, out)), err.toString());
        String log = out();
        assertTrue(log.contains("'sentence\\tlabel' taken as a header"), log);
        assertTrue(log.contains("epoch 12:"), log);
        Matcher m = Pattern.compile("best valid accuracy ([0-9.]+) at epoch (\\d+)").matcher(log);
        assertTrue(m.find(), log);
        assertEquals(1.0, Double.parseDouble(m.group(1)), 1e-9, log);
        Path ckpt = out.resolve("model.safetensors");
        assertEquals(m.group(2), ClassifierCheckpoint.load(ckpt).info().get("epoch"));

        assertEquals(0, jgrad("eval", "classify", "--checkpoint", ckpt.toString(), "--data", valid.toString()), err.toString());
        assertTrue(out().contains("accuracy: 1.0000 (40/40)"), out());

        assertEquals(0, jgrad("classify", "--checkpoint", ckpt.toString(), "a wonderful story", "the plot is tedious"), err.toString());
        String[] lines = out().strip().split("\n");
        assertEquals(2, lines.length, out());
        assertTrue(lines[0].startsWith("1\t") && lines[0].endsWith("\ta wonderful story"), lines[0]);
        assertTrue(lines[1].startsWith("0\t"), lines[1]);
        double p = Double.parseDouble(lines[0].split("\t")[1]);
        assertTrue(p > 0.5 && p <= 1, lines[0]);
    }

    @Test
    void holdsOutPartOfTheTrainingDataWithoutValid() throws IOException {
        Path train = dataset("train.tsv", 60, 3, false);
        assertEquals(0, jgrad("train", "classify", "--train", train.toString(), "--out", dir.resolve("r").toString(), "--epochs", "1",
                "--embed-dim", "4", "--hidden", "4", "--valid-fraction", "0.25"), err.toString());
        assertTrue(out().contains("15 examples held out from the training data"), out());
        assertTrue(!out().contains("header"), out());
    }

    @Test
    void badDataFailsWithFileAndLineAndKeepsTheEarlierCheckpoint() throws IOException {
        Path train = dataset("train.tsv", 40, 4, true), valid = dataset("dev.tsv", 20, 5, true);
        Path out = dir.resolve("run");
        assertEquals(0, jgrad("train", "classify", "--train", train.toString(), "--valid", valid.toString(), "--out", out.toString(),
                "--epochs", "1", "--embed-dim", "4", "--hidden", "4"), err.toString());
        Path ckpt = out.resolve("model.safetensors");
        byte[] before = Files.readAllBytes(ckpt);

        Path broken = dir.resolve("broken.tsv");
        Files.writeString(broken, "sentence\tlabel\na fine film \t1\nno tab on this line\n");
        assertEquals(1, jgrad("train", "classify", "--train", broken.toString(), "--valid", valid.toString(), "--out", out.toString()));
        assertTrue(err.toString().contains("broken.tsv:3: no tab"), err.toString());

        Files.writeString(broken, "a fine film\t1\na bad one\tnegative\n");
        assertEquals(1, jgrad("train", "classify", "--train", train.toString(), "--valid", broken.toString(), "--out", out.toString()));
        assertTrue(err.toString().contains("broken.tsv:2: label 'negative' is not an integer"), err.toString());

        Files.writeString(broken, "");
        assertEquals(1, jgrad("eval", "classify", "--checkpoint", ckpt.toString(), "--data", broken.toString()));
        assertTrue(err.toString().contains("broken.tsv") && err.toString().contains("empty"), err.toString());

        Files.writeString(broken, "a fine film\t1\nodd\t7\n");
        assertEquals(1, jgrad("eval", "classify", "--checkpoint", ckpt.toString(), "--data", broken.toString()));
        assertTrue(err.toString().contains("broken.tsv:2: label 7 is not one of the model's classes 0..1"), err.toString());

        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(ckpt)), "the earlier checkpoint is untouched");
    }

    @Test
    void aStoppedAndResumedRunEqualsAnUninterruptedOneBitForBit() throws IOException {
        Path train = dataset("train.tsv", 80, 6, false), valid = dataset("dev.tsv", 20, 7, false);
        // 5 batches an epoch; dropout draws from the generator that shuffles, so both must carry over
        String[] common = {"train", "classify", "--train", train.toString(), "--valid", valid.toString(), "--embed-dim", "6", "--hidden", "5",
            "--epochs", "3", "--batch", "16", "--dropout", "0.3", "--patience", "0"};
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        assertEquals(0, jgrad(Args.of(common, "--out", straight.toString())), err.toString());
        assertEquals(0, jgrad(Args.of(common, "--out", resumed.toString(), "--stop-at", "7")), err.toString());
        assertTrue(out().contains("stopped at step 7 as asked"), out());
        assertEquals(0, jgrad(Args.of(common, "--out", resumed.toString(), "--resume")), err.toString());
        SameModel.assertBitIdentical(straight.resolve("model.safetensors"), resumed.resolve("model.safetensors"));
        SameModel.assertBitIdentical(straight.resolve("checkpoint/model.safetensors"), resumed.resolve("checkpoint/model.safetensors"));
        assertEquals(ClassifierCheckpoint.load(straight.resolve("model.safetensors")).info(),
                ClassifierCheckpoint.load(resumed.resolve("model.safetensors")).info());
        // the run directory serves as --checkpoint too
        assertEquals(0, jgrad("eval", "classify", "--checkpoint", resumed.toString(), "--data", valid.toString()), err.toString());
        assertTrue(out().contains("accuracy: "), out());
    }

    @Test
    void missingDefaultDataSaysWhereToGetIt() {
        // An empty cache, and a mirror without the files: the default data cannot be fetched.
        String savedCache = System.getProperty("jgrad.data"), savedMirror = System.getProperty("jgrad.data.mirror");
        System.setProperty("jgrad.data", dir.resolve("cache").toString());
        System.setProperty("jgrad.data.mirror", dir.resolve("empty-mirror").toString());
        try {
            assertEquals(1, jgrad("train", "classify", "--out", dir.resolve("r").toString()));
            String e = err.toString();
            assertTrue(e.contains("the default data set sst2 could not be fetched") && e.contains("--train FILE")
                    && e.contains(dir.resolve("cache").resolve("sst2").toString()), e);
        } finally {
            restoreProperty("jgrad.data", savedCache);
            restoreProperty("jgrad.data.mirror", savedMirror);
        }
    }

    private static void restoreProperty(String key, String saved) {
        if (saved == null) System.clearProperty(key);
        else System.setProperty(key, saved);
    }

    @Test
    void badOptionsAreClearErrors() {
        assertEquals(1, jgrad("train", "classify", "--pooling", "sum"));
        assertTrue(err.toString().contains("pooling 'sum' is not one of max, mean, last"), err.toString());
        assertEquals(1, jgrad("eval", "classify", "--checkpoint", dir.resolve("none.safetensors").toString(), "--data", dir.toString()));
        assertTrue(err.toString().contains("none.safetensors"), err.toString());
    }
}
