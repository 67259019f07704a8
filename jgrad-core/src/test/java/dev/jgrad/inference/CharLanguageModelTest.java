package dev.jgrad.inference;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.CharVocabulary;
import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.CharGPT;
import dev.jgrad.models.CharLSTM;
import dev.jgrad.nn.Module;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both character language models saved as {@code jgrad train charlm} saves them, loaded back, and used from several threads. */
class CharLanguageModelTest {
    static final String TEXT = "To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n";
    static final CharVocabulary VOCAB = CharVocabulary.of(TEXT);

    @TempDir
    Path dir;

    static CharLSTM lstm() {
        return new CharLSTM(new CharLSTM.Config(VOCAB.size(), 8, 32, 2, 0.1), new Generator(1));
    }

    static CharGPT gpt() {
        return new CharGPT(new CharGPT.Config(VOCAB.size(), 16, 16, 2, 2, 32, 0.1), new Generator(2));
    }

    /** A run directory as the training command leaves it: model.safetensors (config, vocabulary, step) beside training.safetensors. */
    static Path saveRun(Path run, Module model, Map<String, String> config) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(config);
        meta.put(CharLanguageModel.VOCABULARY_KEY, VOCAB.chars());
        meta.put("step", "7");
        new TrainingCheckpoint(model.stateDict(), meta, Map.of(), Map.of(), Map.of(), Map.of("step", "7"), Map.of()).save(run);
        return run;
    }

    @Test
    void theLstmComesBackAndSamplesAsInMemory() throws IOException {
        CharLSTM model = lstm();
        Path run = saveRun(dir.resolve("lstm"), model, model.config().toMetadata());
        CharLanguageModel lm = CharLanguageModel.load(run);
        assertInstanceOf(CharLSTM.class, lm.model());
        assertEquals(model.summary(), lm.summary());
        assertEquals("7", lm.metadata().get("step"));
        // the model file alone loads too
        assertEquals(lm.sample("to ", SampleOptions.defaults().withLength(30).withSeed(4)),
                CharLanguageModel.load(run.resolve(TrainingCheckpoint.MODEL_FILE)).sample("to ", SampleOptions.defaults().withLength(30).withSeed(4)));

        SampleOptions options = SampleOptions.defaults().withLength(40).withTemperature(1.0).withTopK(5).withSeed(9);
        int[] expected = model.generate(VOCAB.encode("To be"), 40, new CharLSTM.Sampling(1.0, 5), new Generator(9));
        assertEquals(VOCAB.decode(expected), lm.sample("To be", options));
        assertEquals(40, lm.sample("To be", options).length());
        assertNotEquals(lm.sample("To be", options), lm.sample("To be", options.withSeed(10)), "another seed, another sample");
        assertEquals(lm.sample("To be", SampleOptions.greedy().withLength(20)), lm.sample("To be", SampleOptions.greedy().withLength(20).withSeed(3)));

        // log-likelihood: the sum of log p(next character) over one pass of the in-memory model
        int[] ids = VOCAB.encode(TEXT);
        double expectedLl = 0;
        try (var ignored = GradMode.noGrad()) {
            model.eval();
            Tensor logits = model.forward(IntTensor.of(java.util.Arrays.copyOf(ids, ids.length - 1), 1, ids.length - 1), null).output();
            float[] lp = logits.logSoftmax(-1).contiguous().toArray();
            for (int t = 0; t + 1 < ids.length; t++) expectedLl += lp[t * VOCAB.size() + ids[t + 1]];
        }
        assertEquals(expectedLl, lm.logLikelihood(TEXT), 1e-3);
        assertEquals(Math.exp(-lm.logLikelihood(TEXT) / (ids.length - 1)), lm.perplexity(TEXT), 1e-9);
        assertTrue(lm.perplexity(TEXT) > 1 && lm.perplexity(TEXT) < 2 * VOCAB.size(), "an untrained model is about as good as a uniform guess");
    }

    @Test
    void theTransformerComesBackAndSamplesAsInMemory() throws IOException {
        CharGPT model = gpt();
        Path run = saveRun(dir.resolve("gpt"), model, model.config().toMetadata());
        CharLanguageModel lm = CharLanguageModel.load(run);
        assertInstanceOf(CharGPT.class, lm.model());
        // longer than the block of 16, so the context is cut and the caches refilled on the way
        int[] expected = model.generate(VOCAB.encode("the question"), 50, new CharLSTM.Sampling(0.8, 0), new Generator(5));
        assertEquals(VOCAB.decode(expected), lm.sample("the question", SampleOptions.defaults().withLength(50).withSeed(5)));
        int[] ids = VOCAB.encode(TEXT);
        // the model's own evaluation, in batches of another size (so equal up to rounding)
        assertEquals(-model.meanLoss(ids, 4) * (ids.length - 1), lm.logLikelihood(TEXT), 1e-4);
        assertEquals(lm.logLikelihood(TEXT), CharLanguageModel.of(model, VOCAB).logLikelihood(TEXT));
    }

    @Test
    void fourThreadsGetTheSingleThreadedAnswers() throws Exception {
        CharLSTM lstm = lstm();
        CharGPT gpt = gpt();
        lstm.train(); // in training mode when handed over: the predictor must switch it to eval for good
        for (CharLanguageModel lm : List.of(CharLanguageModel.load(saveRun(dir.resolve("a"), lstm, lstm.config().toMetadata())),
                CharLanguageModel.of(lstm, VOCAB), CharLanguageModel.load(saveRun(dir.resolve("b"), gpt, gpt.config().toMetadata())))) {
            List<Callable<Object>> calls = new ArrayList<>();
            String[] prompts = {"To be", "W", "that is the question", "\n"};
            for (int i = 0; i < prompts.length; i++) {
                String prompt = prompts[i];
                SampleOptions options = SampleOptions.defaults().withLength(60).withTopK(i == 3 ? 1 : 0).withSeed(i);
                calls.add(() -> lm.sample(prompt, options));
            }
            calls.add(() -> lm.logLikelihood(TEXT));
            calls.add(() -> lm.perplexity(TEXT.substring(0, 30)));
            SameAnswersInParallel.check(calls);
            assertEquals(false, lm.model().isTraining());
        }
    }

    @Test
    void errorsNameThePathAndWhatWasExpected() throws IOException {
        Path none = dir.resolve("none");
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> CharLanguageModel.load(none));
        assertTrue(missing.getMessage().contains(none.toString()) && missing.getMessage().contains("expected a character language model"),
                missing.getMessage());

        // a translation checkpoint's metadata
        Path translation = dir.resolve("translation.safetensors");
        SafeTensors.save(translation, Map.of("w", Tensor.zeros(2)), Map.of("model", "TranslationTransformer", "d_model", "8"));
        CheckpointException wrongKind = assertThrows(CheckpointException.class, () -> CharLanguageModel.load(translation));
        assertEquals(translation + ": expected a character language model (from 'jgrad train charlm'), but it holds a translation model "
                + "(from 'jgrad train translate'); load it with Translator.load", wrongKind.getMessage());

        CharLSTM model = lstm();
        Path noVocabulary = dir.resolve("no-vocabulary.safetensors");
        SafeTensors.save(noVocabulary, model.stateDict(), model.config().toMetadata());
        CheckpointException vocab = assertThrows(CheckpointException.class, () -> CharLanguageModel.load(noVocabulary));
        assertTrue(vocab.getMessage().startsWith(noVocabulary + ": the metadata has no 'vocabulary' entry"), vocab.getMessage());

        Map<String, String> wider = new LinkedHashMap<>(model.config().toMetadata());
        wider.put("hidden_size", "16");
        Path misfit = saveRun(dir.resolve("misfit"), model, wider);
        CheckpointException shapes = assertThrows(CheckpointException.class, () -> CharLanguageModel.load(misfit));
        assertTrue(shapes.getMessage().startsWith(misfit + ": ") && shapes.getMessage().contains("size mismatch for lstm.weight_ih_l0"), shapes.getMessage());

        CharLanguageModel lm = CharLanguageModel.of(model, VOCAB);
        IllegalArgumentException prompt = assertThrows(IllegalArgumentException.class, () -> lm.sample("to bé", SampleOptions.defaults()));
        assertTrue(prompt.getMessage().contains("'é' (U+00E9) is not in the vocabulary") && prompt.getMessage().contains("position 4"), prompt.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SampleOptions.defaults().withTemperature(-1));
        assertThrows(IllegalArgumentException.class, () -> lm.perplexity("T"));
    }
}
