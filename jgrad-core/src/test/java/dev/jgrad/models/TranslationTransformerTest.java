package dev.jgrad.models;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.TranslationBatcher;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.LossOptions;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.TransformerLR;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.SubwordVocabulary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The translation model and its decoders on a task a tiny Transformer learns in seconds: copy a sequence of
 * tokens. Once trained, greedy decoding must copy unseen sequences, beam search with one beam must equal greedy,
 * and incremental decoding with the key/value cache must equal decoding from scratch at every step.
 */
class TranslationTransformerTest {
    static final int V = 14; // 4 specials and 10 "words"
    static TranslationTransformer model;

    static int[] randomSentence(Generator g, int minLen, int maxLen) {
        int n = minLen + g.nextInt(maxLen - minLen + 1);
        int[] s = new int[n];
        for (int i = 0; i < n; i++) s[i] = SubwordVocabulary.NUM_SPECIALS + g.nextInt(V - SubwordVocabulary.NUM_SPECIALS);
        return s;
    }

    static int[] withEos(int[] s) {
        int[] out = Arrays.copyOf(s, s.length + 1);
        out[s.length] = SubwordVocabulary.EOS_ID;
        return out;
    }

    static int[] bosEos(int[] s) {
        int[] out = new int[s.length + 2];
        out[0] = SubwordVocabulary.BOS_ID;
        System.arraycopy(s, 0, out, 1, s.length);
        out[s.length + 1] = SubwordVocabulary.EOS_ID;
        return out;
    }

