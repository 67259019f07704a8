package dev.jgrad.inference;

import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.LoadOptions;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.models.CharLSTM;
import dev.jgrad.models.TranslationTransformer;
import dev.jgrad.tensor.InsufficientHeapException;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints that lie: metadata sizes the tensors cannot fill, sizes no heap holds, weights that are NaN. Each is
 * refused (or, for NaN by default, warned about) at load, naming the file, before anything large is allocated.
 */
class UntrustedCheckpointTest {

    @TempDir
    Path dir;

    /** A character LSTM's model file with some metadata entries replaced. */
    private Path charLstm(String name, Map<String, String> changes) throws IOException {
        CharLSTM model = CharLanguageModelTest.lstm();
        Map<String, String> meta = new LinkedHashMap<>(model.config().toMetadata());
        meta.put(CharLanguageModel.VOCABULARY_KEY, CharLanguageModelTest.VOCAB.chars());
        meta.putAll(changes);
        Path file = dir.resolve(name);
        SafeTensors.save(file, model.stateDict(), meta);
        return file;
    }

    /** num_layers 1000000 in a 13 KB file used to allocate for 144 s (6.2 GB) and then run out of memory. */
    @Test
    @Timeout(5)
    void metadataDescribingMoreWeightsThanTheFileHoldsIsRefusedBeforeBuilding() throws IOException {
        Path deep = charLstm("deep.safetensors", Map.of("num_layers", "1000000"));
        var e = assertThrows(CheckpointException.class, () -> CharLanguageModel.load(deep));
        assertTrue(e.getMessage().startsWith(deep + ": its metadata describes CharLSTM(vocab=" + CharLanguageModelTest.VOCAB.size()
                + ", emb=8, hidden=32, layers=1000000, dropout=0.1) with 8,447,997,871"), e.getMessage());
        assertTrue(e.getMessage().contains("weights, but the file holds only 14,767 values"), e.getMessage());
        assertTrue(e.getMessage().endsWith("the metadata does not fit the tensors (edited, or from another model?)"), e.getMessage());

        Path wide = charLstm("wide.safetensors", Map.of("hidden_size", "20000"));
        var w = assertThrows(CheckpointException.class, () -> CharLanguageModel.load(wide));
        assertTrue(w.getMessage().contains("hidden=20000") && w.getMessage().contains("but the file holds only"), w.getMessage());
    }

    /** max_len 2147483647 used to fail with NegativeArraySizeException: -16. */
    @Test
    @Timeout(5)
    void aMaxLenNoHeapHoldsIsRefusedNamingTheFile() throws IOException {
        TranslationTransformer model = TranslatorLoadTest.transformer();
        Map<String, String> meta = new LinkedHashMap<>(model.config().toMetadata());
        meta.put("max_len", Integer.toString(Integer.MAX_VALUE));
        Path file = TranslatorLoadTest.save(dir.resolve("long.safetensors"), model, meta);
        var e = assertThrows(InsufficientHeapException.class, () -> Translator.load(file));
        assertTrue(e.getMessage().startsWith(file + ": the weights of TranslationTransformer(") && e.getMessage().contains("max_len 2147483647")
                && e.getMessage().contains("would need about 256.0 GB"), e.getMessage());
    }

    /** A checkpoint with a NaN weight used to load silently and sample "zzzz...". */
    @Test
    void nonFiniteWeightsWarnByDefaultAndAreRefusedWhenStrict() throws IOException {
        CharLSTM model = CharLanguageModelTest.lstm();
        Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
        float[] w = state.get("lstm.weight_hh_l1").toArray();
        w[5] = Float.NaN;
        w[7] = Float.POSITIVE_INFINITY;
        state.put("lstm.weight_hh_l1", Tensor.of(w, state.get("lstm.weight_hh_l1").shape()));
        float[] b = state.get("out.bias").toArray();
        b[0] = Float.NaN;
        state.put("out.bias", Tensor.of(b, state.get("out.bias").shape()));
        Map<String, String> meta = new LinkedHashMap<>(model.config().toMetadata());
        meta.put(CharLanguageModel.VOCABULARY_KEY, CharLanguageModelTest.VOCAB.chars());
        Path file = dir.resolve("nan.safetensors");
        SafeTensors.save(file, state, meta);

        List<String> warnings = new ArrayList<>();
        CharLanguageModel.load(file, LoadOptions.defaults().warningsTo(warnings::add));
        assertEquals(List.of("warning: " + file + ": tensor 'lstm.weight_hh_l1': holds 2 NaN or infinite values (the first, NaN, at flat index 5), "
                + "and 1 other tensor has some too: the weights are broken (a diverged run?) and what the model computes from them is meaningless"), warnings);

        var refused = assertThrows(CheckpointException.class, () -> CharLanguageModel.load(file, LoadOptions.defaults().refuseNonFinite()));
        assertEquals("lstm.weight_hh_l1", refused.tensor());
        assertTrue(refused.getMessage().startsWith(file + ": tensor 'lstm.weight_hh_l1': holds 2 NaN or infinite values"), refused.getMessage());

        // every loader takes the options
        assertThrows(CheckpointException.class, () -> SafeTensors.read(file, LoadOptions.defaults().refuseNonFinite()));
        warnings.clear();
        CharLanguageModel.load(file, LoadOptions.defaults().allowNonFinite().warningsTo(warnings::add));
        assertEquals(List.of(), warnings);
        // a clean file says nothing
        CharLanguageModel.load(charLstm("clean.safetensors", Map.of()), LoadOptions.defaults().refuseNonFinite().warningsTo(warnings::add));
        assertEquals(List.of(), warnings);
    }

    @Test
    void nonFiniteWeightsOfEveryKindOfModelAreRefusedWhenStrict() throws IOException {
        Path classifier = dir.resolve("classifier.safetensors");
        var checkpoint = TextClassifierTest.checkpoint();
        checkpoint.model().getParameter("head.bias").storage()[1] = Float.NEGATIVE_INFINITY;
        checkpoint.save(classifier);
        var e = assertThrows(CheckpointException.class, () -> TextClassifier.load(classifier, LoadOptions.defaults().refuseNonFinite()));
        assertTrue(e.getMessage().contains("tensor 'head.bias': holds 1 NaN or infinite value (the first, -Infinity, at flat index 1)"), e.getMessage());

        TranslationTransformer model = TranslatorLoadTest.transformer();
        model.getParameter("generator.bias").storage()[0] = Float.NaN;
        Path translation = TranslatorLoadTest.save(dir.resolve("t.safetensors"), model, model.config().toMetadata());
        var t = assertThrows(CheckpointException.class, () -> Translator.load(translation, null, LoadOptions.defaults().refuseNonFinite()));
        assertEquals("generator.bias", t.tensor());
    }

    /** sample --length 2000000000 used to run out of memory. */
    @Test
    @Timeout(5)
    void aSampleLongerThanTheHeapHoldsIsRefused() {
        CharLanguageModel lm = CharLanguageModel.of(CharLanguageModelTest.lstm(), CharLanguageModelTest.VOCAB);
        var e = assertThrows(InsufficientHeapException.class, () -> lm.sample("To", SampleOptions.defaults().withLength(2_000_000_000).withSeed(1)));
        assertTrue(e.getMessage().startsWith("sampling 2,000,000,000 characters would need about 29.8 GB of memory"), e.getMessage());
    }
}
