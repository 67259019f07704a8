package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.jgrad.cli.TranslateCommandsTest.fails;
import static dev.jgrad.cli.TranslateCommandsTest.jgrad;
import static dev.jgrad.cli.TranslateCommandsTest.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jgrad train translate --model lstm, then translate and eval translate with its checkpoint, on the tiny word-for-word task. */
class TranslateLstmCommandsTest {

    @TempDir
    static Path tmp;
    static Path trainSrc, trainTgt, validSrc, validTgt, run;

    static final List<String> MODEL = List.of("--model", "lstm", "--attention", "dot", "--embed-dim", "16", "--hidden", "16", "--layers", "2",
            "--vocab-size", "40", "--max-len", "24", "--batch-tokens", "120", "--epochs", "2", "--lr", "0.01", "--lr-decay", "0.5",
            "--decay-after", "1", "--tie-embeddings");

    /** The training command line with {@link #MODEL}, whose option values {@code extra} may override. */
    static List<String> trainArgs(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "translate", "--train-src", trainSrc.toString(), "--train-tgt", trainTgt.toString(),
                "--valid-src", validSrc.toString(), "--valid-tgt", validTgt.toString(), "--out", out.toString()));
        args.addAll(MODEL);
        for (int i = 0; i < extra.length; i++) {
            boolean hasValue = i + 1 < extra.length && !extra[i + 1].startsWith("--");
            int at = args.indexOf(extra[i]);
            if (at >= 0 && hasValue) args.set(at + 1, extra[++i]);
            else if (at < 0) {
                args.add(extra[i]);
                if (hasValue) args.add(extra[++i]);
            }
        }
        return args;
    }

    static TranslateCommandsTest.Result train(Path out, String... extra) {
        return jgrad(trainArgs(out, extra).toArray(String[]::new));
    }

    @BeforeAll
    static void trainOnce() throws IOException {
        trainSrc = tmp.resolve("train.en");
        trainTgt = tmp.resolve("train.de");
        validSrc = tmp.resolve("val.en");
        validTgt = tmp.resolve("val.de");
        TranslateCommandsTest.writeCorpus(trainSrc, trainTgt, 160, 1);
        TranslateCommandsTest.writeCorpus(validSrc, validTgt, 20, 2);
        run = tmp.resolve("run");
        TranslateCommandsTest.Result r = ok(train(run));
        assertTrue(r.out().contains("done: "), r.out());
        assertTrue(r.out().contains("model: LSTM 2 layers, hidden 16 (bidirectional encoder), embeddings 16, dot attention"), r.out());
        assertTrue(r.out().contains("Adam(0.9, 0.999), lr 0.01, times 0.5 each epoch after epoch 1, gradient norm clipped at 5.0"), r.out());
    }

    @Test
    void theCheckpointSaysLstmAndTranslateAndEvalLoadIt() throws IOException {
        for (String f : List.of("model.safetensors", "training.safetensors", "epoch-001.safetensors", "epoch-002.safetensors", "best.safetensors", "curves.png")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }
        Map<String, String> meta = SafeTensors.loadMetadata(run.resolve("epoch-002.safetensors"));
        assertEquals("TranslationLSTM", meta.get("model"));
        assertEquals("dot", meta.get("attention"));
        assertEquals("16", meta.get("hidden_size"));
        TrainingCheckpoint c = TrainingCheckpoint.load(run);
        assertEquals("lstm", c.config().get("model"));
        // The learning rate halves at the start of each epoch after the first: the next step, of epoch 3, has 0.01 / 4.
        assertEquals(0.0025f, c.optimizer().get("param_groups.0.lr").item(), 1e-9f);

        TranslateCommandsTest.Result r = ok(jgrad("translate", "--checkpoint", run.toString(), "a dog runs.", "the big cat sleeps."));
        assertEquals(2, r.out().lines().count(), r.out());
        ok(jgrad("translate", "--checkpoint", run.resolve("epoch-001.safetensors").toString(), "--beam", "1", "a red man."));
        Path png = tmp.resolve("attention.png");
        r = ok(jgrad("translate", "--checkpoint", run.toString(), "--beam", "3", "--attention-png", png.toString(), "a small man sleeps."));
        BufferedImage im = ImageIO.read(png.toFile());
        assertTrue(im.getWidth() > 100 && im.getHeight() > 100, im.getWidth() + "x" + im.getHeight());
        r = ok(jgrad("evaluate", "translate", "--checkpoint", run.toString(), "--src-file", validSrc.toString(), "--ref-file", validTgt.toString(),
                "--beam", "2"));
        assertTrue(r.out().contains("BLEU = ") && r.out().contains("20 sentences, beam 2"), r.out());
    }

    @Test
    void aStoppedAndResumedRunEqualsAnUninterruptedOne() throws IOException {
        Path resumed = tmp.resolve("resumed");
        long perEpoch = TrainingCheckpoint.load(run).progressLong("step") / 2;
        ok(train(resumed, "--stop-at", Long.toString(perEpoch + 1)));
        TranslateCommandsTest.Result second = ok(train(resumed, "--resume"));
        assertTrue(second.out().contains("resuming at step " + (perEpoch + 1)), second.out());
        TrainingCheckpoint a = TrainingCheckpoint.load(run), b = TrainingCheckpoint.load(resumed);
        assertArrayEquals(a.tensors().get("train_loss").toArray(), b.tensors().get("train_loss").toArray(), 1e-5f);
        for (String k : a.model().keySet()) assertArrayEquals(a.model().get(k).toArray(), b.model().get(k).toArray(), 1e-5f, k);
    }

    @Test
    void optionsOfTheOtherModelAndChangedSettingsAreRefused() {
        fails(train(run, "--resume", "--layers", "1"), "layers: 2 in the checkpoint, 1 now");
        fails(jgrad("train", "translate", "--train-src", trainSrc.toString(), "--train-tgt", trainTgt.toString(), "--valid-src", validSrc.toString(),
                "--valid-tgt", validTgt.toString(), "--out", run.toString(), "--vocab-size", "40", "--max-len", "24", "--batch-tokens", "120", "--resume"),
                "--resume: the run in " + run + " trains an LSTM (--model lstm), not --model transformer");
        fails(train(tmp.resolve("x1"), "--heads", "2"), "--heads applies to the Transformer, not to --model lstm");
        fails(jgrad("train", "translate", "--train-src", trainSrc.toString(), "--train-tgt", trainTgt.toString(), "--valid-src", validSrc.toString(),
                "--valid-tgt", validTgt.toString(), "--out", tmp.resolve("x2").toString(), "--hidden", "64"), "--hidden applies to the LSTM (--model lstm)");
        fails(train(tmp.resolve("x3"), "--attention", "cosine"), "--attention: unknown attention 'cosine', expected additive, dot or general");
        fails(train(tmp.resolve("x4"), "--hidden", "17", "--embed-dim", "17"), "--hidden must be even");
        fails(train(tmp.resolve("x5"), "--embed-dim", "8"), "--tie-embeddings needs --embed-dim equal to --hidden");
        fails(train(tmp.resolve("x6"), "--model", "gru"), "--model must be transformer or lstm, got 'gru'");
    }
}
