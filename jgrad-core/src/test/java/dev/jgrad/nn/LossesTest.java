package dev.jgrad.nn;

import dev.jgrad.autograd.GradCheck;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Cross-entropy, NLL and MSE: values against PyTorch 1.13, gradients against finite differences, and errors. */
class LossesTest {
    private final Generator gen = new Generator(21);

    private Tensor randn(int... shape) {
        return Tensor.normal(0f, 1f, gen, shape).requiresGrad(true);
    }

    private static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], tol, "element " + i);
    }

    private static LossOptions opts(Reduction r, int ignore, double smoothing) {
        return new LossOptions(r, ignore, smoothing);
    }

    // ---------------------------------------------------------------- values

    @Test
    void crossEntropyWithLabelSmoothingByHand() {
        // Row [1, 2, 3], target 2, smoothing 0.1, C = 3:
        //   lse = 3 + log(1 + e^-1 + e^-2) = 3.4076060, nll = lse - 3 = 0.4076060,
        //   smooth = sum_c (lse - x_c) = 3 lse - 6 = 4.2228180,
        //   loss = 0.9 * nll + 0.1 / 3 * smooth = 0.3668454 + 0.1407606 = 0.5076060.
        // torch: F.cross_entropy(x, t, label_smoothing=0.1, reduction=...) with
        //   x = [[1, 2, 3], [1, -1, 0.5]], t = [2, 0] gives none [0.5076059, 0.6382903], sum 1.1458962, mean 0.5729481.
        Tensor x = Tensor.of(new float[] {1, 2, 3, 1, -1, 0.5f}, 2, 3).requiresGrad(true);
        IntTensor t = IntTensor.of(new int[] {2, 0});
        assertClose(new float[] {0.5076059f, 0.6382903f}, Functional.crossEntropy(x, t, opts(Reduction.NONE, -100, 0.1)).toArray(), 1e-6);
        assertEquals(1.1458962f, Functional.crossEntropy(x, t, opts(Reduction.SUM, -100, 0.1)).item(), 1e-6);
        Tensor mean = Functional.crossEntropy(x, t, LossOptions.defaults().withLabelSmoothing(0.1));
        assertEquals(0.5729481f, mean.item(), 1e-6);
        mean.backward();
        // x.grad from torch: (softmax - 0.1/3 - 0.9 * onehot) / 2
        assertClose(new float[] {0.0283486f, 0.1056976f, -0.1340462f, -0.1796182f, 0.0221811f, 0.1574370f}, x.grad().toArray(), 1e-6);
    }

    @Test
    void crossEntropyIgnoreIndexWithSmoothingAveragesOverValidTargets() {
        // torch: F.cross_entropy(x, [2, -100, 1], label_smoothing=0.2): none [0.6076059, 0, 2.3216236],
        // sum 2.9292295, mean 1.4646147 = sum / 2 (the ignored row counts in neither term nor the denominator).
        Tensor x = Tensor.of(new float[] {1, 2, 3, 0.5f, 0.5f, 4, 1, -1, 0.5f}, 3, 3).requiresGrad(true);
        IntTensor t = IntTensor.of(new int[] {2, -100, 1});
        assertClose(new float[] {0.6076059f, 0f, 2.3216236f}, Functional.crossEntropy(x, t, opts(Reduction.NONE, -100, 0.2)).toArray(), 1e-6);
        assertEquals(2.9292295f, Functional.crossEntropy(x, t, opts(Reduction.SUM, -100, 0.2)).item(), 1e-6);
        Tensor mean = Functional.crossEntropy(x, t, opts(Reduction.MEAN, -100, 0.2));
        assertEquals(1.4646147f, mean.item(), 1e-6);
        mean.backward();
        assertClose(new float[] {0.0116820f, 0.0890309f, -0.1007128f, 0, 0, 0, 0.2537152f, -0.3944855f, 0.1407704f}, x.grad().toArray(), 1e-6);
        // All targets ignored: 0 / 0, NaN as in PyTorch.
        assertTrue(Float.isNaN(Functional.crossEntropy(x, IntTensor.of(new int[] {-100, -100, -100})).item()));
    }

    /** torch.arange(24.).reshape(2, 3, 4).sin(): logits [N=2, C=3, d=4]. */
    private static Tensor sinLogits() {
        float[] v = new float[24];
        for (int i = 0; i < 24; i++) v[i] = (float) Math.sin(i);
        return Tensor.of(v, 2, 3, 4);
    }

    @Test
    void crossEntropyAndNllWithSpatialDims() {
        Tensor x = sinLogits();
        IntTensor t = IntTensor.of(new int[] {0, 1, 2, -100, 2, 2, 1, 0}, 2, 4);
        // torch: F.cross_entropy(x, t, label_smoothing=0.05) and F.cross_entropy(x, t, reduction='none')
        assertEquals(1.3577774f, Functional.crossEntropy(x, t, LossOptions.defaults().withLabelSmoothing(0.05)).item(), 1e-5);
        Tensor none = Functional.crossEntropy(x, t, Reduction.NONE);
        assertArrayEquals(new int[] {2, 4}, none.shape());
        assertClose(new float[] {1.4251958f, 2.3971219f, 1.8840656f, 0f, 0.4289356f, 0.6015685f, 2.1755302f, 0.6044211f}, none.toArray(), 1e-5);
        // torch: F.nll_loss(x.log_softmax(1), t2, ignore_index=2) and F.nll_loss(x, t2, reduction='sum')
        IntTensor t2 = IntTensor.of(new int[] {0, 1, 2, 1, 2, 2, 1, 0}, 2, 4);
        assertEquals(1.4366395f, Functional.nllLoss(x.logSoftmax(1), t2, 2, Reduction.MEAN).item(), 1e-5);
        assertEquals(-0.8029427f, Functional.nllLoss(x, t2, -100, Reduction.SUM).item(), 1e-5);
        // Unbatched: logits [C], 0-d target. torch: F.cross_entropy([1., 2., 3.], tensor(1), label_smoothing=0.3) = 1.4076059
        Tensor u = Functional.crossEntropy(Tensor.of(new float[] {1, 2, 3}), IntTensor.zeros() /* 0-d target 0 */, LossOptions.defaults().withLabelSmoothing(0.3));
        float lse = (float) (3 + Math.log(1 + Math.exp(-1) + Math.exp(-2)));
        assertEquals(0.7 * (lse - 1) + 0.1 * (3 * lse - 6), u.item(), 1e-5);
        Tensor u1 = Functional.crossEntropy(Tensor.of(new float[] {1, 2, 3}), IntTensor.of(new int[] {1}, new int[0]),
                LossOptions.defaults().withLabelSmoothing(0.3));
        assertEquals(1.4076059f, u1.item(), 1e-6);
    }

    @Test
    void crossEntropyAgreesWithComposedLogSoftmaxAndNll() {
        Tensor x = Tensor.normal(0, 3, gen, 16, 50).requiresGrad(true);
        Tensor x2 = x.detach().clone().requiresGrad(true);
        int[] tv = new int[16];
        for (int i = 0; i < 16; i++) tv[i] = i % 5 == 0 ? -100 : gen.nextInt(50);
        IntTensor t = IntTensor.of(tv);
        Tensor fused = Functional.crossEntropy(x, t);
        Tensor composed = Functional.nllLoss(x2.logSoftmax(1), t);
        assertEquals(composed.item(), fused.item(), 1e-5);
        fused.backward();
        composed.backward();
        assertClose(x2.grad().toArray(), x.grad().toArray(), 1e-6);
    }

    @Test
    void mseValues() {
        // torch: F.mse_loss([1., 2., 3.], [0.5, 2., 5.]) = 1.4166666
        Tensor a = Tensor.of(new float[] {1, 2, 3}), b = Tensor.of(new float[] {0.5f, 2, 5});
        assertEquals(1.4166666f, Functional.mseLoss(a, b).item(), 1e-6);
        assertEquals(4.25f, new MSELoss(Reduction.SUM).forward(a, b).item(), 1e-6);
        assertClose(new float[] {0.25f, 0, 4}, Functional.mseLoss(a, b, Reduction.NONE).toArray(), 1e-6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.mseLoss(a, Tensor.ones(3, 1)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[3, 1]"), e.getMessage());
    }

    // ---------------------------------------------------------------- gradients

    @Test
    void crossEntropyGradchecks() {
        IntTensor t = IntTensor.of(new int[] {3, 0, -100, 4, 1, 3});
        for (Reduction r : Reduction.values()) {
            for (double s : new double[] {0, 0.15}) {
                LossOptions o = opts(r, -100, s);
                GradCheck.check("crossEntropy " + o, in -> Functional.crossEntropy(in.get(0), t, o), List.of(randn(6, 5)));
            }
        }
        IntTensor t3 = IntTensor.of(new int[] {0, 2, 1, 7, 2, 0}, 2, 3); // 7 is the ignore index here
        for (Reduction r : Reduction.values()) {
            LossOptions o = opts(r, 7, 0.1);
            GradCheck.check("crossEntropy [N,C,d] " + o, in -> Functional.crossEntropy(in.get(0), t3, o), List.of(randn(2, 4, 3)));
        }
        GradCheck.check("CrossEntropyLoss module", in -> new CrossEntropyLoss().forward(in.get(0), IntTensor.of(new int[] {1, 1})),
                List.of(randn(2, 3)));
    }

    @Test
    void nllAndMseGradchecks() {
        IntTensor t = IntTensor.of(new int[] {2, -100, 0, 1});
        for (Reduction r : Reduction.values()) {
            GradCheck.check("nll " + r, in -> Functional.nllLoss(in.get(0), t, -100, r), List.of(randn(4, 3)));
            GradCheck.check("mse " + r, in -> Functional.mseLoss(in.get(0), in.get(1), r), List.of(randn(3, 4), randn(3, 4)));
        }
        IntTensor t3 = IntTensor.of(new int[] {0, 2, 1, 1}, 2, 2);
        GradCheck.check("nll [N,C,d]", in -> Functional.nllLoss(in.get(0).logSoftmax(1), t3), List.of(randn(2, 3, 2)));
        // A non-contiguous input (transposed) reaches the right elements.
        GradCheck.check("nll of a view", in -> Functional.nllLoss(in.get(0).t(), t, -100, Reduction.SUM), List.of(randn(3, 4)));
    }

    @Test
    void crossEntropyOfLargeBatchIsParallelAndDeterministic() {
        Tensor x = Tensor.normal(0, 2, gen, 256, 1000);
        int[] tv = new int[256];
        for (int i = 0; i < 256; i++) tv[i] = gen.nextInt(1000);
        IntTensor t = IntTensor.of(tv);
        float a = Functional.crossEntropy(x, t).item(), b = Functional.crossEntropy(x, t).item();
        assertEquals(a, b);
        assertEquals(Functional.nllLoss(x.logSoftmax(1), t).item(), a, 1e-5);
    }

    // ---------------------------------------------------------------- errors

    @Test
    void targetOutOfRangeNamesValuePositionAndClasses() {
        Tensor x = Tensor.zeros(3, 4);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> Functional.crossEntropy(x, IntTensor.of(new int[] {0, 4, 1})));
        assertTrue(e.getMessage().contains("target 4") && e.getMessage().contains("position [1]") && e.getMessage().contains("4 classes"),
                e.getMessage());
        IndexOutOfBoundsException e2 = assertThrows(IndexOutOfBoundsException.class,
                () -> Functional.nllLoss(Tensor.zeros(2, 3, 2), IntTensor.of(new int[] {0, 1, -1, 2}, 2, 2)));
        assertTrue(e2.getMessage().contains("target -1") && e2.getMessage().contains("[1, 0]"), e2.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> Functional.crossEntropy(Tensor.zeros(2, 3, 5), IntTensor.of(new int[] {0, 1})));
        assertTrue(shape.getMessage().contains("[2, 5]") && shape.getMessage().contains("[2, 3, 5]"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LossOptions.defaults().withLabelSmoothing(1.5));
    }
}
