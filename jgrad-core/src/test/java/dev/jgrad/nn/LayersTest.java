package dev.jgrad.nn;

import dev.jgrad.autograd.GradCheck;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Linear, Embedding, LayerNorm, Dropout and the activations: values, gradients (finite differences) and errors. */
class LayersTest {
    private final Generator gen = new Generator(11);

    private Tensor randn(int... shape) {
        return Tensor.normal(0f, 1f, gen, shape).requiresGrad(true);
    }

    private static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "element " + i);
        }
    }

    // ---------------------------------------------------------------- Linear

    @Test
    void linearInitMatchesPyTorchBounds() {
        Linear lin = new Linear(16, 32, true, new Generator(3));
        double bound = 1 / Math.sqrt(16);
        float maxW = 0, maxB = 0;
        for (float v : lin.weight().toArray()) maxW = Math.max(maxW, Math.abs(v));
        for (float v : lin.bias().toArray()) maxB = Math.max(maxB, Math.abs(v));
        assertTrue(maxW <= bound && maxW > 0.9 * bound, "weight bound " + maxW);
        assertTrue(maxB <= bound && maxB > 0.5 * bound, "bias bound " + maxB);
        assertArrayEquals(new int[] {32, 16}, lin.weight().shape());
        // Seeded construction is reproducible.
        assertArrayEquals(lin.weight().toArray(), new Linear(16, 32, true, new Generator(3)).weight().toArray());
        assertNull(new Linear(4, 2, false, gen).bias());
        assertEquals(List.of("weight"), List.copyOf(new Linear(4, 2, false, gen).namedParameters().keySet()));
    }

    @Test
    void linearForwardOnAnyLeadingDims() {
        Linear lin = new Linear(3, 2, true, gen);
        Tensor x = Tensor.normal(0, 1, gen, 2, 4, 3);
        Tensor y = lin.forward(x);
        assertArrayEquals(new int[] {2, 4, 2}, y.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                for (int o = 0; o < 2; o++) {
                    float e = lin.bias().get(o);
                    for (int k = 0; k < 3; k++) e += x.get(i, j, k) * lin.weight().get(o, k);
                    assertEquals(e, y.get(i, j, o), 1e-5);
                }
            }
        }
        assertArrayEquals(new int[] {2}, lin.forward(Tensor.ones(3)).shape()); // 1-D input, as PyTorch allows
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lin.forward(Tensor.ones(4, 5)));
        assertTrue(e.getMessage().contains("[4, 5]") && e.getMessage().contains("in_features = 3"), e.getMessage());
    }

    @Test
    void linearGradcheck() {
        Linear lin = new Linear(4, 3, true, gen);
        Tensor x = randn(2, 5, 4);
        GradCheck.check("Linear", in -> lin.forward(in.get(0)), List.of(x, lin.weight(), lin.bias()));
        Linear noBias = new Linear(4, 3, false, gen);
        GradCheck.check("Linear without bias", in -> noBias.forward(in.get(0)), List.of(randn(3, 4), noBias.weight()));
        // Views: a transposed input, a weight made of rows of a larger one, a transposed weight.
        GradCheck.check("linear on views", in -> Functional.linear(in.get(0).transpose(0, 1), in.get(1).narrow(0, 2, 5), in.get(2).narrow(0, 1, 5)),
                List.of(randn(4, 3), randn(9, 4), randn(7)));
        GradCheck.check("linear, transposed weight", in -> Functional.linear(in.get(0), in.get(1).t(), null), List.of(randn(2, 3), randn(3, 4)));
    }

    @Test
    void linearMatchesMatmulPlusBiasAndSkipsFrozenWeights() {
        // Past one SGEMM tile (8 x 32) and one k-slice (512): the composite of gradchecked ops as reference.
        Tensor x = randn(3, 10, 520), w = randn(70, 520), b = randn(70), g = randn(3, 10, 70);
        List<Tensor> ours = List.of(x.detach().requiresGrad(true), w.detach().requiresGrad(true), b.detach().requiresGrad(true));
        List<Tensor> ref = List.of(x.detach().requiresGrad(true), w.detach().requiresGrad(true), b.detach().requiresGrad(true));
        Tensor y = Functional.linear(ours.get(0), ours.get(1), ours.get(2));
        Tensor expected = ref.get(0).matmul(ref.get(1).t()).add(ref.get(2));
        assertClose(expected.toArray(), y.toArray(), 2e-4);
        y.backward(g);
        expected.backward(g);
        for (int i = 0; i < 3; i++) assertClose(ref.get(i).grad().toArray(), ours.get(i).grad().toArray(), 2e-4);
        Tensor xg = x.detach().requiresGrad(true);
        Tensor frozenW = w.detach(), frozenB = b.detach();
        Functional.linear(xg, frozenW, frozenB).sum().backward();   // weight and bias frozen: only x gets a gradient
        assertClose(Tensor.ones(3, 10, 70).matmul(frozenW).toArray(), xg.grad().toArray(), 2e-4);
        assertNull(frozenW.grad());
        Tensor empty = Functional.linear(Tensor.zeros(2, 0), Tensor.zeros(3, 0), Tensor.of(new float[] {1, 2, 3}, 3));
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, empty.toArray());  // no inputs: just the bias
    }

    // ---------------------------------------------------------------- Embedding

    @Test
    void embeddingLooksUpRowsForAnyIdShape() {
        Embedding emb = new Embedding(10, 4, gen);
        IntTensor ids = IntTensor.of(new int[] {1, 9, 0, 1, 3, 3}, 2, 3);
        Tensor y = emb.forward(ids);
        assertArrayEquals(new int[] {2, 3, 4}, y.shape());
        for (int k = 0; k < 4; k++) {
            assertEquals(emb.weight().get(9, k), y.get(0, 1, k));
            assertEquals(emb.weight().get(3, k), y.get(1, 2, k));
        }
        // N(0, 1) init.
        Embedding big = new Embedding(1000, 20, new Generator(5));
        float[] w = big.weight().toArray();
        double mean = 0, sq = 0;
        for (float v : w) {
            mean += v;
            sq += v * v;
        }
        mean /= w.length;
        assertEquals(0, mean, 0.03);
        assertEquals(1, Math.sqrt(sq / w.length - mean * mean), 0.03);
    }

    @Test
    void embeddingGradcheckWithRepeatedIds() {
        Embedding emb = new Embedding(6, 3, gen);
        IntTensor ids = IntTensor.of(new int[] {2, 0, 2, 5, 2, 1}, 3, 2);
        GradCheck.check("Embedding", in -> emb.forward(ids), List.of(emb.weight()));
    }

    @Test
    void embeddingPaddingRowIsZeroAndGetsNoGradient() {
        Embedding emb = new Embedding(5, 3, 0, gen);
        assertArrayEquals(new float[] {0, 0, 0}, emb.weight().select(0, 0).toArray());
        Tensor y = emb.forward(IntTensor.of(new int[] {0, 2, 0, 2, 4}));
        y.mul(Tensor.arange(3).add(1f)).sum().backward();
        Tensor g = emb.weight().grad();
        assertArrayEquals(new float[] {0, 0, 0}, g.select(0, 0).toArray()); // used twice, still no gradient
        assertArrayEquals(new float[] {2, 4, 6}, g.select(0, 2).toArray()); // used twice: gradients add
        assertArrayEquals(new float[] {1, 2, 3}, g.select(0, 4).toArray());
        assertArrayEquals(new float[] {0, 0, 0}, g.select(0, 1).toArray());
        // A negative padding index counts from the end.
        assertEquals(4, new Embedding(5, 2, -1, gen).paddingIdx().getAsInt());
        assertThrows(IllegalArgumentException.class, () -> new Embedding(5, 2, 5, gen));
    }

    @Test
    void embeddingIndexOutOfRangeNamesIndexAndSize() {
        Embedding emb = new Embedding(10, 2, gen);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> emb.forward(IntTensor.of(new int[] {1, 2, 3, 10}, 2, 2)));
        assertTrue(e.getMessage().contains("index 10") && e.getMessage().contains("num_embeddings 10")
                && e.getMessage().contains("[1, 1]"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> emb.forward(IntTensor.of(new int[] {-1})));
    }

    // ---------------------------------------------------------------- LayerNorm

    /** The composite formula the fused op replaces, with PyTorch's biased variance. */
    private static Tensor composite(Tensor x, Tensor w, Tensor b, int[] dims, float eps) {
        Tensor mean = x.mean(dims, true);
        Tensor c = x.sub(mean);
        Tensor var = c.mul(c).mean(dims, true);
        Tensor y = c.div(var.add(eps).sqrt());
        if (w != null) y = y.mul(w);
        if (b != null) y = y.add(b);
        return y;
    }

    private LayerNorm affineNorm(int... shape) {
        LayerNorm ln = new LayerNorm(shape);
        Init.normal(ln.weight(), 1, 0.5, gen);
        Init.normal(ln.bias(), 0, 0.5, gen);
        return ln;
    }

    @Test
    void layerNormGradcheck() {
        LayerNorm ln = affineNorm(5);
        GradCheck.check("LayerNorm", in -> ln.forward(in.get(0)), List.of(randn(3, 2, 5), ln.weight(), ln.bias()));
        LayerNorm ln2 = affineNorm(2, 3);
        GradCheck.check("LayerNorm 2-D shape", in -> ln2.forward(in.get(0)), List.of(randn(4, 2, 3), ln2.weight(), ln2.bias()));
        LayerNorm plain = new LayerNorm(new int[] {4}, 1e-5, false);
        GradCheck.check("LayerNorm no affine", in -> plain.forward(in.get(0)), List.of(randn(3, 4)));
    }

    @Test
    void layerNormMatchesCompositeFormulaForwardAndBackward() {
        LayerNorm ln = affineNorm(2, 8);
        Tensor x = Tensor.normal(3f, 2f, gen, 4, 2, 8).requiresGrad(true);
        Tensor x2 = x.detach().clone().requiresGrad(true);
        Tensor w2 = ln.weight().detach().clone().requiresGrad(true), b2 = ln.bias().detach().clone().requiresGrad(true);
        Tensor up = Tensor.normal(0, 1, gen, 4, 2, 8);
        Tensor fused = ln.forward(x);
        Tensor ref = composite(x2, w2, b2, new int[] {-2, -1}, 1e-5f);
        assertClose(ref.toArray(), fused.toArray(), 1e-5);
        fused.backward(up);
        ref.backward(up);
        assertClose(x2.grad().toArray(), x.grad().toArray(), 1e-4);
        assertClose(w2.grad().toArray(), ln.weight().grad().toArray(), 1e-4);
        assertClose(b2.grad().toArray(), ln.bias().grad().toArray(), 1e-4);
    }

    @Test
    void layerNormWithoutAffineNormalisesAndAcceptsViews() {
        LayerNorm ln = new LayerNorm(new int[] {6}, 1e-5, false);
        assertTrue(ln.parameters().isEmpty());
        assertNull(ln.weight());
        Tensor x = Tensor.normal(5, 3, gen, 6, 4).t(); // a transposed, non-contiguous view of [4, 6]
        Tensor y = ln.forward(x);
        for (int r = 0; r < 4; r++) {
            float[] row = y.select(0, r).toArray();
            double m = 0, v = 0;
            for (float f : row) m += f;
            m /= 6;
            for (float f : row) v += (f - m) * (f - m);
            assertEquals(0, m, 1e-5);
            assertEquals(1, v / 6, 1e-3);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ln.forward(Tensor.ones(4, 5)));
        assertTrue(e.getMessage().contains("[4, 5]") && e.getMessage().contains("[6]"), e.getMessage());
        assertEquals("LayerNorm((6,), eps=1e-05, elementwise_affine=False)", ln.toString());
    }

    // ---------------------------------------------------------------- Dropout

    @Test
    void dropoutStatisticsInTraining() {
        Dropout d = new Dropout(0.3, new Generator(1));
        Tensor x = Tensor.full(2f, 100_000);
        float[] y = d.forward(x).toArray();
        int zeros = 0;
        double sum = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else assertEquals(2f / 0.7f, v, 1e-5);
            sum += v;
        }
        assertEquals(0.3, zeros / 1e5, 0.01);
        assertEquals(2.0, sum / 1e5, 0.03); // expectation preserved
    }

    @Test
    void dropoutEvalZeroPAndErrors() {
        Dropout d = new Dropout(0.5);
        Tensor x = Tensor.ones(10);
        d.eval();
        assertSame(x, d.forward(x));
        assertSame(x, new Dropout(0).forward(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1));
        assertThrows(IllegalArgumentException.class, () -> Functional.dropout(x, 1.5, true));
    }

    @Test
    void dropoutIsSeededAndBackpropagatesTheMask() {
        float[] a = new Dropout(0.5, new Generator(9)).forward(Tensor.ones(64)).toArray();
        float[] b = new Dropout(0.5, new Generator(9)).forward(Tensor.ones(64)).toArray();
        assertArrayEquals(a, b);
        Generator.manualSeed(123);
        float[] c = new Dropout(0.5).forward(Tensor.ones(64)).toArray();
        Generator.manualSeed(123);
        float[] e = new Dropout(0.5).forward(Tensor.ones(64)).toArray();
        assertArrayEquals(c, e);

        Tensor x = randn(64);
        Tensor y = new Dropout(0.25, new Generator(4)).forward(x);
        y.sum().backward();
        float[] g = x.grad().toArray(), yv = y.toArray(), xv = x.toArray();
        for (int i = 0; i < 64; i++) {
            assertEquals(yv[i] == 0 && xv[i] != 0 ? 0f : 1 / 0.75f, g[i], 1e-6);
        }
    }

    // ---------------------------------------------------------------- activations and containers

    @Test
    void activations() {
        Tensor x = Tensor.of(new float[] {1f, -0.5f, 2f});
        assertClose(new float[] {1, 0, 2}, new ReLU().forward(x).toArray(), 0);
        assertClose(x.tanh().toArray(), new Tanh().forward(x).toArray(), 0);
        assertClose(x.sigmoid().toArray(), new Sigmoid().forward(x).toArray(), 0);
        // torch.nn.functional.gelu(torch.tensor([1.0, -0.5, 2.0])) and with approximate='tanh'
        assertClose(new float[] {0.8413447f, -0.1542688f, 1.9545000f}, new GELU().forward(x).toArray(), 1e-6);
        assertClose(new float[] {0.8411920f, -0.1542860f, 1.9545977f}, new GELU("tanh").forward(x).toArray(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new GELU("fast"));
        assertSame(x, new Identity().forward(x));
        GradCheck.check("gelu tanh", in -> Functional.gelu(in.get(0), "tanh"), List.of(randn(6)));
        assertClose(x.softmax(0).toArray(), Functional.softmax(x, 0).toArray(), 0);
        assertClose(x.logSoftmax(0).toArray(), Functional.logSoftmax(x, -1).toArray(), 0);
    }

    @Test
    void sequentialGradcheck() {
        Linear l1 = new Linear(3, 4, true, gen), l2 = new Linear(4, 2, true, gen);
        LayerNorm ln = affineNorm(4);
        Sequential s = new Sequential(l1, new Tanh(), ln, l2);
        GradCheck.check("Sequential", in -> s.forward(in.get(0)), List.of(randn(2, 3), l1.weight(), l1.bias(), ln.weight(), l2.weight(), l2.bias()));
    }
}
