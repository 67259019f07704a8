package dev.jgrad.ops;

import dev.jgrad.nn.Functional;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The fused dropout against the composition it replaced: same values, same gradients, same random draws. */
class DropoutOpTest {

    private static Tensor composed(Tensor x, double p, Generator gen) {
        Tensor mask = Tensor.bernoulli((float) (1 - p), gen, x.shape()).mul((float) (1 / (1 - p)));
        return x.mul(mask);
    }

    @Test
    void bitForBitTheOldCompositionForwardAndBackward() {
        for (double p : new double[] {0.1, 0.5, 0.9}) {
            for (boolean transposed : new boolean[] {false, true}) {
                Tensor base = Tensor.normal(0f, 1f, new Generator(1), 6, 7);
                Tensor a = (transposed ? base.t() : base).detach().requiresGrad(true);
                Tensor b = (transposed ? base.t() : base).detach().requiresGrad(true);
                Generator ga = new Generator(9), gb = new Generator(9);
                Tensor ya = Functional.dropout(a, p, true, ga), yb = composed(b, p, gb);
                assertArrayEquals(yb.shape(), ya.shape());
                assertArrayEquals(yb.toArray(), ya.toArray(), 0f, "p=" + p + " transposed=" + transposed);
                assertEquals(gb.nextLong(), ga.nextLong(), "the same number of draws");
                Tensor w = Tensor.normal(0f, 1f, new Generator(2), ya.shape());
                ya.mul(w).sum().backward();
                yb.mul(w).sum().backward();
                assertArrayEquals(b.grad().toArray(), a.grad().toArray(), 0f);
            }
        }
    }

    @Test
    void largeTensorsSplitAcrossChunksAndCoresDrawTheSameStream() {
        Tensor base = Tensor.normal(0f, 1f, new Generator(3), 301, 251); // several 2,048-draw chunks per core
        Tensor a = base.detach().requiresGrad(true), b = base.detach().requiresGrad(true);
        Generator ga = new Generator(4), gb = new Generator(4);
        Tensor ya = Functional.dropout(a, 0.3, true, ga), yb = composed(b, 0.3, gb);
        assertArrayEquals(yb.toArray(), ya.toArray(), 0f);
        assertEquals(gb.nextLong(), ga.nextLong(), "the same number of draws");
        Tensor w = Tensor.normal(0f, 1f, new Generator(5), ya.shape());
        ya.mul(w).sum().backward();
        yb.mul(w).sum().backward();
        assertArrayEquals(b.grad().toArray(), a.grad().toArray(), 0f);
    }

    @Test
    void evalModeAndPZeroReturnTheInputAndNoGradInputsRecordNothing() {
        Tensor x = Tensor.ones(3, 4);
        assertSame(x, Functional.dropout(x, 0.5, false, new Generator(0)));
        assertSame(x, Functional.dropout(x, 0.0, true, new Generator(0)));
        assertFalse(Functional.dropout(x, 0.5, true, new Generator(0)).requiresGrad());
    }
}
