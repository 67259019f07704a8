package dev.jgrad.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Unary backward rules read their inputs in place when they can: views and strided gradients must still be right. */
class UnaryBackwardTest {

    @Test
    void reluGradientOnLargeViewsAndStridedGradients() {
        Tensor base = Tensor.normal(0f, 1f, new Generator(3), 300, 500); // big enough to be split across cores
        for (Tensor x : new Tensor[] {base.detach().requiresGrad(true), base.t().detach().requiresGrad(true),
                base.narrow(1, 7, 400).detach().requiresGrad(true)}) {
            Tensor g = Tensor.normal(0f, 1f, new Generator(4), x.size(1), x.size(0)).t(); // a transposed (strided) gradient
            x.relu().backward(g);
            float[] xs = x.toArray(), gs = g.toArray(), want = new float[xs.length];
            for (int i = 0; i < xs.length; i++) want[i] = xs[i] > 0f ? gs[i] : 0f;
            assertArrayEquals(want, x.grad().toArray(), 0f);
        }
    }

    @Test
    void expAndTanhGradientsOnAnOffsetView() {
        Tensor base = Tensor.normal(0f, 1f, new Generator(5), 10, 6);
        Tensor x = base.narrow(0, 3, 4).detach().requiresGrad(true);
        Tensor xs = x.detach();
        x.exp().sum().backward();
        assertArrayEquals(xs.exp().toArray(), x.grad().toArray(), 0f);
        Tensor y = base.narrow(0, 3, 4).detach().requiresGrad(true);
        y.tanh().sum().backward();
        float[] t = xs.tanh().toArray(), want = new float[t.length];
        for (int i = 0; i < t.length; i++) want[i] = 1f - t[i] * t[i];
        assertArrayEquals(want, y.grad().toArray(), 0f);
    }
}