    @BeforeAll
    static void trainToCopy() {
        Generator.manualSeed(11);
        model = new TranslationTransformer(new TranslationTransformer.Config(V, 32, 4, 2, 2, 64, 0.0, 16, true, true, false), new Generator(3));
        Generator g = new Generator(5);
        List<int[]> src = new ArrayList<>(), tgt = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            int[] s = randomSentence(g, 2, 6);
            src.add(withEos(s));
            tgt.add(bosEos(s));
        }
        TranslationBatcher batcher = new TranslationBatcher(src, tgt, 100);
        Adam adam = new Adam(model.parameters(), Adam.options(1.0).withBetas(0.9, 0.98).withEps(1e-9));
        TransformerLR sched = new TransformerLR(adam, 32, 100, 0.5);
        LossOptions lo = LossOptions.defaults().withIgnoreIndex(SubwordVocabulary.PAD_ID).withLabelSmoothing(0.1);
        Generator order = new Generator(7);
        for (int epoch = 0; epoch < 10; epoch++) {
            for (int[] idx : batcher.epoch(order)) {
                TranslationBatcher.Batch b = batcher.batch(idx);
                adam.zeroGrad();
                int n = b.targetIn().numel();
                Tensor loss = Functional.crossEntropy(model.forward(b.source(), b.targetIn()).reshape(n, V), b.targetOut().reshape(n), lo);
                loss.backward();
                adam.step();
                sched.step();
            }
        }
        model.eval();
    }

    static List<int[]> testSources(int count, long seed) {
        Generator g = new Generator(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(withEos(randomSentence(g, 2, 6)));
        return out;
    }

    @Test
    void greedyDecodingLearnsToCopy() {
        List<int[]> sources = testSources(30, 99);
        List<Translator.Hypothesis> hyps = new Translator(model).greedy(sources);
        int exact = 0;
        for (int i = 0; i < sources.size(); i++) {
            int[] s = sources.get(i);
            if (Arrays.equals(Arrays.copyOf(s, s.length - 1), hyps.get(i).tokens())) exact++;
        }
        assertTrue(exact >= 20, "copied exactly: " + exact + " of 30");
    }

    @Test
    void beamOneEqualsGreedy() {
        List<int[]> sources = testSources(20, 42);
        Translator t = new Translator(model);
        List<Translator.Hypothesis> greedy = t.greedy(sources), beam = t.beamSearch(sources, 1, 0.0);
        for (int i = 0; i < sources.size(); i++) {
            assertArrayEquals(greedy.get(i).tokens(), beam.get(i).tokens(), "sentence " + i);
            assertEquals(greedy.get(i).logProb(), beam.get(i).logProb(), 1e-5, "sentence " + i);
            assertEquals(greedy.get(i).finished(), beam.get(i).finished());
        }
    }

    @Test
    void beamHypothesesScoreAsTeacherForcedAndKeepTheBatchOrder() {
        List<int[]> sources = testSources(12, 8);
        Translator t = new Translator(model);
        List<Translator.Hypothesis> beam4 = t.beamSearch(sources, 4, 0.0);
        // Each hypothesis' log-probability, accumulated step by step through the reordered key/value caches, is what
        // the full teacher-forced forward gives its tokens (and its end). Whether a wider beam beats greedy is not
        // tested here: with fairseq's stopping rule it need not (TranslatorTest covers the search on a known model).
        for (int i = 0; i < sources.size(); i++) {
            assertEquals(TranslatorTest.teacherForcedLogProb(model, sources.get(i), beam4.get(i)), beam4.get(i).logProb(), 1e-4, "sentence " + i + ": " + beam4.get(i));
        }
        // One at a time gives the same as all together (rows of other sentences do not leak in).
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(beam4.get(i).tokens(), t.beamSearch(List.of(sources.get(i)), 4, 0.0).getFirst().tokens());
        }
        // translate() sorts by length for batching and puts the results back in order.
        List<Translator.Hypothesis> batched = t.translate(sources, 4, 0.0, 5);
        for (int i = 0; i < sources.size(); i++) assertArrayEquals(beam4.get(i).tokens(), batched.get(i).tokens());
    }

    @Test
    void cachedIncrementalDecodingEqualsRecomputingThePrefix() {
        List<int[]> sources = testSources(6, 17);
        List<Translator.Hypothesis> cached = new Translator(model).greedy(sources);
        // Uncached greedy: the whole prefix through the full (teacher-forced) forward at every step.
        for (int i = 0; i < sources.size(); i++) {
            int[] src = sources.get(i);
            List<Integer> prefix = new ArrayList<>(List.of(SubwordVocabulary.BOS_ID));
            double logProb = 0;
            List<Integer> out = new ArrayList<>();
            try (var _ = GradMode.noGrad()) {
                int maxLen = Math.min((int) Math.floor(1.5 * src.length) + 10, model.config().maxLen());
                for (int step = 0; step < maxLen; step++) {
                    int[] p = prefix.stream().mapToInt(Integer::intValue).toArray();
                    Tensor logits = model.forward(IntTensor.of(src.clone(), 1, src.length), IntTensor.of(p, 1, p.length));
                    float[] lp = logits.select(1, p.length - 1).logSoftmax(-1).contiguous().toArray();
                    int best = -1;
                    for (int v = 0; v < V; v++) {
                        if (v == SubwordVocabulary.PAD_ID || v == SubwordVocabulary.BOS_ID) continue;
                        if (best < 0 || lp[v] > lp[best]) best = v;
                    }
                    logProb += lp[best];
                    if (best == SubwordVocabulary.EOS_ID) break;
                    out.add(best);
                    prefix.add(best);
                }
            }
            assertArrayEquals(out.stream().mapToInt(Integer::intValue).toArray(), cached.get(i).tokens(), "sentence " + i);
            assertEquals(logProb, cached.get(i).logProb(), 1e-4, "sentence " + i);
        }
    }

    @Test
    void cachedStepLogitsEqualTheFullForward() {
        int[] src = {5, 6, 7, 8, SubwordVocabulary.EOS_ID};
        int[] tgt = {SubwordVocabulary.BOS_ID, 8, 7, 6, 5};
        try (var _ = GradMode.noGrad()) {
            float[] full = model.forward(IntTensor.of(src, 1, 5), IntTensor.of(tgt, 1, 5)).contiguous().toArray();
            IntTensor s = IntTensor.of(src, 1, 5);
            var padding = TranslationTransformer.sourcePadding(s);
            Tensor memory = model.encode(s, padding);
            var cache = model.newCache();
            for (int t = 0; t < tgt.length; t++) {
                float[] step = model.decodeStep(new int[] {tgt[t]}, t == 0 ? memory : null, padding, cache).toArray();
                assertArrayEquals(Arrays.copyOfRange(full, t * V, (t + 1) * V), step, 1e-4f, "position " + t);
            }
        }
    }

    @Test
    void paddingDoesNotChangeASentencesResult() {
        // The same source alone and in a batch with a longer one (so it is padded) decodes the same.
        int[] shortSrc = {5, 9, SubwordVocabulary.EOS_ID}, longSrc = {4, 5, 6, 7, 8, 9, SubwordVocabulary.EOS_ID};
        Translator t = new Translator(model);
        Translator.Hypothesis alone = t.greedy(List.of(shortSrc)).getFirst();
        Translator.Hypothesis padded = t.greedy(List.of(longSrc, shortSrc)).get(1);
        assertArrayEquals(alone.tokens(), padded.tokens());
        assertEquals(alone.logProb(), padded.logProb(), 1e-4);
    }

    @Test
    void crossAttentionRowsAreDistributionsOverTheRealSourceTokens() {
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
        }
    }

    @Test
    void tiedEmbeddingsAreOneParameterAndTheConfigRoundTrips() {
        var c = model.config();
        assertEquals(c, TranslationTransformer.Config.fromMetadata(c.toMetadata(), "test"));
        assertSame(model.getParameter("src_embed.weight"), model.getParameter("generator.weight"));
        assertTrue(model.stateDict().containsKey("generator.weight"));
        assertNotNull(model.getParameter("transformer.encoder.layers.0.self_attn.in_proj_weight"));
        var e = assertThrows(IllegalArgumentException.class, () -> TranslationTransformer.Config.fromMetadata(java.util.Map.of("model", "CharLSTM"), "x.safetensors"));
        assertTrue(e.getMessage().contains("not a translation model"), e.getMessage());
    }

    @Test
    void badInputsAreClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> model.forward(IntTensor.of(new int[] {5, 99}, 1, 2), IntTensor.of(new int[] {2}, 1, 1)));
        assertTrue(e.getMessage().contains("99") && e.getMessage().contains("outside the vocabulary"), e.getMessage());
        int[] tooLong = new int[20];
        Arrays.fill(tooLong, 5);
        e = assertThrows(IllegalArgumentException.class, () -> model.forward(IntTensor.of(tooLong, 1, 20), IntTensor.of(new int[] {2}, 1, 1)));
        assertTrue(e.getMessage().contains("maximum length 16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Translator(model).beamSearch(List.of(new int[] {5, 3}), 0, 0.6));
        assertTrue(e.getMessage().contains("beam size"), e.getMessage());
    }

    @Test
    void lengthPenaltyIsGnmts() {
        assertEquals(1.0, Translator.lengthPenalty(1, 0.6), 1e-12);
        assertEquals(Math.pow(15 / 6.0, 0.6), Translator.lengthPenalty(10, 0.6), 1e-12);
        assertEquals(1.0, Translator.lengthPenalty(10, 0.0), 1e-12);
    }
}
