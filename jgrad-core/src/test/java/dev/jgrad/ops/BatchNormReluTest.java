package dev.jgrad.ops;

import dev.jgrad.autograd.GradCheck;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BatchNorm2d.forwardRelu / forwardAddRelu (one fused op) against the same module's forward followed by the
 * generic relu (and add): outputs, every gradient (input, weight, bias, residual) and the running statistics,
 * in training and eval mode; finite differences on the op itself; errors name the shapes.
 */
class BatchNormReluTest {

    private static BatchNorm2d bn(int c, int seed) {
        BatchNorm2d m = new BatchNorm2d(c);
        var state = m.stateDict();
        state.put("weight", Tensor.uniform(0.5f, 1.5f, new Generator(seed), c));
        state.put("bias", Tensor.uniform(-1f, 1f, new Generator(seed + 1), c));
        m.loadStateDict(state);
        return m;
    }

    private static void compare(boolean training, boolean withResidual) {
        int[] shape = {3, 4, 5, 6};
        BatchNorm2d fused = bn(4, 10), plain = bn(4, 10);
        fused.train(training);
        plain.train(training);
        if (!training) { // non-trivial running statistics
            for (BatchNorm2d m : new BatchNorm2d[] {fused, plain}) {
                m.runningMean().copyFrom(Tensor.of(new float[] {0.5f, -0.2f, 0.1f, 1f}, 4));
                m.runningVar().copyFrom(Tensor.of(new float[] {2f, 0.5f, 1.5f, 0.8f}, 4));
            }
        }
        Tensor x = Tensor.normal(0.3f, 1.5f, new Generator(11), shape);
        Tensor r = Tensor.normal(0f, 1f, new Generator(12), shape);
        Tensor xa = x.clone().requiresGrad(true), xb = x.clone().requiresGrad(true);
        Tensor ra = r.clone().requiresGrad(true), rb = r.clone().requiresGrad(true);
        Tensor ya = withResidual ? fused.forwardAddRelu(xa, ra) : fused.forwardRelu(xa);
        Tensor yb = withResidual ? plain.forward(xb).add(rb).relu() : plain.forward(xb).relu();
        String what = (training ? "training" : "eval") + (withResidual ? " with residual" : "");
        assertArrayEquals(yb.toArray(), ya.toArray(), 1e-6f, what + " output");
        Tensor g = Tensor.normal(0f, 1f, new Generator(13), shape);
        ya.backward(g);
        yb.backward(g);
        assertArrayEquals(xb.grad().toArray(), xa.grad().toArray(), 1e-5f, what + " x.grad");
        assertArrayEquals(plain.weight().grad().toArray(), fused.weight().grad().toArray(), 1e-4f, what + " weight.grad");
        assertArrayEquals(plain.bias().grad().toArray(), fused.bias().grad().toArray(), 1e-4f, what + " bias.grad");
        if (withResidual) assertArrayEquals(rb.grad().toArray(), ra.grad().toArray(), 0f, what + " residual.grad");
        assertArrayEquals(plain.runningMean().toArray(), fused.runningMean().toArray(), 0f, what + " running_mean");
        assertArrayEquals(plain.runningVar().toArray(), fused.runningVar().toArray(), 0f, what + " running_var");
        assertEquals(plain.numBatchesTracked(), fused.numBatchesTracked());
    }

    @Test
    void fusedOpsMatchTheComposition() {
        compare(true, false);
        compare(true, true);
        compare(false, false);
        compare(false, true);
    }

    @Test
    void gradCheck() {
        Generator gen = new Generator(14);
        // Values kept away from the ReLU's kink, where finite differences are meaningless.
        Tensor x = Tensor.normal(0f, 1f, gen, 2, 3, 3, 2).requiresGrad(true);
        Tensor w = Tensor.uniform(0.5f, 1.5f, gen, 3).requiresGrad(true), b = Tensor.uniform(1f, 2f, gen, 3).requiresGrad(true);
        Tensor r = Tensor.uniform(0.5f, 1f, gen, 2, 3, 3, 2).requiresGrad(true);
        GradCheck.check("batchNormAddRelu", in -> BatchNormOp.batchNormRelu(in.get(0), in.get(3), null, null, in.get(1), in.get(2), true, 0.1, 1e-5),
                List.of(x, w, b, r));
        GradCheck.check("batchNormRelu", in -> BatchNormOp.batchNormRelu(in.get(0), null, null, null, in.get(1), in.get(2), true, 0.1, 1e-5),
                List.of(x, w, b));
    }

    @Test
    void residualOfAnotherShapeIsRefused() {
        BatchNorm2d m = new BatchNorm2d(2);
        var e = assertThrows(IllegalArgumentException.class, () -> m.forwardAddRelu(Tensor.zeros(2, 2, 3, 3), Tensor.zeros(2, 2, 3, 4)));
        assertTrue(e.getMessage().contains("[2, 2, 3, 4]") && e.getMessage().contains("[2, 2, 3, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.forwardAddRelu(Tensor.zeros(2, 2, 3, 3), null));
    }
}
