package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.models.CharLSTM;
import dev.jgrad.models.ClassifierCheckpoint;
import dev.jgrad.models.LSTMClassifier;
import dev.jgrad.models.Pooling;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.Vocabulary;
import dev.jgrad.text.WordTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.jgrad.cli.InProcess.jgrad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a hostile new user found, command by command: every bad value ends in one line that says what is wrong with it,
 * before anything large is allocated or anything is written.
 */
class BadInputCommandsTest {

    @TempDir
    Path tmp;

    private static void assertErr(InProcess.Result r, int exit, String... expected) {
        assertEquals(exit, r.exit(), "stdout: " + r.out() + "\nstderr: " + r.err());
        for (String e : expected) assertTrue(r.err().contains(e), "expected '" + e + "' in: " + r.err());
    }

    /** Every command's path and its batch-size options, found in the command tree, so a new command is covered too. */
    private static Map<List<String>, List<String>> batchOptions(CommandLine cmd, List<String> path, Map<List<String>, List<String>> out) {
        CommandSpec spec = cmd.getCommandSpec();
        List<String> names = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (o.longestName().startsWith("--batch") && (o.type() == int.class || o.type() == Integer.class)) names.add(o.longestName());
        }
        if (!names.isEmpty()) out.put(path, names);
        cmd.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            batchOptions(sub, p, out);
        });
        return out;
    }

    /** --batch 0 used to exit 1 from deep in a command (or, in the issue, "should be specified only once") while --batch x was a usage error. */
    @Test
    void everyBatchSizeOfZeroOrWordIsAUsageErrorSayingWhatIsWrong() {
        Map<List<String>, List<String>> all = batchOptions(Main.commandLine(), List.of(), new LinkedHashMap<>());
        assertTrue(all.size() >= 10, all.toString());
        for (var e : all.entrySet()) {
            for (String option : e.getValue()) {
                for (String value : new String[] {"0", "-3", "x", "99999999999"}) {
                    List<String> args = new ArrayList<>(e.getKey());
                    args.addAll(List.of(option, value));
                    InProcess.Result r = jgrad(args.toArray(String[]::new));
                    assertErr(r, 2, "Invalid value for option '" + option + "': '" + value + "' is not a positive integer");
                    assertFalse(r.err().contains("only once"), r.err());
                }
            }
        }
    }

    /** --hidden 20000 ran out of memory after minutes; now it stops before allocating, with the -Xmx to use. */
    @Test
    @Timeout(30)
    void aModelTooLargeForTheHeapSaysHowMuchAndHowToGiveMore() throws IOException {
        Path text = tmp.resolve("t.txt");
        Files.writeString(text, "to be or not to be, that is the question\n".repeat(40));
        InProcess.Result r = jgrad("train", "charlm", "--text", text.toString(), "--out", tmp.resolve("run").toString(), "--hidden", "20000");
        assertErr(r, 1, "the weights of CharLSTM(vocab=", "hidden=20000", "would need about 17.9 GB of memory, more than the Java heap's maximum of",
                "give Java more with -Xmx23g, or use smaller sizes (for jgrad: JGRAD_JAVA_OPTS=-Xmx23g ./jgrad ...)");
        assertFalse(Files.exists(tmp.resolve("run").resolve("model.safetensors")));
    }

    /** A label of 999999999 allocated per-class tables for minutes in train classify and eval classify. */
    @Test
    @Timeout(30)
    void aHugeLabelNamesItsLineInTrainingAndEvaluation() throws IOException {
        Path tsv = tmp.resolve("huge.tsv");
        Files.writeString(tsv, "a good film\t1\na bad film\t0\nan odd film\t999999999\n");
        assertErr(jgrad("train", "classify", "--train", tsv.toString(), "--valid", tsv.toString(), "--out", tmp.resolve("c").toString()), 1,
                tsv + ":3: label 999999999 is too large");
        Vocabulary vocab = Vocabulary.build(List.of(List.of("a", "good", "film")), 1, 0);
        LSTMClassifier model = new LSTMClassifier(new LSTMClassifier.Config(vocab.size(), 4, 4, 1, false, Pooling.MAX, 0, 2), new Generator(1));
        Path checkpoint = tmp.resolve("classifier.safetensors");
        new ClassifierCheckpoint(model, vocab, new WordTokenizer(true), Map.of()).save(checkpoint);
        assertErr(jgrad("eval", "classify", "--data", tsv.toString(), "--checkpoint", checkpoint.toString()), 1, tsv + ":3: label 999999999 is too large");
    }

    /** sample on a checkpoint with NaN weights printed "zzzz..." and exited 0 without a word. */
    @Test
    void sampleWarnsAboutNonFiniteWeightsAndRefusesThemWithStrict() throws IOException {
        String chars = "\n abcdefgh";
        CharLSTM model = new CharLSTM(new CharLSTM.Config(chars.length(), 4, 8, 1, 0), new Generator(1));
        Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
        float[] w = state.get("out.weight").toArray();
        java.util.Arrays.fill(w, Float.NaN);
        state.put("out.weight", Tensor.of(w, state.get("out.weight").shape()));
        Map<String, String> meta = new LinkedHashMap<>(model.config().toMetadata());
        meta.put("vocabulary", chars);
        Path file = tmp.resolve("nan.safetensors");
        SafeTensors.save(file, state, meta);

        InProcess.Result warned = jgrad("sample", "--checkpoint", file.toString(), "--prompt", "a", "--length", "5", "--seed", "1");
        assertEquals(0, warned.exit(), warned.err());
        assertEquals(List.of("warning: " + file + ": tensor 'out.weight': holds " + w.length + " NaN or infinite values (the first, NaN, at flat index 0): "
                + "the weights are broken (a diverged run?) and what the model computes from them is meaningless (--strict refuses such a checkpoint)"),
                warned.err().lines().toList());
        assertErr(jgrad("sample", "--checkpoint", file.toString(), "--prompt", "a", "--length", "5", "--strict"), 1,
                "jgrad sample: error: " + file + ": tensor 'out.weight': holds " + w.length + " NaN or infinite values");
    }

    /** A huge --length ran out of memory. */
    @Test
    @Timeout(30)
    void aSampleTooLongForTheHeapIsRefused() throws IOException {
        String chars = "\n abcdefgh";
        CharLSTM model = new CharLSTM(new CharLSTM.Config(chars.length(), 4, 8, 1, 0), new Generator(1));
        Map<String, String> meta = new LinkedHashMap<>(model.config().toMetadata());
        meta.put("vocabulary", chars);
        Path file = tmp.resolve("lm.safetensors");
        SafeTensors.save(file, model.stateDict(), meta);
        assertErr(jgrad("sample", "--checkpoint", file.toString(), "--length", "2000000000"), 1,
                "sampling 2,000,000,000 characters would need about 29.8 GB of memory", "JGRAD_JAVA_OPTS=-Xmx38g");
    }

    /** average used to mix char models whose vocabularies differ (same shapes, different characters). */
    @Test
    void averageRefusesModelsWhoseVocabulariesDiffer() throws IOException {
        CharLSTM model = new CharLSTM(new CharLSTM.Config(4, 4, 8, 1, 0), new Generator(1));
        Path a = tmp.resolve("a.safetensors"), b = tmp.resolve("b.safetensors");
        for (Object[] f : new Object[][] {{a, "abcd"}, {b, "wxyz"}}) {
            Map<String, String> meta = new LinkedHashMap<>(model.config().toMetadata());
            meta.put("vocabulary", (String) f[1]);
            SafeTensors.save((Path) f[0], model.stateDict(), meta);
        }
        Path avg = tmp.resolve("avg.safetensors");
        assertErr(jgrad("average", a.toString(), b.toString(), "-o", avg.toString()), 1,
                "cannot average " + b + " with " + a + ": their metadata 'vocabulary' differs (4 characters, 'wxyz' and 4 characters, 'abcd')");
        assertFalse(Files.exists(avg));
    }
}
