package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Transformer layers and stacks: PyTorch's names, copies, pre/post-norm wiring, modes; PositionalEncoding. */
class TransformerTest {
    private final Generator gen = new Generator(11);

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

    private static TransformerLayerOptions.Builder small() {
        return TransformerEncoderLayer.options(8, 2).dimFeedforward(16).dropout(0.0);
    }

    @Test
    void layerNamesFollowPyTorch() {
        TransformerEncoderLayer enc = new TransformerEncoderLayer(small().build(), gen);
        assertEquals(List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
                "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"),
                new ArrayList<>(enc.stateDict().keySet()));
        assertEquals(List.of("", "self_attn", "self_attn.out_proj", "linear1", "dropout", "linear2", "norm1", "norm2", "dropout1", "dropout2"),
                new ArrayList<>(enc.namedModules().keySet()));
        TransformerDecoderLayer dec = new TransformerDecoderLayer(small().build(), gen);
        assertEquals(List.of("", "self_attn", "self_attn.out_proj", "multihead_attn", "multihead_attn.out_proj", "linear1", "dropout", "linear2",
                "norm1", "norm2", "norm3", "dropout1", "dropout2", "dropout3"), new ArrayList<>(dec.namedModules().keySet()));
    }

    @Test
    void transformerNamesAndFinalNorms() {
        Transformer t = new Transformer(small().build(), 2, 3, gen);
        var keys = t.stateDict().keySet();
        assertTrue(keys.contains("encoder.layers.1.self_attn.in_proj_weight"));
        assertTrue(keys.contains("encoder.norm.weight"));
        assertTrue(keys.contains("decoder.layers.2.multihead_attn.out_proj.bias"));
        assertTrue(keys.contains("decoder.norm.bias"));
        assertFalse(keys.contains("decoder.layers.3.norm1.weight"));
        assertEquals(2, t.encoder().layers().size());
        assertEquals(3, t.decoder().layers().size());
        // Xavier re-initialisation leaves no two layers equal
        assertFalse(java.util.Arrays.equals(t.encoder().layers().get(0).selfAttn().inProjWeight().toArray(),
                t.encoder().layers().get(1).selfAttn().inProjWeight().toArray()));
    }

    @Test
    void prototypeCopiesAreEqualButIndependent() {
        TransformerEncoderLayer proto = new TransformerEncoderLayer(small().build(), gen);
        TransformerEncoder enc = new TransformerEncoder(proto, 2, null);
        Parameter w0 = enc.layers().get(0).selfAttn().inProjWeight(), w1 = enc.layers().get(1).selfAttn().inProjWeight();
        assertArrayEquals(proto.selfAttn().inProjWeight().toArray(), w0.toArray());
        assertArrayEquals(w0.toArray(), w1.toArray());
        assertNotSame(w0, w1);
        assertNotSame(proto.selfAttn().inProjWeight(), w0);
        assertNull(enc.norm());
        assertFalse(enc.stateDict().containsKey("norm.weight"));
    }

    @Test
    void postNormAndPreNormWiring() {
        for (boolean normFirst : new boolean[] {false, true}) {
            TransformerEncoderLayer layer = new TransformerEncoderLayer(small().batchFirst().normFirst(normFirst).build(), gen);
            Tensor x = randn(2, 5, 8);
            AttentionMask pad = AttentionMask.keyPadding(new int[] {5, 3}, 5);
            LayerNorm n1 = (LayerNorm) layer.getSubmodule("norm1"), n2 = (LayerNorm) layer.getSubmodule("norm2");
            Linear l1 = (Linear) layer.getSubmodule("linear1"), l2 = (Linear) layer.getSubmodule("linear2");
            Tensor expected;
            if (normFirst) {
                Tensor h = n1.forward(x);
                Tensor a = x.add(layer.selfAttn().forward(h, h, h, AttentionArgs.builder().keyPaddingMask(pad).build()).output());
                expected = a.add(l2.forward(l1.forward(n2.forward(a)).relu()));
            } else {
                Tensor a = n1.forward(x.add(layer.selfAttn().forward(x, x, x, AttentionArgs.builder().keyPaddingMask(pad).build()).output()));
                expected = n2.forward(a.add(l2.forward(l1.forward(a).relu())));
            }
            assertAllClose(expected, layer.forward(x, AttentionArgs.builder().keyPaddingMask(pad).build()), 1e-5);
        }
    }

    @Test
    void encoderAppliesLayersThenNorm() {
        TransformerEncoder enc = new TransformerEncoder(i -> new TransformerEncoderLayer(small().build(), gen), 2, new LayerNorm(8));
        Tensor x = randn(4, 2, 8);
        Tensor expected = enc.norm().forward(enc.layers().get(1).forward(enc.layers().get(0).forward(x)));
        assertAllClose(expected, enc.forward(x), 1e-6);
    }

    @Test
    void dropoutIsActiveOnlyInTraining() {
        Transformer t = new Transformer(Transformer.options(8, 2).dimFeedforward(16).dropout(0.3).build(), 1, 1, gen);
        Tensor src = randn(4, 2, 8), tgt = randn(3, 2, 8);
        t.eval();
        Tensor a = t.forward(src, tgt), b = t.forward(src, tgt);
        assertAllClose(a, b, 0);
        t.train();
        Tensor c = t.forward(src, tgt);
        assertFalse(java.util.Arrays.equals(a.toArray(), c.toArray()));
    }

    @Test
    void transformerChecksBatchAndFeatureSizes() {
        Transformer t = new Transformer(small().build(), 1, 1, gen);
        var e = assertThrows(IllegalArgumentException.class, () -> t.forward(randn(4, 2, 8), randn(3, 3, 8)));
        assertTrue(e.getMessage().contains("[4, 2, 8]") && e.getMessage().contains("[3, 3, 8]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> t.forward(randn(4, 2, 8), randn(3, 2, 6)));
        assertTrue(e2.getMessage().contains("d_model 8"), e2.getMessage());
    }

    @Test
    void optionsValidate() {
        var e = assertThrows(IllegalArgumentException.class, () -> TransformerEncoderLayer.options(10, 4).build());
        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TransformerEncoderLayer.options(8, 2).activation("tanh"));
        assertThrows(IllegalArgumentException.class, () -> TransformerEncoderLayer.options(8, 2).dropout(1.0).build());
    }

    @Test
    void encoderLayerWithACacheEqualsTheFullCausalForward() {
        TransformerEncoderLayer layer = new TransformerEncoderLayer(small().batchFirst().normFirst().activation("gelu").build(), gen);
        Tensor x = randn(2, 5, 8);
        AttentionArgs causal = AttentionArgs.builder().causal().build();
        Tensor full = layer.forward(x, causal);
        KVCache cache = KVCache.forSelfAttention();
        List<Tensor> pieces = new ArrayList<>();
        try (var _ = dev.jgrad.autograd.GradMode.noGrad()) {
            int at = 0;
            for (int len : new int[] {2, 1, 2}) { // positions 0-1, 2, 3-4
                pieces.add(layer.forward(x.narrow(1, at, len), causal.toBuilder().cache(cache).build()));
                at += len;
            }
        }
        assertEquals(5, cache.length());
        assertAllClose(full, Tensor.cat(pieces, 1), 1e-5);
    }

    @Test
    void aMemoryOnlyCacheGivesTheUncachedOutputBitForBit() {
        // Greedy decoding that recomputes the prefix: with the memory's keys and values projected once, every step's
        // output must be exactly the uncached one, while the prefix grows and the self-attention is recomputed.
        TransformerDecoder decoder = new TransformerDecoder(new TransformerDecoderLayer(small().batchFirst().build(), gen), 2, new LayerNorm(new int[] {8}, 1e-5, true));
        decoder.eval();
        Tensor memory = randn(2, 6, 8), tgt = randn(2, 5, 8);
        AttentionArgs causal = AttentionArgs.builder().causal().build();
        AttentionArgs cross = AttentionArgs.builder().keyPaddingMask(AttentionMask.keyPadding(new int[] {6, 4}, 6)).build();
        DecoderCache cache = decoder.newMemoryCache();
        assertTrue(cache.isMemoryOnly());
        assertNull(cache.selfAttention(0));
        try (var _ = dev.jgrad.autograd.GradMode.noGrad()) {
            for (int len = 1; len <= 5; len++) {
                Tensor prefix = tgt.narrow(1, 0, len);
                assertArrayEquals(decoder.forward(prefix, memory, causal, cross).toArray(),
                        decoder.forward(prefix, memory, causal, cross, cache).toArray(), "prefix length " + len);
                assertEquals(0, cache.length(), "the whole prefix is passed every time");
                assertFalse(cache.crossAttention(1).isEmpty());
            }
        }
        cache.reorder(dev.jgrad.tensor.IntTensor.of(new int[] {1, 0}, 2));
        cache.clear();
        assertTrue(cache.crossAttention(0).isEmpty());
    }

    @Test
    void decoderLayerReturnsItsCrossAttentionWeightsWhenAsked() {
        for (boolean normFirst : new boolean[] {false, true}) {
            TransformerDecoderLayer layer = new TransformerDecoderLayer(small().batchFirst().normFirst(normFirst).build(), gen);
            Tensor tgt = randn(2, 3, 8), memory = randn(2, 4, 8);
            AttentionArgs causal = AttentionArgs.builder().causal().build();
            AttentionArgs cross = AttentionArgs.builder().keyPaddingMask(AttentionMask.keyPadding(new int[] {4, 2}, 4)).build();
            AttentionOutput plain = layer.forward(tgt, memory, causal, cross);
            assertNull(plain.weights());
            AttentionOutput withWeights = layer.forward(tgt, memory, causal, cross.toBuilder().needWeights().build());
            assertArrayEquals(plain.output().toArray(), withWeights.output().toArray(), "asking for the weights leaves the output as it is");

            // The cross-attention's query, spelt out: the target after the self-attention block.
            LayerNorm n1 = (LayerNorm) layer.getSubmodule("norm1"), n2 = (LayerNorm) layer.getSubmodule("norm2");
            AttentionArgs selfArgs = AttentionArgs.builder().causal().build();
            Tensor query;
            if (normFirst) {
                Tensor h = n1.forward(tgt);
                query = n2.forward(tgt.add(layer.selfAttn().forward(h, h, h, selfArgs).output()));
            } else {
                query = n1.forward(tgt.add(layer.selfAttn().forward(tgt, tgt, tgt, selfArgs).output()));
            }
            Tensor expected = layer.multiheadAttn().forward(query, memory, memory, cross.toBuilder().needWeights().build()).weights();
            assertArrayEquals(new int[] {2, 3, 4}, withWeights.weights().shape());
            assertAllClose(expected, withWeights.weights(), 1e-6);
            assertEquals(0f, withWeights.weights().get(1, 0, 3), "a padded memory position gets no weight");
        }
    }

    @Test
    void argsALayerCannotHonourAreClearErrors() {
        TransformerEncoderLayer enc = new TransformerEncoderLayer(small().build(), gen);
        Tensor x = randn(4, 2, 8);
        var e = assertThrows(IllegalArgumentException.class, () -> enc.forward(x, AttentionArgs.builder().needWeights().build()));
        assertTrue(e.getMessage().contains("needWeights"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> enc.forward(x, AttentionArgs.builder().cache(KVCache.forCrossAttention()).build()));
        assertTrue(e2.getMessage().contains("forSelfAttention"), e2.getMessage());
        TransformerEncoder stack = new TransformerEncoder(enc, 2, null);
        var e3 = assertThrows(IllegalArgumentException.class,
                () -> stack.forward(x, AttentionArgs.builder().cache(KVCache.forSelfAttention()).build()));
        assertTrue(e3.getMessage().contains("one layer"), e3.getMessage());
        TransformerDecoder decoder = new TransformerDecoder(new TransformerDecoderLayer(small().build(), gen), 2, null);
        var e4 = assertThrows(IllegalArgumentException.class,
                () -> decoder.forward(x, x, AttentionArgs.NONE, AttentionArgs.builder().needWeights().build()));
        assertTrue(e4.getMessage().contains("needWeights"), e4.getMessage());
        assertThrows(IllegalArgumentException.class, () -> decoder.forward(x, x, AttentionArgs.NONE, null));
    }

    @Test
    void squareSubsequentMask() {
        Tensor m = Transformer.generateSquareSubsequentMask(3);
        float inf = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new float[] {0, inf, inf, 0, 0, inf, 0, 0, 0}, m.toArray());
        assertArrayEquals(new float[] {0, 1, 1, 0, 0, 1, 0, 0, 0}, AttentionMask.causal(3).tensor().toArray());
    }

    @Test
    void positionalEncodingFollowsThePaper() {
        Tensor pe = PositionalEncoding.table(50, 6);
        for (int pos : new int[] {0, 1, 7, 49}) {
            for (int i = 0; i < 3; i++) {
                double angle = pos / Math.pow(10000, 2.0 * i / 6);
                assertEquals(Math.sin(angle), pe.get(pos, 2 * i), 1e-6);
                assertEquals(Math.cos(angle), pe.get(pos, 2 * i + 1), 1e-6);
            }
        }
        PositionalEncoding seqFirst = new PositionalEncoding(6, 0.0, 50, false);
        PositionalEncoding batchFirst = new PositionalEncoding(6, 0.0, 50, true);
        Tensor x = randn(4, 2, 6);
        Tensor y = seqFirst.forward(x);
        assertAllClose(x.add(pe.narrow(0, 0, 4).unsqueeze(1)), y, 1e-6);
        assertAllClose(y.transpose(0, 1), batchFirst.forward(x.transpose(0, 1)), 1e-6);
        // a later start, for incremental decoding
        assertAllClose(y.narrow(0, 2, 2), seqFirst.forward(x.narrow(0, 2, 2), 2), 1e-6);
        assertTrue(seqFirst.stateDict().isEmpty(), "the table is rebuilt, not saved");
        var e = assertThrows(IllegalArgumentException.class, () -> seqFirst.forward(randn(51, 1, 6)));
        assertTrue(e.getMessage().contains("50"), e.getMessage());
    }
}
