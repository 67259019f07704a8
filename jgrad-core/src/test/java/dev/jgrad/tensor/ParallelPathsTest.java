package dev.jgrad.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The paths that read in place or split across cores: unary backward rules on views and strided gradients, same-shape
 * binary ops (also in place), and Generator.nextFloats against one nextFloat() at a time.
 */
class ParallelPathsTest {

    @Test
    void nextFloatsIsTheSameStreamAsNextFloat() {
        for (int n : new int[] {0, 1, 5, 100_000}) {
            Generator a = new Generator(42), b = new Generator(42);
            a.nextFloat(); // not at the start of the stream
            b.nextFloat();
            float[] got = new float[n + 3];
            a.nextFloats(got, 2, 2 + n);
            for (int i = 0; i < n; i++) assertEquals(b.nextFloat(), got[2 + i], "draw " + i);
            assertEquals(b.nextLong(), a.nextLong(), "and the generator continues from the same place");
        }
        assertThrows(IndexOutOfBoundsException.class, () -> new Generator(1).nextFloats(new float[3], 2, 5));
    }

    @Test
    void reservedDrawsAreTheSameStreamInAnyOrder() {
        Generator a = new Generator(7), b = new Generator(7);
        a.nextFloat();
        b.nextFloat();
        Generator.FloatDraws draws = a.reserveFloats(50);
        float[] expected = new float[50], got = new float[50];
        for (int i = 0; i < 50; i++) expected[i] = b.nextFloat();
        draws.fill(got, 0, 30, 20); // the later part first, as another core might
        draws.fill(got, 0, 0, 30);
        draws.fill(got, 30, 30, 20);
        assertArrayEquals(expected, got);
        assertEquals(b.nextLong(), a.nextLong(), "the generator continues after the reserved draws");
        assertThrows(IndexOutOfBoundsException.class, () -> draws.fill(new float[10], 0, 45, 10));
        assertThrows(IllegalArgumentException.class, () -> a.reserveFloats(-1));
    }

    @Test
    void largeSameShapeBinaryOpsAlsoInPlace() {
        Tensor a = Tensor.normal(0f, 1f, new Generator(6), 400, 300), b = Tensor.normal(0f, 1f, new Generator(7), 400, 300);
        float[] as = a.toArray(), bs = b.toArray();
        float[] sum = a.add(b).toArray(), prod = a.mul(b).toArray(), diff = a.sub(b).toArray(), quot = a.div(b).toArray();
        for (int i = 0; i < as.length; i++) {
            assertEquals(as[i] + bs[i], sum[i]);
            assertEquals(as[i] * bs[i], prod[i]);
            assertEquals(as[i] - bs[i], diff[i]);
            assertEquals(as[i] / bs[i], quot[i]);
        }
        // offset views of one storage, and an in-place update
        Tensor big = Tensor.normal(0f, 1f, new Generator(8), 2, 120_000);
        Tensor lo = big.select(0, 0), hi = big.select(0, 1);
        float[] l = lo.toArray(), h = hi.toArray(), s2 = lo.add(hi).toArray();
        for (int i = 0; i < l.length; i++) assertEquals(l[i] + h[i], s2[i]);
        lo.addInPlace(hi);
        float[] after = lo.toArray();
        for (int i = 0; i < l.length; i++) assertEquals(l[i] + h[i], after[i]);
        assertArrayEquals(h, hi.toArray(), 0f);
    }

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
