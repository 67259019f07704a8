package dev.jgrad.nn;

import dev.jgrad.autograd.GradCheck;
import dev.jgrad.ops.AdaptiveAvgPool2dOp;
import dev.jgrad.ops.AvgPool2dOp;
import dev.jgrad.ops.BatchNormOp;
import dev.jgrad.ops.MaxPool2dOp;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** BatchNorm2d, the poolings and Flatten: gradient checks on small shapes, behaviour PyTorch users rely on, and errors. */
class VisionLayersTest {
    private final Generator gen = new Generator(17);

    private Tensor randn(int... shape) {
        return Tensor.normal(0f, 1f, gen, shape).requiresGrad(true);
    }

    /** Distinct values at least 0.1 apart in random order, so that finite differences never change a max's winner. */
    private Tensor spread(int... shape) {
        int n = dev.jgrad.tensor.Shape.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2f) * 0.1f;
        for (int i = n - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape).requiresGrad(true);
    }

    // ---------------------------------------------------------------- BatchNorm2d

    @Test
    void batchNormGradCheckTrainAndEval() {
        Tensor x = randn(3, 2, 3, 3), w = randn(2), b = randn(2);
        GradCheck.check("batch_norm train", in -> BatchNormOp.batchNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, 1e-5),
                List.of(x, w, b));
        Tensor rm = Tensor.of(new float[] {0.3f, -0.2f}), rv = Tensor.of(new float[] {0.8f, 1.5f});
        GradCheck.check("batch_norm eval", in -> BatchNormOp.batchNorm(in.get(0), rm, rv, in.get(1), in.get(2), false, 0.1, 1e-5),
                List.of(x, w, b));
        GradCheck.check("batch_norm no affine", in -> BatchNormOp.batchNorm(in.get(0), null, null, null, null, true, 0.1, 1e-5), List.of(x));
    }

    @Test
    void batchNormTrainingNormalisesAndTracksStatistics() {
        BatchNorm2d bn = new BatchNorm2d(3);
        Tensor x = Tensor.normal(2f, 3f, gen, 8, 3, 4, 4);
        Tensor y = bn.forward(x);
        Tensor mean = y.mean(new int[] {0, 2, 3}, false), var = y.var(new int[] {0, 2, 3}, 0, false);
        for (int c = 0; c < 3; c++) {
            assertEquals(0, mean.get(c), 1e-5);
            assertEquals(1, var.get(c), 1e-3);
        }
        Tensor batchMean = x.mean(new int[] {0, 2, 3}, false), batchVar = x.var(new int[] {0, 2, 3}, false); // unbiased
        for (int c = 0; c < 3; c++) {
            assertEquals(0.1f * batchMean.get(c), bn.runningMean().get(c), 1e-5);
            assertEquals(0.9f + 0.1f * batchVar.get(c), bn.runningVar().get(c), 1e-4);
        }
        assertEquals(1, bn.numBatchesTracked());
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.stateDict().keySet()));
        assertArrayEquals(new int[0], bn.stateDict().get("num_batches_tracked").shape());

        // Eval: running statistics, no update.
        bn.eval();
        float[] rm = bn.runningMean().toArray();
        Tensor ye = bn.forward(x);
        assertArrayEquals(rm, bn.runningMean().toArray());
        assertEquals(1, bn.numBatchesTracked());
        float expected = (float) ((x.get(0, 1, 0, 0) - rm[1]) / Math.sqrt(bn.runningVar().get(1) + 1e-5));
        assertEquals(expected, ye.get(0, 1, 0, 0), 1e-5);
    }

    @Test
    void batchNormWithoutRunningStatsAlwaysUsesTheBatch() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5, 0.1, false, false);
        assertTrue(bn.stateDict().isEmpty());
        assertTrue(bn.parameters().isEmpty());
        bn.eval();
        Tensor y = bn.forward(Tensor.normal(5f, 2f, gen, 4, 2, 3, 3));
        assertEquals(0, y.mean().item(), 1e-5);
        assertEquals("BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)", bn.toString());
    }

    @Test
    void batchNormErrors() {
        BatchNorm2d bn = new BatchNorm2d(3);
        var rank = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 3, 4)));
        assertTrue(rank.getMessage().contains("expected 4D input") && rank.getMessage().contains("[2, 3, 4]"), rank.getMessage());
        var channels = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(2, 4, 3, 3)));
        assertTrue(channels.getMessage().contains("3 channels") && channels.getMessage().contains("[2, 4, 3, 3]"), channels.getMessage());
        var one = assertThrows(IllegalArgumentException.class, () -> bn.forward(Tensor.zeros(1, 3, 1, 1)));
        assertTrue(one.getMessage().contains("more than 1 value per channel"), one.getMessage());
        assertEquals(0, bn.numBatchesTracked(), "a rejected batch is not counted");
        bn.eval();
        assertArrayEquals(new int[] {1, 3, 1, 1}, bn.forward(Tensor.zeros(1, 3, 1, 1)).shape());
    }

    // ---------------------------------------------------------------- pooling

    @Test
    void poolingGradChecks() {
        Tensor x = spread(2, 2, 7, 7);
        GradCheck.check("max_pool2d 3/2/1", in -> MaxPool2dOp.maxPool2d(in.get(0), new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, false),
                List.of(x));
        GradCheck.check("max_pool2d dilation ceil", in -> MaxPool2dOp.maxPool2d(in.get(0), new int[] {2, 3}, new int[] {2, 1}, new int[] {1},
                new int[] {2}, true), List.of(x));
        Tensor a = randn(2, 2, 6, 5);
        GradCheck.check("avg_pool2d", in -> AvgPool2dOp.avgPool2d(in.get(0), new int[] {3}, new int[] {2}, new int[] {1}, true, false), List.of(a));
        GradCheck.check("avg_pool2d include pad", in -> AvgPool2dOp.avgPool2d(in.get(0), new int[] {2}, null, new int[] {1}, false, true), List.of(a));
        GradCheck.check("adaptive 1", in -> AdaptiveAvgPool2dOp.adaptiveAvgPool2d(in.get(0), 1, 1), List.of(a));
        GradCheck.check("adaptive 4x3", in -> AdaptiveAvgPool2dOp.adaptiveAvgPool2d(in.get(0), 4, 3), List.of(a));
    }

    @Test
    void maxPoolRoutesTheGradientToTheFirstMaximumAndPropagatesNaN() {
        Tensor x = Tensor.of(new float[] {1, 3, 3, 0}, 1, 1, 2, 2).requiresGrad(true);
        Tensor y = new MaxPool2d(2).forward(x);
        assertEquals(3f, y.item());
        y.sum().backward();
        assertArrayEquals(new float[] {0, 1, 0, 0}, x.grad().toArray());
        Tensor n = Tensor.of(new float[] {1, Float.NaN, 5, 0}, 1, 2, 2);
        assertTrue(Float.isNaN(new MaxPool2d(2).forward(n).item()));
    }

    @Test
    void poolingShapesDefaultsAndRepr() {
        Tensor x = Tensor.zeros(2, 3, 32, 32);
        assertArrayEquals(new int[] {2, 3, 16, 16}, new MaxPool2d(3, 2, 1).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 16, 16}, new MaxPool2d(2).forward(x).shape());
        assertArrayEquals(new int[] {3, 11, 11}, new MaxPool2d(3, 3, 0, 1, true).forward(Tensor.zeros(3, 32, 32)).shape());
        assertArrayEquals(new int[] {2, 3, 8, 8}, new AvgPool2d(4).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 1, 1}, new AdaptiveAvgPool2d(1).forward(x).shape());
        assertArrayEquals(new int[] {2, 3}, new Flatten().forward(new AdaptiveAvgPool2d(1).forward(x)).shape());
        assertArrayEquals(new int[] {6, 32, 32}, new Flatten(0, 1).forward(x).shape());
        assertEquals("MaxPool2d(kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(1, 1), ceil_mode=False)", new MaxPool2d(3, 2, 1).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).toString());
        assertEquals("Flatten(start_dim=1, end_dim=-1)", new Flatten().toString());
        // A ResNet-style head in a Sequential.
        Sequential head = new Sequential(new AdaptiveAvgPool2d(1), new Flatten(), new Linear(3, 10));
        assertArrayEquals(new int[] {2, 10}, head.forward(x).shape());
    }

    @Test
    void adaptiveAveragePoolingUsesPyTorchsOverlappingWindows() {
        // 5 -> 3: rows [0,2), [1,4), [3,5).
        Tensor x = Tensor.arange(5).reshape(1, 1, 1, 5);
        assertArrayEquals(new float[] {0.5f, 2f, 3.5f}, AdaptiveAvgPool2dOp.adaptiveAvgPool2d(x, 1, 3).toArray());
    }

    @Test
    void poolingErrors() {
        var rank = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2).forward(Tensor.zeros(4, 4)));
        assertTrue(rank.getMessage().contains("[4, 4]"), rank.getMessage());
        var pad = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(3, 1, 2));
        assertTrue(pad.getMessage().contains("half of kernel_size"), pad.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(5).forward(Tensor.zeros(1, 2, 3, 8)));
        assertTrue(small.getMessage().contains("(2x3x8)") && small.getMessage().contains("Output size is too small"), small.getMessage());
        var adaptive = assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(1).forward(Tensor.zeros(2, 3, 4, 4, 4)));
        assertTrue(adaptive.getMessage().contains("[2, 3, 4, 4, 4]"), adaptive.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(0));
    }
}
