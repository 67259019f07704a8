package dev.jgrad.models;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.TranslationBatcher;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.LossOptions;
import dev.jgrad.nn.Parameter;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.ClipGrad;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.SubwordVocabulary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.jgrad.models.TranslationTransformerTest.bosEos;
import static dev.jgrad.models.TranslationTransformerTest.randomSentence;
import static dev.jgrad.models.TranslationTransformerTest.withEos;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LSTM encoder-decoder with attention: a tiny one learns to reverse token sequences (which needs the attention:
 * the first output token is the source's last); step-by-step decoding equals the teacher-forced forward for every
 * attention; beam 1 equals greedy; padding changes nothing; the config round-trips.
 */
class TranslationLSTMTest {
    static final int V = TranslationTransformerTest.V;
    static TranslationLSTM model;
    static float firstLoss, lastLoss;

    static TranslationLSTM.Config config(TranslationLSTM.Attention attention, double dropout) {
        return new TranslationLSTM.Config(V, 32, 32, 2, attention, dropout, 16, true, true);
    }

    static int[] reversed(int[] s) {
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) r[i] = s[s.length - 1 - i];
        return r;
    }

    @BeforeAll
    static void trainToReverse() {
        Generator.manualSeed(11);
        model = new TranslationLSTM(config(TranslationLSTM.Attention.ADDITIVE, 0.1), new Generator(3));
        Generator g = new Generator(5);
        List<int[]> src = new ArrayList<>(), tgt = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int[] s = randomSentence(g, 2, 6);
            src.add(withEos(s));
            tgt.add(bosEos(reversed(s)));
        }
        TranslationBatcher batcher = new TranslationBatcher(src, tgt, 160);
        Adam adam = new Adam(model.parameters(), Adam.options(5e-3));
        LossOptions lo = LossOptions.defaults().withIgnoreIndex(SubwordVocabulary.PAD_ID);
        Generator order = new Generator(7);
        List<Float> losses = new ArrayList<>();
        for (int epoch = 0; epoch < 16; epoch++) {
            for (int[] idx : batcher.epoch(order)) {
                TranslationBatcher.Batch b = batcher.batch(idx);
                adam.zeroGrad();
                int n = b.targetIn().numel();
                Tensor loss = Functional.crossEntropy(model.forward(b.source(), b.targetIn()).reshape(n, V), b.targetOut().reshape(n), lo);
                loss.backward();
                ClipGrad.clipGradNorm(model.parameters(), 5);
                adam.step();
                losses.add(loss.item());
            }
        }
        firstLoss = losses.getFirst();
        lastLoss = (float) losses.subList(losses.size() - 10, losses.size()).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        model.eval();
    }

    static List<int[]> testSources(int count, long seed) {
        Generator g = new Generator(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(withEos(randomSentence(g, 2, 6)));
        return out;
    }

    @Test
    void theLossFallsAndGreedyDecodingReversesUnseenSequences() {
        assertTrue(firstLoss > 2.0 && lastLoss < 0.3, "loss " + firstLoss + " -> " + lastLoss);
        List<int[]> sources = testSources(30, 99);
        List<Translator.Hypothesis> hyps = new Translator(model).greedy(sources);
        int exact = 0;
        for (int i = 0; i < sources.size(); i++) {
            int[] s = sources.get(i);
            if (Arrays.equals(reversed(Arrays.copyOf(s, s.length - 1)), hyps.get(i).tokens())) exact++;
        }
        assertTrue(exact >= 24, "reversed exactly: " + exact + " of 30");
    }

    @Test
    void beamOneEqualsGreedyAndWiderBeamsKeepTheOrder() {
        List<int[]> sources = testSources(16, 42);
        Translator t = new Translator(model);
        List<Translator.Hypothesis> greedy = t.greedy(sources), beam1 = t.beamSearch(sources, 1, 0.0);
        for (int i = 0; i < sources.size(); i++) {
            assertArrayEquals(greedy.get(i).tokens(), beam1.get(i).tokens(), "sentence " + i);
            assertEquals(greedy.get(i).logProb(), beam1.get(i).logProb(), 1e-5, "sentence " + i);
            assertEquals(greedy.get(i).finished(), beam1.get(i).finished());
        }
        List<Translator.Hypothesis> beam4 = t.beamSearch(sources, 4, 0.0);
        for (int i = 0; i < sources.size(); i++) {
            assertEquals(TranslatorTest.teacherForcedLogProb(model, sources.get(i), beam4.get(i)), beam4.get(i).logProb(), 1e-4, "sentence " + i);
        }
        for (int i = 0; i < 3; i++) assertArrayEquals(beam4.get(i).tokens(), t.beamSearch(List.of(sources.get(i)), 4, 0.0).getFirst().tokens());
        List<Translator.Hypothesis> batched = t.translate(sources, 4, 0.0, 5);
        for (int i = 0; i < sources.size(); i++) assertArrayEquals(beam4.get(i).tokens(), batched.get(i).tokens());
    }

    @Test
    void stepByStepLogitsEqualTheTeacherForcedForwardForEveryAttention() {
        int[] src = {5, 6, 7, 8, SubwordVocabulary.EOS_ID, 0, 0};
        int[] tgt = {SubwordVocabulary.BOS_ID, 8, 7, 6, 5, 0};
        for (TranslationLSTM.Attention a : TranslationLSTM.Attention.values()) {
            TranslationLSTM m = a == TranslationLSTM.Attention.ADDITIVE ? model : new TranslationLSTM(config(a, 0.3), new Generator(21));
            m.eval();
            try (var _ = GradMode.noGrad()) {
                float[] full = m.forward(IntTensor.of(src, 1, src.length), IntTensor.of(tgt, 1, tgt.length)).contiguous().toArray();
                TranslationModel.DecodingState state = m.startDecoding(IntTensor.of(src, 1, src.length));
                for (int t = 0; t < tgt.length; t++) {
                    float[] step = m.decodeStep(new int[] {tgt[t]}, state).toArray();
                    assertArrayEquals(Arrays.copyOfRange(full, t * V, (t + 1) * V), step, 1e-5f, a.label() + " position " + t);
                }
            }
        }
    }

    @Test
    void paddingDoesNotChangeASentencesResult() {
        int[] shortSrc = {5, 9, SubwordVocabulary.EOS_ID}, longSrc = {4, 5, 6, 7, 8, 9, SubwordVocabulary.EOS_ID};
        Translator t = new Translator(model);
        for (int beam : new int[] {1, 3}) {
            Translator.Hypothesis alone = t.beamSearch(List.of(shortSrc), beam, 0.6).getFirst();
            Translator.Hypothesis padded = t.beamSearch(List.of(longSrc, shortSrc), beam, 0.6).get(1);
            assertArrayEquals(alone.tokens(), padded.tokens(), "beam " + beam);
            assertEquals(alone.logProb(), padded.logProb(), 1e-4, "beam " + beam);
        }
        // The teacher-forced logits too: source padding leaks into neither direction of the encoder nor the attention.
        try (var _ = GradMode.noGrad()) {
            IntTensor tgt = IntTensor.of(new int[] {2, 9, 5}, 1, 3);
            float[] alone = model.forward(IntTensor.of(shortSrc, 1, 3), tgt).toArray();
            float[] padded = model.forward(IntTensor.of(new int[] {5, 9, 3, 0, 0}, 1, 5), tgt).toArray();
            assertArrayEquals(alone, padded, 1e-5f);
        }
    }

    @Test
    void attentionRowsAreDistributionsOverTheRealSourceTokens() {
        try (var _ = GradMode.noGrad()) {
            Tensor w = model.crossAttention(IntTensor.of(new int[] {5, 6, 7, SubwordVocabulary.EOS_ID, 0, 0}, 1, 6),
                    IntTensor.of(new int[] {SubwordVocabulary.BOS_ID, 7, 6}, 1, 3));
            assertArrayEquals(new int[] {1, 3, 6}, w.shape());
            for (int t = 0; t < 3; t++) {
                double sum = 0;
                for (int s = 0; s < 6; s++) sum += w.get(0, t, s);
                assertEquals(1.0, sum, 1e-5);
                assertEquals(0f, w.get(0, t, 4));
                assertEquals(0f, w.get(0, t, 5));
            }
            // Reversing: the first output (the source's last word, 7) looks mostly at position 2.
            assertTrue(w.get(0, 0, 2) > 0.3f, "weights " + Arrays.toString(w.select(1, 0).toArray()));
        }
    }

    @Test
    void everyParameterGetsAGradientAndTiedWeightsAreOneParameter() {
        TranslationLSTM m = new TranslationLSTM(config(TranslationLSTM.Attention.GENERAL, 0.2), new Generator(4));
        m.train();
        Tensor logits = m.forward(IntTensor.of(new int[] {5, 6, 3, 7, 3, 0}, 2, 3), IntTensor.of(new int[] {2, 5, 6, 2, 7, 0}, 2, 3));
        assertArrayEquals(new int[] {2, 3, V}, logits.shape());
        logits.sum().backward();
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) assertNotNull(e.getValue().grad(), e.getKey());
        assertSame(m.getParameter("src_embed.weight"), m.getParameter("generator.weight"));
        assertNotNull(m.getParameter("encoder.weight_hh_l1_reverse"));
        assertArrayEquals(new int[] {4 * 32, 32 + 32}, m.getParameter("decoder.0.weight_ih").shape());
        assertArrayEquals(new int[] {32, 64}, m.getParameter("combine.weight").shape());
        assertNotNull(m.getParameter("attention.key_proj.weight"));
        assertEquals(0f, m.getParameter("src_embed.weight").get(SubwordVocabulary.PAD_ID, 0));
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        // The whole model, every attention: encoder with padding, bridge, input feeding, attention, tied output.
        for (TranslationLSTM.Attention a : TranslationLSTM.Attention.values()) {
            TranslationLSTM m = new TranslationLSTM(new TranslationLSTM.Config(V, 4, 4, 2, a, 0, 8, true, true), new Generator(8));
            IntTensor src = IntTensor.of(new int[] {5, 6, 3, 7, 3, 0}, 2, 3), tgtIn = IntTensor.of(new int[] {2, 5, 6, 2, 7, 0}, 2, 3);
            IntTensor tgtOut = IntTensor.of(new int[] {5, 6, 3, 7, 3, 0}, 6);
            List<Parameter> params = m.parameters();
            dev.jgrad.autograd.GradCheck.check("TranslationLSTM " + a.label(), in -> Functional.crossEntropy(m.forward(src, tgtIn).reshape(6, V), tgtOut,
                    LossOptions.defaults().withIgnoreIndex(0)), new ArrayList<>(params),
                    dev.jgrad.autograd.GradCheck.Options.defaults().withEps(1e-2).withTolerance(2e-3, 2e-2));
        }
    }

    @Test
    void theConfigRoundTripsThroughMetadata() {
        for (TranslationLSTM.Attention a : TranslationLSTM.Attention.values()) {
            TranslationLSTM.Config c = new TranslationLSTM.Config(100, 32, 64, 3, a, 0.25, 50, false, false);
            Map<String, String> meta = c.toMetadata();
            assertEquals("TranslationLSTM", meta.get("model"));
            assertEquals(a.label(), meta.get("attention"));
            assertEquals(c, TranslationLSTM.Config.fromMetadata(meta, "test"));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> TranslationLSTM.Config.fromMetadata(Map.of("model", "TranslationTransformer"), "x.safetensors"));
        assertTrue(e.getMessage().contains("x.safetensors: not an LSTM translation model"), e.getMessage());
        Map<String, String> bad = new java.util.HashMap<>(model.config().toMetadata());
        bad.put("attention", "cosine");
        e = assertThrows(IllegalArgumentException.class, () -> TranslationLSTM.Config.fromMetadata(bad, "y.safetensors"));
        assertTrue(e.getMessage().contains("unknown attention 'cosine', expected additive, dot or general"), e.getMessage());
        TranslationLSTM separate = new TranslationLSTM(new TranslationLSTM.Config(V, 8, 8, 1, TranslationLSTM.Attention.DOT, 0, 8, false, false), new Generator(1));
        assertTrue(separate.namedParameters().containsKey("tgt_embed.weight"));
        assertTrue(separate.namedParameters().get("generator.weight") != separate.namedParameters().get("tgt_embed.weight"));
    }

    @Test
    void badInputsAreClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> model.forward(IntTensor.of(new int[] {5, 99}, 1, 2), IntTensor.of(new int[] {2}, 1, 1)));
        assertTrue(e.getMessage().contains("99") && e.getMessage().contains("outside the vocabulary"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.forward(IntTensor.of(new int[] {5, 0, 6}, 1, 3), IntTensor.of(new int[] {2}, 1, 1)));
        assertTrue(e.getMessage().contains("padding must come after a sentence's tokens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> model.forward(IntTensor.of(new int[] {5, 3}, 1, 2), IntTensor.of(new int[] {2, 2}, 2, 1)));
        assertTrue(e.getMessage().contains("different numbers of sentences"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TranslationLSTM.Config(V, 16, 24, 1, TranslationLSTM.Attention.DOT, 0, 16, true, true));
        assertTrue(e.getMessage().contains("embedding size 16 to equal the hidden size 24"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TranslationLSTM.Config(V, 16, 25, 1, TranslationLSTM.Attention.DOT, 0, 16, true, false));
        assertTrue(e.getMessage().contains("must be even"), e.getMessage());
        TranslationModel transformer = TranslationTransformerTest.model != null ? TranslationTransformerTest.model
                : new TranslationTransformer(new TranslationTransformer.Config(V, 8, 2, 1, 1, 16, 0, 16, true, false, false), new Generator(1));
        try (var _ = GradMode.noGrad()) {
            TranslationModel.DecodingState foreign = transformer.startDecoding(IntTensor.of(new int[] {5, 3}, 1, 2));
            e = assertThrows(IllegalArgumentException.class, () -> model.decodeStep(new int[] {2}, foreign));
            assertTrue(e.getMessage().contains("does not come from this model's startDecoding"), e.getMessage());
            TranslationModel.DecodingState own = model.startDecoding(IntTensor.of(new int[] {5, 3}, 1, 2));
            e = assertThrows(IllegalArgumentException.class, () -> model.decodeStep(new int[] {2, 2}, own));
            assertTrue(e.getMessage().contains("2 tokens for a decoding batch of 1"), e.getMessage());
            var oob = assertThrows(IndexOutOfBoundsException.class, () -> own.reorder(new int[] {1}));
            assertTrue(oob.getMessage().contains("row 1 is out of range for a decoding batch of 1"), oob.getMessage());
        }
    }
}
