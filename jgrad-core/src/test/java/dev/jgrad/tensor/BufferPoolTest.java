package dev.jgrad.tensor;

import dev.jgrad.autograd.GradMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The pool's rules: who gets pooled storage, and that no storage comes back while a tensor or node may still read it. */
class BufferPoolTest {
    private static final int N = 4096; // large enough to be pooled

    @Test
    void outsideAScopeArraysAreNewAndNeverLeased() {
        float[] a = BufferPool.floats(N), b = BufferPool.floats(N);
        assertNotSame(a, b);
        assertFalse(BufferPool.isLeased(Tensor.of(a, N)));
    }

    @Test
    void aClosedScopesArraysAreReusedZeroFilled() {
        float[] first;
        try (BufferPool.Scope s = BufferPool.open(true)) {
            first = BufferPool.floats(N);
            java.util.Arrays.fill(first, 7f);
        }
        try (BufferPool.Scope s = BufferPool.open(true)) {
            float[] again = BufferPool.floats(N);
            assertSame(first, again, "the free array of the same length is reused");
            for (float v : again) assertEquals(0f, v);
        }
    }

    @Test
    void aNodeKeepsWhatItSavedUntilBackwardReleasesIt() {
        Tensor w = Tensor.ones(N).requiresGrad(true);
        Tensor y, loss;
        try (BufferPool.Scope s = BufferPool.open(true)) {
            y = w.mul(2f).exp(); // exp saves its output, which lives in the scope
            loss = s.leave(() -> y.sum());
        }
        assertTrue(BufferPool.isLeased(y), "the exp node still holds its output");
        try (BufferPool.Scope s = BufferPool.open(true)) {
            float[] other = BufferPool.floats(N);
            assertNotSame(y.storage(), other, "held storage is not handed out again");
        }
        loss.backward();
        assertFalse(BufferPool.isLeased(y), "backward released the graph, and with it the storage");
        assertEquals((float) (2 * Math.exp(2)), w.grad().get(0), 1e-4f);
    }

    @Test
    void retainGraphKeepsTheBuffersForASecondBackward() {
        Tensor w = Tensor.full(0.5f, N).requiresGrad(true);
        Tensor loss;
        try (BufferPool.Scope s = BufferPool.open(true)) {
            Tensor h = w.tanh().mul(w);
            loss = s.leave(() -> h.sum());
        }
        loss.backward(null, true);
        float first = w.grad().get(3);
        w.zeroGrad();
        try (BufferPool.Scope s = BufferPool.open(true)) {
            Tensor noise = Tensor.of(BufferPool.floats(N), N).add(5f); // would overwrite a wrongly freed buffer
            assertEquals(5f, noise.get(0));
        }
        loss.backward();
        assertEquals(first, w.grad().get(3));
    }

    @Test
    void leaveRefusesAResultOverTheScopesOwnStorage() {
        try (BufferPool.Scope s = BufferPool.open(true)) {
            Tensor t = Tensor.of(BufferPool.floats(N), N);
            assertThrows(IllegalStateException.class, () -> s.leave(() -> t.reshape(64, 64)));
        }
    }

    @Test
    void leaveAllocatesInTheEnclosingScopeOrAfresh() {
        try (BufferPool.Scope outer = BufferPool.open(true)) {
            Tensor fromInner;
            try (BufferPool.Scope inner = BufferPool.open(true)) {
                fromInner = inner.leave(() -> Tensor.of(BufferPool.floats(N), N));
            }
            assertTrue(BufferPool.isLeased(fromInner), "leased by the outer scope, still open");
            Tensor fresh = outer.leave(() -> Tensor.of(BufferPool.floats(N), N));
            assertFalse(BufferPool.isLeased(fresh));
        }
    }

    @Test
    void leafGradientsAreCopiesTheNextStepCannotTouch() {
        Tensor w = Tensor.ones(N).requiresGrad(true);
        try (var g = GradMode.enableGrad()) {
            w.mul(3f).sum().backward();
        }
        Tensor kept = w.grad();
        assertFalse(BufferPool.isLeased(kept));
        w.zeroGrad();
        w.mul(5f).sum().backward();
        assertEquals(3f, kept.get(0), "a gradient the caller kept is not reused by the next backward");
        assertEquals(5f, w.grad().get(0));
    }
}
