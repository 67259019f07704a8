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

    private static TransformerLayerOptions small() {
        return TransformerLayerOptions.of(8, 2).withDimFeedforward(16).withDropout(0.0);
    }

    @Test
    void layerNamesFollowPyTorch() {
        TransformerEncoderLayer enc = new TransformerEncoderLayer(small(), gen);
        assertEquals(List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
                "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"),
                new ArrayList<>(enc.stateDict().keySet()));
        assertEquals(List.of("", "self_attn", "self_attn.out_proj", "linear1", "dropout", "linear2", "norm1", "norm2", "dropout1", "dropout2"),
                new ArrayList<>(enc.namedModules().keySet()));
        TransformerDecoderLayer dec = new TransformerDecoderLayer(small(), gen);
        assertEquals(List.of("", "self_attn", "self_attn.out_proj", "multihead_attn", "multihead_attn.out_proj", "linear1", "dropout", "linear2",
                "norm1", "norm2", "norm3", "dropout1", "dropout2", "dropout3"), new ArrayList<>(dec.namedModules().keySet()));
    }

    @Test
    void transformerNamesAndFinalNorms() {
        Transformer t = new Transformer(small(), 2, 3, gen);
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
        TransformerEncoderLayer proto = new TransformerEncoderLayer(small(), gen);
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
            TransformerEncoderLayer layer = new TransformerEncoderLayer(small().withBatchFirst(true).withNormFirst(normFirst), gen);
            Tensor x = randn(2, 5, 8);
            AttentionMask pad = AttentionMask.keyPadding(new int[] {5, 3}, 5);
            LayerNorm n1 = (LayerNorm) layer.getSubmodule("norm1"), n2 = (LayerNorm) layer.getSubmodule("norm2");
            Linear l1 = (Linear) layer.getSubmodule("linear1"), l2 = (Linear) layer.getSubmodule("linear2");
            Tensor expected;
            if (normFirst) {
                Tensor h = n1.forward(x);
                Tensor a = x.add(layer.selfAttn().forward(h, h, h, pad, false, null).output());
                expected = a.add(l2.forward(l1.forward(n2.forward(a)).relu()));
            } else {
                Tensor a = n1.forward(x.add(layer.selfAttn().forward(x, x, x, pad, false, null).output()));
                expected = n2.forward(a.add(l2.forward(l1.forward(a).relu())));
            }
            assertAllClose(expected, layer.forward(x, null, pad), 1e-5);
        }
    }

    @Test
    void encoderAppliesLayersThenNorm() {
        TransformerEncoder enc = new TransformerEncoder(i -> new TransformerEncoderLayer(small(), gen), 2, new LayerNorm(8));
        Tensor x = randn(4, 2, 8);
        Tensor expected = enc.norm().forward(enc.layers().get(1).forward(enc.layers().get(0).forward(x)));
        assertAllClose(expected, enc.forward(x), 1e-6);
    }

    @Test
    void dropoutIsActiveOnlyInTraining() {
        Transformer t = new Transformer(TransformerLayerOptions.of(8, 2).withDimFeedforward(16).withDropout(0.3), 1, 1, gen);
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
        Transformer t = new Transformer(small(), 1, 1, gen);
        var e = assertThrows(IllegalArgumentException.class, () -> t.forward(randn(4, 2, 8), randn(3, 3, 8)));
        assertTrue(e.getMessage().contains("[4, 2, 8]") && e.getMessage().contains("[3, 3, 8]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> t.forward(randn(4, 2, 8), randn(3, 2, 6)));
        assertTrue(e2.getMessage().contains("d_model 8"), e2.getMessage());
    }

    @Test
    void optionsValidate() {
        var e = assertThrows(IllegalArgumentException.class, () -> TransformerLayerOptions.of(10, 4));
        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TransformerLayerOptions.of(8, 2).withActivation("tanh"));
        assertThrows(IllegalArgumentException.class, () -> TransformerLayerOptions.of(8, 2).withDropout(1.0));
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
