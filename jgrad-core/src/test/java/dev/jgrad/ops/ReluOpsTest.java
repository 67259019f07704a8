package dev.jgrad.ops;

import dev.jgrad.autograd.GradCheck;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ReluOpsTest {

    /** Values kept away from 0, where ReLU has no derivative for finite differences to find. */
    static Tensor awayFromZero(Generator gen, int... shape) {
        Tensor t = Tensor.uniform(0.1f, 1f, gen, shape);
        Tensor sign = Tensor.bernoulli(0.5f, gen, shape).mul(2f).sub(1f);
        return t.mul(sign).requiresGrad(true);
    }

    @Test
    void fusedReluOpsMatchTheGenericOnesValuesAndGradients() {
        Generator gen = new Generator(4);
        // large enough to be split across threads
        Tensor a = Tensor.normal(0f, 1f, gen, 4, 16, 32, 32).requiresGrad(true), b = Tensor.normal(0f, 1f, gen, 4, 16, 32, 32).requiresGrad(true);
        Tensor g = Tensor.normal(0f, 1f, gen, 4, 16, 32, 32);
        Tensor fused = ReluOps.addRelu(a, b);
        fused.backward(g);
        float[] ga = a.grad().toArray(), gb = b.grad().toArray();
        a.zeroGrad();
        b.zeroGrad();
        Tensor generic = a.add(b).relu();
        generic.backward(g);
        assertArrayEquals(generic.toArray(), fused.toArray());
        assertArrayEquals(a.grad().toArray(), ga);
        assertArrayEquals(b.grad().toArray(), gb);

        Tensor x = Tensor.normal(0f, 1f, gen, 3, 5, 7).requiresGrad(true);
        Tensor view = x.transpose(0, 2); // not contiguous
        assertArrayEquals(view.relu().toArray(), ReluOps.relu(view).toArray());
        assertArrayEquals(new int[] {7, 5, 3}, ReluOps.relu(view).shape());
    }

    @Test
    void gradientsPassFiniteDifferenceChecks() {
        Generator gen = new Generator(5);
        GradCheck.check("relu", in -> ReluOps.relu(in.get(0)), List.of(awayFromZero(gen, 2, 3, 4)));
        GradCheck.check("add_relu", in -> ReluOps.addRelu(in.get(0), in.get(1).mul(0.01f)),
                List.of(awayFromZero(gen, 2, 3, 4), awayFromZero(gen, 2, 3, 4)));
        GradCheck.check("add_relu broadcast", in -> ReluOps.addRelu(in.get(0), in.get(1).mul(0.01f)),
                List.of(awayFromZero(gen, 2, 3, 4), awayFromZero(gen, 3, 1)));
    }
}
