package dev.jgrad.nn;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Scaled dot-product attention and MultiheadAttention: values against a plain composite, mask semantics,
 * fully masked rows, shapes and error messages, and the key/value cache.
 */
class AttentionTest {
    private final Generator gen = new Generator(7);

    private Tensor randn(int... shape) {
        return Tensor.normal(0f, 1f, gen, shape);
    }

    private static void assertAllClose(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        float[] e = expected.toArray(), a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= tol * (1 + Math.abs(e[i])), "element " + i + ": expected " + e[i] + ", got " + a[i]);
        }
    }

    /** softmax(q k^T / sqrt(E) + mask) v from basic ops. */
    private static Tensor naive(Tensor q, Tensor k, Tensor v, Tensor additiveMask) {
        Tensor s = q.matmul(k.transpose(-2, -1)).mul((float) (1 / Math.sqrt(q.size(-1))));
        if (additiveMask != null) s = s.add(additiveMask);
        return s.softmax(-1).matmul(v);
    }

    // ---------------------------------------------------------------- scaled dot-product attention

    @Test
    void sdpaMatchesTheFormula() {
        Tensor q = randn(2, 3, 4, 8), k = randn(2, 3, 5, 8), v = randn(2, 3, 5, 6);
        AttentionOutput o = Functional.scaledDotProductAttention(q, k, v);
        assertArrayEquals(new int[] {2, 3, 4, 6}, o.output().shape());
        assertArrayEquals(new int[] {2, 3, 4, 5}, o.weights().shape());
        assertAllClose(naive(q, k, v, null), o.output(), 1e-5);
        assertAllClose(Tensor.ones(2, 3, 4), o.weights().sum(-1, false), 1e-6);
    }

    @Test
    void sdpaBroadcastsBatchDimsAndTakesAScale() {
        Tensor q = randn(2, 1, 3, 4), k = randn(5, 4), v = randn(5, 2);
        Tensor out = Functional.scaledDotProductAttention(q, k, v, null, 0.0, false, 0.25, gen).output();
        Tensor expected = q.matmul(k.t()).mul(0.25f).softmax(-1).matmul(v);
        assertAllClose(expected, out, 1e-5);
    }

    @Test
    void boolMaskHidesNonzeroPositionsLikeAnAdditiveMinusInfinity() {
        Tensor q = randn(2, 3, 4), k = randn(2, 5, 4), v = randn(2, 5, 4);
        Tensor bool = Tensor.of(new float[] {0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0}, 3, 5);
        AttentionOutput viaBool = Functional.scaledDotProductAttention(q, k, v, AttentionMask.bool(bool), 0.0, false);
        AttentionOutput viaAdditive = Functional.scaledDotProductAttention(q, k, v, AttentionMask.additive(AttentionMask.bool(bool).toAdditive()),
                0.0, false);
        assertAllClose(viaAdditive.output(), viaBool.output(), 1e-6);
        float[] w = viaBool.weights().toArray(), m = bool.toArray();
        for (int i = 0; i < w.length; i++) {
            if (m[i % 15] != 0) assertEquals(0f, w[i], "masked weight " + i);
            else assertTrue(w[i] > 0, "unmasked weight " + i);
        }
        Tensor additive = Tensor.where(bool, Tensor.scalar(Float.NEGATIVE_INFINITY), Tensor.scalar(0f));
        assertAllClose(naive(q, k, v, additive), viaBool.output(), 1e-5);
    }

    @Test
    void anyNonzeroValueMasksInABoolMask() {
        Tensor q = randn(1, 2, 4), k = randn(1, 3, 4), v = randn(1, 3, 4);
        Tensor ones = Tensor.of(new float[] {0, 1, 0, 0, 0, 1}, 2, 3), other = Tensor.of(new float[] {0, -2, 0, 0, 0, 0.5f}, 2, 3);
        assertAllClose(Functional.scaledDotProductAttention(q, k, v, AttentionMask.bool(ones), 0, false).output(),
                Functional.scaledDotProductAttention(q, k, v, AttentionMask.bool(other), 0, false).output(), 0);
    }

    @Test
    void additiveMaskBiasesScores() {
        Tensor q = randn(2, 3, 4), k = randn(2, 5, 4), v = randn(2, 5, 4), bias = randn(3, 5);
        Tensor out = Functional.scaledDotProductAttention(q, k, v, AttentionMask.additive(bias), 0.0, false).output();
        assertAllClose(naive(q, k, v, bias), out, 1e-5);
    }

    @Test
    void isCausalEqualsTheSquareSubsequentMask() {
        Tensor q = randn(2, 2, 5, 4), k = randn(2, 2, 5, 4), v = randn(2, 2, 5, 4);
        Tensor causal = Functional.scaledDotProductAttention(q, k, v, null, 0.0, true).output();
        Tensor viaMask = Functional.scaledDotProductAttention(q, k, v, AttentionMask.additive(Transformer.generateSquareSubsequentMask(5)), 0.0, false).output();
        Tensor viaBool = Functional.scaledDotProductAttention(q, k, v, AttentionMask.causal(5), 0.0, false).output();
        assertAllClose(viaMask, causal, 1e-6);
        assertAllClose(viaMask, viaBool, 1e-6);
        // the first query sees only the first key
        assertAllClose(v.narrow(2, 0, 1), causal.narrow(2, 0, 1), 1e-6);
    }

    @Test
    void causalWithMoreKeysThanQueriesIsTopLeftAlignedAsInPyTorch() {
        Tensor q = randn(2, 4), k = randn(5, 4), v = randn(5, 4);
        Tensor w = Functional.scaledDotProductAttention(q, k, v, null, 0.0, true).weights();
        assertEquals(0f, w.get(0, 1));
        assertTrue(w.get(1, 1) > 0);
        assertEquals(0f, w.get(1, 2));
    }

    @Test
    void fullyMaskedRowsGiveZeroWeightsAndNoNaNInGradients() {
        Tensor q = randn(2, 3, 4).requiresGrad(true), k = randn(2, 5, 4).requiresGrad(true), v = randn(2, 5, 4).requiresGrad(true);
        float[] m = new float[2 * 3 * 5];
        for (int j = 0; j < 5; j++) m[(1 * 3 + 2) * 5 + j] = 1; // batch 1, query 2: every key masked
        m[0] = 1;
        AttentionOutput o = Functional.scaledDotProductAttention(q, k, v, AttentionMask.bool(Tensor.of(m, 2, 3, 5)), 0.0, false);
        for (int j = 0; j < 5; j++) assertEquals(0f, o.weights().get(1, 2, j));
        for (int e = 0; e < 4; e++) assertEquals(0f, o.output().get(1, 2, e));
        o.output().mul(randn(2, 3, 4)).sum().backward();
        for (Tensor t : List.of(q, k, v)) {
            for (float g : t.grad().toArray()) assertTrue(Float.isFinite(g), "gradient must stay finite");
        }
        for (int e = 0; e < 4; e++) assertEquals(0f, q.grad().get(1, 2, e), "a fully masked query gets no gradient");
    }

    @Test
    void sdpaErrorsNameTheShapes() {
        Tensor q = randn(2, 3, 4), k = randn(2, 5, 6), v = randn(2, 5, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> Functional.scaledDotProductAttention(q, k, v));
        assertTrue(e.getMessage().contains("[2, 3, 4]") && e.getMessage().contains("[2, 5, 6]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Functional.scaledDotProductAttention(q, randn(2, 5, 4), randn(2, 6, 4)));
        assertTrue(e2.getMessage().contains("[2, 5, 4]") && e2.getMessage().contains("[2, 6, 4]"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> Functional.scaledDotProductAttention(q, v, v,
                AttentionMask.bool(Tensor.zeros(3, 4)), 0.0, false));
        assertTrue(e3.getMessage().contains("[3, 4]") && e3.getMessage().contains("[2, 3, 5]"), e3.getMessage());
    }

    @Test
    void dropoutOnWeightsOnlyWhenAsked() {
        Tensor q = randn(1, 4, 4), k = randn(1, 6, 4), v = randn(1, 6, 4);
        Tensor w = Functional.scaledDotProductAttention(q, k, v, null, 0.5, false, 0.5, new Generator(3)).weights();
        int zeros = 0;
        for (float x : w.toArray()) if (x == 0f) zeros++;
        assertTrue(zeros > 0, "dropout 0.5 zeroes some weights");
        Tensor again = Functional.scaledDotProductAttention(q, k, v, null, 0.5, false, 0.5, new Generator(3)).weights();
        assertAllClose(w, again, 0);
    }

    // ---------------------------------------------------------------- MultiheadAttention

    @Test
    void parametersHavePyTorchNamesAndShapes() {
        MultiheadAttention mha = new MultiheadAttention(8, 2);
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"), new ArrayList<>(mha.stateDict().keySet()));
        assertArrayEquals(new int[] {24, 8}, mha.inProjWeight().shape());
        assertArrayEquals(new int[] {24}, mha.inProjBias().shape());
        for (float b : mha.inProjBias().toArray()) assertEquals(0f, b);
        for (float b : mha.outProj().bias().toArray()) assertEquals(0f, b);
        MultiheadAttention noBias = new MultiheadAttention(MultiheadAttention.options(8, 2).bias(false).build());
        assertEquals(List.of("in_proj_weight", "out_proj.weight"), new ArrayList<>(noBias.stateDict().keySet()));
    }

    @Test
    void embedDimMustBeDivisibleByNumHeads() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MultiheadAttention(10, 3));
        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("3") && e.getMessage().contains("divisible"), e.getMessage());
    }

    /** MultiheadAttention spelt out: project, split heads, attend, merge, project. */
    private static Tensor naiveMha(MultiheadAttention m, Tensor q, Tensor k, Tensor v, Tensor additiveMask) {
        int E = m.embedDim(), H = m.numHeads(), D = E / H;
        Tensor w = m.inProjWeight(), b = m.inProjBias();
        Tensor qp = Functional.linear(q, w.narrow(0, 0, E), b.narrow(0, 0, E));
        Tensor kp = Functional.linear(k, w.narrow(0, E, E), b.narrow(0, E, E));
        Tensor vp = Functional.linear(v, w.narrow(0, 2 * E, E), b.narrow(0, 2 * E, E));
        List<Tensor> heads = new ArrayList<>();
        for (int h = 0; h < H; h++) {
            heads.add(naive(qp.narrow(-1, h * D, D), kp.narrow(-1, h * D, D), vp.narrow(-1, h * D, D), additiveMask));
        }
        return m.outProj().forward(Tensor.cat(heads, -1));
    }

    @Test
    void mhaMatchesTheSpeltOutComputationBatchFirstAndNot() {
        MultiheadAttention bf = new MultiheadAttention(MultiheadAttention.options(8, 2).batchFirst().build(), gen);
        Tensor x = randn(3, 5, 8), mem = randn(3, 4, 8);
        assertAllClose(naiveMha(bf, x, x, x, null), bf.forward(x, x, x).output(), 1e-5);
        assertAllClose(naiveMha(bf, x, mem, mem, null), bf.forward(x, mem, mem).output(), 1e-5);

        MultiheadAttention sf = new MultiheadAttention(MultiheadAttention.options(8, 2).build(), gen);
        sf.loadStateDict(bf.stateDict());
        Tensor xs = x.transpose(0, 1), ms = mem.transpose(0, 1);
        AttentionOutput o = sf.forward(xs, ms, ms);
        assertArrayEquals(new int[] {5, 3, 8}, o.output().shape());
        assertAllClose(bf.forward(x, mem, mem).output().transpose(0, 1), o.output(), 1e-5);
        assertArrayEquals(new int[] {3, 5, 4}, o.weights().shape());
    }

    @Test
    void weightsAveragedOrPerHeadOrNone() {
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.options(8, 4).batchFirst().build(), gen);
        Tensor x = randn(2, 3, 8), mem = randn(2, 6, 8);
        Tensor perHead = mha.forward(x, mem, mem, AttentionArgs.builder().needWeights().averageAttnWeights(false).build()).weights();
        assertArrayEquals(new int[] {2, 4, 3, 6}, perHead.shape());
        Tensor avg = mha.forward(x, mem, mem).weights();
        assertAllClose(perHead.mean(1, false), avg, 1e-6);
        assertNull(mha.forward(x, mem, mem, AttentionArgs.NONE).weights());
    }

    @Test
    void keyPaddingMaskAndAttnMaskCombine() {
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.options(4, 2).batchFirst().build(), gen);
        Tensor x = randn(2, 4, 4);
        AttentionMask padding = AttentionMask.keyPadding(new int[] {4, 2}, 4);
        Tensor w = mha.forward(x, x, x, AttentionArgs.builder().keyPaddingMask(padding).attnMask(AttentionMask.causal(4)).needWeights().build())
                .weights();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                boolean hidden = j > i;
                assertEquals(hidden, w.get(0, i, j) == 0f, "batch 0 query " + i + " key " + j);
                assertEquals(hidden || j >= 2, w.get(1, i, j) == 0f, "batch 1 query " + i + " key " + j);
            }
        }
        // causal does the same without a mask tensor
        Tensor viaFlag = mha.forward(x, x, x, AttentionArgs.builder().keyPaddingMask(padding).causal().needWeights().build()).weights();
        assertAllClose(w, viaFlag, 1e-6);
        // an additive key padding mask of -inf is the same as a bool one
        Tensor viaAdditive = mha.forward(x, x, x, AttentionArgs.builder().keyPaddingMask(AttentionMask.additive(padding.toAdditive()))
                .attnMask(AttentionMask.causal(4)).needWeights().build()).weights();
        assertAllClose(w, viaAdditive, 1e-6);
    }

    @Test
    void paddingMaskFromTokenIds() {
        AttentionMask m = AttentionMask.padding(IntTensor.of(new int[] {5, 3, 0, 0, 7, 0}, 2, 3), 0);
        assertTrue(m.isBool());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 1}, m.tensor().toArray());
    }

    @Test
    void fullyPaddedSequenceGivesTheOutputBiasAndTrainsWithoutNaN() {
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.options(4, 2).batchFirst().build(), gen);
        Init.uniform(mha.outProj().bias(), -1, 1, gen);
        Tensor x = randn(2, 3, 4);
        AttentionOutput o = mha.forward(x, x, x, AttentionArgs.builder().keyPaddingMask(AttentionMask.keyPadding(new int[] {3, 0}, 3)).needWeights().build());
        for (int i = 0; i < 3; i++) assertAllClose(mha.outProj().bias(), o.output().select(0, 1).select(0, i), 0);
        o.output().sum().backward();
        for (Parameter p : mha.parameters()) {
            for (float g : p.grad().toArray()) assertTrue(Float.isFinite(g), "gradient of a parameter is not finite");
        }
    }

    @Test
    void maskShapeErrorsNameBothShapes() {
        MultiheadAttention mha = new MultiheadAttention(4, 2);
        Tensor q = randn(3, 2, 4), kv = randn(5, 2, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> mha.forward(q, kv, kv, AttentionArgs.builder().attnMask(AttentionMask.bool(Tensor.zeros(3, 4))).needWeights().build()));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[3, 5]"), e.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> mha.forward(q, kv, kv, AttentionArgs.builder().attnMask(AttentionMask.bool(Tensor.zeros(2, 3, 5))).needWeights().build()));
        assertTrue(e3.getMessage().contains("[2, 3, 5]") && e3.getMessage().contains("[4, 3, 5]"), e3.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> mha.forward(q, kv, kv, AttentionArgs.builder().keyPaddingMask(AttentionMask.bool(Tensor.zeros(2, 3))).needWeights().build()));
        assertTrue(e2.getMessage().contains("[2, 3]") && e2.getMessage().contains("[2, 5]"), e2.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> mha.forward(randn(3, 2, 6), kv, kv));
        assertTrue(e4.getMessage().contains("[3, 2, 6]"), e4.getMessage());
        var e5 = assertThrows(IllegalArgumentException.class, () -> mha.forward(q, randn(5, 3, 4), randn(5, 3, 4)));
        assertTrue(e5.getMessage().contains("batch size"), e5.getMessage());
    }

    @Test
    void unbatchedInput() {
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.options(4, 2).build(), gen);
        Tensor x = randn(5, 4);
        AttentionOutput o = mha.forward(x, x, x, AttentionArgs.builder().keyPaddingMask(AttentionMask.keyPadding(new int[] {3}, 5).reshape(5)).needWeights().build());
        assertArrayEquals(new int[] {5, 4}, o.output().shape());
        assertArrayEquals(new int[] {5, 5}, o.weights().shape());
        AttentionOutput batched = mha.forward(x.unsqueeze(1), x.unsqueeze(1), x.unsqueeze(1), AttentionArgs.builder().keyPaddingMask(AttentionMask.keyPadding(new int[] {3}, 5)).needWeights().build());
        assertAllClose(batched.output().squeeze(1), o.output(), 1e-6);
    }

    @Test
    void attentionDropoutOnlyInTraining() {
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.options(4, 2).dropout(0.5).batchFirst().build(), gen);
        Tensor x = randn(2, 6, 4);
        Tensor eval1, eval2;
        mha.eval();
        eval1 = mha.forward(x, x, x).output();
        eval2 = mha.forward(x, x, x).output();
        assertAllClose(eval1, eval2, 0);
        mha.train();
        Generator.manualSeed(1);
        Tensor train = mha.forward(x, x, x).output();
        boolean differs = false;
        float[] a = eval1.toArray(), b = train.toArray();
        for (int i = 0; i < a.length; i++) differs |= a[i] != b[i];
        assertTrue(differs, "dropout changes the output in training");
    }

    // ---------------------------------------------------------------- incremental decoding

    @Test
    void selfAttentionCacheStepByStepEqualsTheFullCausalComputation() {
        for (boolean batchFirst : new boolean[] {true, false}) {
            MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.options(8, 2).batchFirst(batchFirst).build(), gen);
            int T = 5, B = 2, seqDim = batchFirst ? 1 : 0;
            Tensor x = batchFirst ? randn(B, T, 8) : randn(T, B, 8);
            Tensor full = mha.forward(x, x, x, AttentionArgs.builder().causal().build()).output();
            KVCache cache = KVCache.forSelfAttention();
            List<Tensor> steps = new ArrayList<>();
            try (var _ = GradMode.noGrad()) {
                for (int t = 0; t < T; t++) {
                    Tensor xt = x.narrow(seqDim, t, 1);
                    steps.add(mha.forward(xt, xt, xt, AttentionArgs.builder().causal().cache(cache).build()).output());
                    assertEquals(t + 1, cache.length());
                }
            }
            assertAllClose(full, Tensor.cat(steps, seqDim), 1e-5);
        }
    }

    @Test
    void cacheTakesChunksOfSeveralPositions() {
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.options(8, 2).batchFirst().build(), gen);
        Tensor x = randn(2, 6, 8);
        Tensor full = mha.forward(x, x, x, AttentionArgs.builder().causal().build()).output();
        KVCache cache = KVCache.forSelfAttention();
        Tensor a = x.narrow(1, 0, 4), b = x.narrow(1, 4, 2);
        Tensor first = mha.forward(a, a, a, AttentionArgs.builder().causal().cache(cache).build()).output();
        Tensor second = mha.forward(b, b, b, AttentionArgs.builder().causal().cache(cache).build()).output();
        assertAllClose(full, Tensor.cat(List.of(first, second), 1), 1e-5);
    }

    @Test
    void decoderWithCacheEqualsFullDecodingAndFollowsReorder() {
        for (boolean normFirst : new boolean[] {false, true}) {
            TransformerLayerOptions opt = TransformerDecoderLayer.options(8, 2).dimFeedforward(16).dropout(0.0)
                    .batchFirst().normFirst(normFirst).activation("gelu").build();
            TransformerDecoder decoder = new TransformerDecoder(i -> new TransformerDecoderLayer(opt, gen), 2, new LayerNorm(8));
            int B = 3, T = 4, S = 5;
            Tensor tgt = randn(B, T, 8), memory = randn(B, S, 8);
            AttentionMask memoryPadding = AttentionMask.keyPadding(new int[] {5, 3, 4}, S);
            AttentionArgs causal = AttentionArgs.builder().causal().build();
            AttentionArgs cross = AttentionArgs.builder().keyPaddingMask(memoryPadding).build();
            Tensor full = decoder.forward(tgt, memory, causal, cross);
            Tensor viaMask = decoder.forward(tgt, memory, AttentionArgs.builder().attnMask(AttentionMask.causal(T)).build(), cross);
            assertAllClose(full, viaMask, 1e-6);

            DecoderCache cache = decoder.newCache();
            List<Tensor> steps = new ArrayList<>();
            try (var _ = GradMode.noGrad()) {
                for (int t = 0; t < T; t++) {
                    steps.add(decoder.forward(tgt.narrow(1, t, 1), t == 0 ? memory : null, causal, cross, cache));
                }
            }
            assertEquals(T, cache.length());
            assertAllClose(full, Tensor.cat(steps, 1), 1e-5);

            // Beam search reorders the batch: the cache must follow, memory rows included.
            int[] order = {2, 0, 0};
            DecoderCache c2 = decoder.newCache();
            Tensor reorderedTgt = tgt.indexSelect(0, IntTensor.of(order));
            Tensor reorderedMemory = memory.indexSelect(0, IntTensor.of(order));
            AttentionMask reorderedPadding = AttentionMask.keyPadding(new int[] {4, 5, 5}, S);
            AttentionArgs reorderedCross = AttentionArgs.builder().keyPaddingMask(reorderedPadding).build();
            Tensor expected = decoder.forward(reorderedTgt, reorderedMemory, causal, reorderedCross);
            try (var _ = GradMode.noGrad()) {
                decoder.forward(tgt.narrow(1, 0, 2), memory, causal, cross, c2);
                c2.reorder(IntTensor.of(order));
                Tensor last = decoder.forward(reorderedTgt.narrow(1, 2, 2), null, causal, reorderedCross, c2);
                assertAllClose(expected.narrow(1, 2, 2), last, 1e-5);
            }
        }
    }

    @Test
    void cacheErrors() {
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.options(4, 2).batchFirst().build(), gen);
        KVCache cache = KVCache.forSelfAttention();
        Tensor x = randn(2, 1, 4);
        mha.forward(x, x, x, AttentionArgs.builder().causal().cache(cache).build());
        Tensor y = randn(3, 1, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> mha.forward(y, y, y, AttentionArgs.builder().causal().cache(cache).build()));
        assertTrue(e.getMessage().contains("batch size 3") && e.getMessage().contains("2"), e.getMessage());
        TransformerDecoderLayer layer = new TransformerDecoderLayer(TransformerDecoderLayer.options(4, 2).dropout(0).build());
        AttentionArgs wrongCache = AttentionArgs.builder().causal().cache(KVCache.forCrossAttention()).build();
        var e2 = assertThrows(IllegalArgumentException.class, () -> layer.forward(x, x, wrongCache, AttentionArgs.NONE));
        assertTrue(e2.getMessage().contains("forSelfAttention"), e2.getMessage());
    }
}
