package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BatchNorm1d is BatchNorm2d's computation over [N, C] and [N, C, L] (the PyTorch fixture simclr_head covers
 * it in training mode): here the two must agree on [N, C, L] seen as [N, C, L, 1], in both modes, with
 * the same running statistics, and the state keeps PyTorch's names.
 */
class BatchNorm1dTest {

    private static void sameAs2d(Tensor x3, boolean training) {
        BatchNorm1d bn1 = new BatchNorm1d(x3.size(1));
        BatchNorm2d bn2 = new BatchNorm2d(x3.size(1));
        Tensor w = Tensor.uniform(0.5f, 1.5f, new Generator(1), x3.size(1)), b = Tensor.uniform(-1f, 1f, new Generator(2), x3.size(1));
        var state = bn1.stateDict();
        state.put("weight", w);
        state.put("bias", b);
        bn1.loadStateDict(state);
        bn2.loadStateDict(state);
        bn1.train(training);
        bn2.train(training);
        Tensor a = Tensor.of(x3.toArray(), x3.shape()).requiresGrad(true);
        Tensor c = Tensor.of(x3.toArray(), x3.size(0), x3.size(1), x3.dim() == 3 ? x3.size(2) : 1, 1).requiresGrad(true);
        Tensor ya = bn1.forward(a), yc = bn2.forward(c);
        assertArrayEquals(yc.toArray(), ya.toArray(), 1e-6f);
        Tensor g = Tensor.normal(0f, 1f, new Generator(3), ya.shape());
        ya.backward(g);
        yc.backward(g.reshape(yc.shape()));
        assertArrayEquals(c.grad().toArray(), a.grad().toArray(), 1e-6f);
        assertArrayEquals(bn2.weight().grad().toArray(), bn1.weight().grad().toArray(), 1e-5f);
        assertArrayEquals(bn2.runningMean().toArray(), bn1.runningMean().toArray(), 1e-7f);
        assertArrayEquals(bn2.runningVar().toArray(), bn1.runningVar().toArray(), 1e-7f);
        assertEquals(bn2.numBatchesTracked(), bn1.numBatchesTracked());
    }

    @Test
    void agreesWithBatchNorm2d() {
        Tensor x2 = Tensor.normal(1f, 2f, new Generator(4), 6, 5);
        Tensor x3 = Tensor.normal(-1f, 3f, new Generator(5), 3, 4, 7);
        sameAs2d(x2, true);
        sameAs2d(x2, false);
        sameAs2d(x3, true);
        sameAs2d(x3, false);
    }

    @Test
    void trainingNormalisesEachFeature() {
        BatchNorm1d bn = new BatchNorm1d(3);
        float[] y = bn.forward(Tensor.normal(5f, 3f, new Generator(6), 200, 3)).toArray();
        for (int c = 0; c < 3; c++) {
            double s = 0, ss = 0;
            for (int i = 0; i < 200; i++) {
                s += y[i * 3 + c];
                ss += y[i * 3 + c] * y[i * 3 + c];
            }
            assertEquals(0, s / 200, 1e-4);
            assertEquals(1, ss / 200, 1e-3);
        }
        assertEquals(1, bn.numBatchesTracked());
        assertEquals(java.util.List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), java.util.List.copyOf(bn.stateDict().keySet()));
        assertEquals("BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", bn.toString());
    }

    @Test
    void clearErrors() {
        BatchNorm1d bn = new BatchNorm1d(4);
        var rank = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 4, 3, 3)));
        assertTrue(rank.getMessage().contains("[2, 4, 3, 3]"), rank.getMessage());
        var features = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 5)));
        assertTrue(features.getMessage().contains("4 features") && features.getMessage().contains("[2, 5]"), features.getMessage());
        var single = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(1, 4)));
        assertTrue(single.getMessage().contains("more than 1 value"), single.getMessage());
        bn.eval();
        assertArrayEquals(new int[] {1, 4}, bn.forward(Tensor.zeros(1, 4)).shape());
    }
}
