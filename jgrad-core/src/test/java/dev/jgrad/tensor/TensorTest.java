package dev.jgrad.tensor;

import dev.jgrad.autograd.GradMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Forward semantics of the tensor: views, broadcasting, reductions, and the errors users see. */
class TensorTest {

    private static Tensor t(float[] v, int... shape) {
        return Tensor.of(v, shape);
    }

    @Test
    void viewsShareStorageAndCopyOnlyWhenNeeded() {
        Tensor x = Tensor.arange(6).reshape(2, 3);
        Tensor tr = x.t();
        assertSame(x.storage(), tr.storage());
        assertFalse(tr.isContiguous());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, tr.toArray());
        assertSame(x, x.contiguous());
        assertNotSame(tr.storage(), tr.contiguous().storage());
        assertArrayEquals(new float[] {0, 2, 3, 5}, x.slice(1, 0, 3, 2).toArray());
        assertArrayEquals(new float[] {1, 2, 4, 5}, x.slice(-1, -2, Integer.MAX_VALUE, 1).toArray());
        assertEquals(0, x.slice(1, 2, 1, 1).numel());
        Tensor n = x.narrow(1, 1, 2);
        assertArrayEquals(new float[] {1, 2, 4, 5}, n.toArray());
        assertEquals(4f, x.get(1, 1));
        assertEquals(5f, x.get(-1, -1));
        Tensor e = Tensor.of(new float[] {1, 2}, 2, 1).expand(2, 3);
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, e.toArray());
        assertEquals(0, e.strides()[1]);
    }

    @Test
    void broadcastingFollowsNumpy() {
        Tensor a = Tensor.arange(3).reshape(3, 1);
        Tensor b = Tensor.arange(4);
        Tensor c = a.mul(b);
        assertArrayEquals(new int[] {3, 4}, c.shape());
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 2, 3, 0, 2, 4, 6}, c.toArray());
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4)));
        assertTrue(ex.getMessage().contains("[2, 3]") && ex.getMessage().contains("[4]"), ex.getMessage());
    }

    @Test
    void reductionsWithKeepdim() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        assertEquals(276f, x.sum().item());
        assertArrayEquals(new int[] {2, 1, 4}, x.sum(1, true).shape());
        assertArrayEquals(new float[] {12, 15, 18, 21, 48, 51, 54, 57}, x.sum(1, false).toArray());
        assertArrayEquals(new float[] {1.5f, 5.5f, 9.5f, 13.5f, 17.5f, 21.5f}, x.mean(2, false).toArray());
        assertArrayEquals(new float[] {3, 7, 11, 15, 19, 23}, x.max(-1, false).toArray());
        assertArrayEquals(new int[] {3, 3, 3, 3, 3, 3}, x.argmax(-1, false).data());
        Tensor v = t(new float[] {1, 2, 3, 4}, 4);
        assertEquals(1.6666666f, v.var(new int[] {0}, false).item(), 1e-6);
        Tensor big = t(new float[] {1000, 1000}, 2);
        assertEquals(1000 + Math.log(2), big.logsumexp(0, false).item(), 1e-3);
    }

    @Test
    void sumOverDimsGivesCorrectValues() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        assertArrayEquals(new float[] {60, 92, 124}, x.sum(new int[] {0, 2}, false).toArray());
    }

    @Test
    void softmaxIsStableAndSumsToOne() {
        Tensor x = t(new float[] {1000, 1001, 1002, -1e30f, 0, 1e30f}, 2, 3);
        Tensor s = x.softmax(1);
        float[] v = s.toArray();
        assertEquals(1f, v[0] + v[1] + v[2], 1e-6);
        assertEquals(0.6652409f, v[2], 1e-6);
        assertEquals(1f, v[5], 1e-6);
        Tensor ls = x.logSoftmax(1);
        assertEquals(Math.log(0.6652409), ls.get(0, 2), 1e-5);
        Tensor masked = t(new float[] {0, 0, 0}, 1, 3).maskedFill(t(new float[] {0, 1, 1}, 3), Float.NEGATIVE_INFINITY).softmax(-1);
        assertArrayEquals(new float[] {1, 0, 0}, masked.toArray());
    }

    @Test
    void matmulShapesAndErrors() {
        Tensor a = Tensor.arange(6).reshape(2, 3);
        Tensor b = Tensor.arange(6).reshape(3, 2);
        assertArrayEquals(new float[] {10, 13, 28, 40}, a.matmul(b).toArray());
        assertArrayEquals(new int[] {5, 2, 2}, Tensor.zeros(5, 2, 3).matmul(b).shape());
        assertArrayEquals(new int[] {4, 5, 2, 7}, Tensor.zeros(4, 1, 2, 3).matmul(Tensor.zeros(5, 3, 7)).shape());
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> a.matmul(a));
        assertTrue(ex.getMessage().contains("matmul") && ex.getMessage().contains("[2, 3]"), ex.getMessage());
    }

    @Test
    void catStackSplitIndex() {
        Tensor a = Tensor.arange(4).reshape(2, 2);
        Tensor c = Tensor.cat(List.of(a, a.mul(10f)), 0);
        assertArrayEquals(new float[] {0, 1, 2, 3, 0, 10, 20, 30}, c.toArray());
        assertArrayEquals(new int[] {2, 2, 2}, Tensor.stack(List.of(a, a), 1).shape());
        List<Tensor> parts = Tensor.arange(7).split(3, 0);
        assertEquals(3, parts.size());
        assertArrayEquals(new float[] {6}, parts.get(2).toArray());
        Tensor emb = Tensor.arange(6).reshape(3, 2);
        assertArrayEquals(new float[] {4, 5, 0, 1}, emb.indexSelect(0, IntTensor.of(new int[] {2, 0})).toArray());
        IndexOutOfBoundsException ex = assertThrows(IndexOutOfBoundsException.class, () -> emb.indexSelect(0, IntTensor.of(new int[] {3})));
        assertTrue(ex.getMessage().contains("index 3") && ex.getMessage().contains("size 3"), ex.getMessage());
    }

    @Test
    void whereKeepsInfinities() {
        Tensor x = t(new float[] {1, 2, 3}, 3);
        Tensor r = x.maskedFill(t(new float[] {1, 0, 0}, 3), Float.NEGATIVE_INFINITY);
        assertEquals(Float.NEGATIVE_INFINITY, r.get(0));
        assertEquals(2f, r.get(1));
    }

    @Test
    void geluMatchesErfForm() {
        Tensor x = t(new float[] {-3, -1, 0, 0.5f, 2}, 5);
        float[] expected = {-0.0040496802f, -0.15865526f, 0f, 0.34573123f, 1.9544997f};
        assertArrayEquals(expected, x.gelu().toArray(), 1e-6f);
    }

    @Test
    void errorsNameTheProblem() {
        Tensor x = Tensor.zeros(2, 3);
        assertThrows(IllegalArgumentException.class, () -> x.reshape(4, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> x.sum(3, false));
        assertThrows(IndexOutOfBoundsException.class, () -> x.get(2, 0));
        assertThrows(IllegalArgumentException.class, () -> x.expand(3, 3));
    }

    @Test
    void backwardRules() {
        Tensor w = Tensor.ones(3).requiresGrad(true);
        Tensor y = w.mul(2f);
        IllegalArgumentException nonScalar = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(nonScalar.getMessage().contains("scalar"), nonScalar.getMessage());
        Tensor loss = y.sum();
        loss.backward();
        assertArrayEquals(new float[] {2, 2, 2}, w.grad().toArray());
        IllegalStateException again = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(again.getMessage().contains("second time"), again.getMessage());
        // Retained graph: gradients accumulate over two backward passes.
        w.zeroGrad();
        Tensor l2 = w.mul(w).sum();
        l2.backward(null, true);
        l2.backward(null, false);
        assertArrayEquals(new float[] {4, 4, 4}, w.grad().toArray());
        // No-grad scope records nothing.
        try (var ignored = GradMode.noGrad()) {
            assertFalse(w.mul(3f).requiresGrad());
        }
        assertFalse(w.mul(3f).detach().requiresGrad());
        assertThrows(IllegalStateException.class, () -> w.mulInPlace(2f));
    }

    @Test
    void retainGradKeepsIntermediateGradients() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor h = x.mul(3f).retainGrad();
        h.mul(h).sum().backward();
        assertArrayEquals(new float[] {6, 6}, h.grad().toArray());
        assertArrayEquals(new float[] {18, 18}, x.grad().toArray());
    }

    @Test
    void seededRandomIsReproducible() {
        Generator.manualSeed(7);
        float[] a = Tensor.randn(10).toArray();
        Generator.manualSeed(7);
        assertArrayEquals(a, Tensor.randn(10).toArray());
    }

    @Test
    void generatorStateRoundTrips() {
        Generator g = new Generator(5);
        g.nextGaussian(); // leaves a spare normal behind
        long[] state = g.state();
        double[] expected = {g.nextGaussian(), g.nextDouble(), g.nextInt(10)};
        Generator h = new Generator(99);
        h.setState(state);
        assertArrayEquals(expected, new double[] {h.nextGaussian(), h.nextDouble(), h.nextInt(10)});
    }
}
