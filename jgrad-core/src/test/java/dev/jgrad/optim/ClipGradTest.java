package dev.jgrad.optim;

import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClipGradTest {

    private static Tensor withGrad(float... g) {
        Tensor p = Tensor.zeros(g.length).requiresGrad(true);
        p.setGrad(Tensor.of(g, g.length));
        return p;
    }

    @Test
    void clipsTheTotalTwoNorm() {
        Tensor a = withGrad(3, 4), b = withGrad(12), none = Tensor.zeros(2).requiresGrad(true);
        double total = ClipGrad.clipGradNorm(List.of(a, none, b), 6.5);
        assertEquals(13.0, total, 1e-6, "the norm over all gradients, before clipping");
        // coefficient 6.5 / (13 + 1e-6)
        assertArrayEquals(new float[] {1.5f, 2f}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[] {6f}, b.grad().toArray(), 1e-6f);
        assertNull(none.grad());
        double after = ClipGrad.clipGradNorm(List.of(a, b), 100);
        assertEquals(6.5, after, 1e-5);
        assertArrayEquals(new float[] {1.5f, 2f}, a.grad().toArray(), 1e-6f, "below maxNorm nothing changes");
    }

    @Test
    void belowTheLimitGradientsAreUntouched() {
        Tensor a = withGrad(0.3f, -0.4f);
        assertEquals(0.5, ClipGrad.clipGradNorm(List.of(a), 1.0), 1e-7);
        assertArrayEquals(new float[] {0.3f, -0.4f}, a.grad().toArray());
    }

    @Test
    void infinityNormIsTheLargestMagnitude() {
        Tensor a = withGrad(3, -4), b = withGrad(-12, 1);
        double total = ClipGrad.clipGradNorm(List.of(a, b), 6, Double.POSITIVE_INFINITY);
        assertEquals(12.0, total);
        assertArrayEquals(new float[] {1.5f, -2f}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[] {-6f, 0.5f}, b.grad().toArray(), 1e-6f);
    }

    @Test
    void otherPNorms() {
        Tensor a = withGrad(3, -4), b = withGrad(12);
        assertEquals(19.0, ClipGrad.clipGradNorm(List.of(a, b), 100, 1), 1e-5);
        assertEquals(Math.cbrt(27 + 64 + 1728), ClipGrad.clipGradNorm(List.of(a, b), 100, 3), 1e-4);
    }

    @Test
    void noGradientsGiveZero() {
        assertEquals(0.0, ClipGrad.clipGradNorm(List.of(Tensor.zeros(3).requiresGrad(true)), 1.0));
    }

    @Test
    void nonFiniteNorms() {
        Tensor a = withGrad(Float.NaN, 1), b = withGrad(2);
        var e = assertThrows(IllegalStateException.class, () -> ClipGrad.clipGradNorm(List.of(a, b), 1.0, 2.0, true));
        assertTrue(e.getMessage().contains("order 2.0") && e.getMessage().contains("2 parameters") && e.getMessage().contains("NaN"), e.getMessage());
        assertArrayEquals(new float[] {2f}, b.grad().toArray(), "nothing changed");
        // Without the check PyTorch scales by the NaN coefficient anyway.
        assertTrue(Double.isNaN(ClipGrad.clipGradNorm(List.of(a, b), 1.0)));
        assertTrue(Float.isNaN(b.grad().item()));
        Tensor c = withGrad(Float.POSITIVE_INFINITY, 1);
        assertEquals(Double.POSITIVE_INFINITY, ClipGrad.clipGradNorm(List.of(c), 1.0, Double.POSITIVE_INFINITY));
        assertEquals(0f, c.grad().get(1));
    }

    @Test
    void badArgumentsFailClearly() {
        Tensor a = withGrad(1);
        var e = assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradNorm(List.of(a), 1.0, 0));
        assertTrue(e.getMessage().contains("normType must be positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradNorm(List.of(a), -1.0));
        assertThrows(IllegalArgumentException.class, () -> ClipGrad.clipGradValue(List.of(a), Double.NaN));
    }

    @Test
    void clipGradValueClampsElements() {
        Tensor a = withGrad(-3, 0.5f, 2, Float.NaN), none = Tensor.zeros(1).requiresGrad(true);
        ClipGrad.clipGradValue(List.of(a, none), 1.0);
        assertArrayEquals(new float[] {-1f, 0.5f, 1f, Float.NaN}, a.grad().toArray());
        assertNull(none.grad());
    }

    @Test
    void nonContiguousGradientsAreReplacedByContiguousCopies() {
        Tensor p = Tensor.zeros(2, 2).requiresGrad(true);
        p.setGrad(Tensor.of(new float[] {3, 0, 4, 0}, 2, 2).t());
        assertEquals(5.0, ClipGrad.clipGradNorm(List.of(p), 1.0), 1e-6);
        assertTrue(p.grad().isContiguous());
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0}, p.grad().toArray(), 1e-6f);
    }
}
