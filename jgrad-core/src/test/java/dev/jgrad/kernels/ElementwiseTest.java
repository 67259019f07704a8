package dev.jgrad.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** VectorKernels against ScalarKernels (and java.lang.Math) on every length 0..67 and several offsets. */
class ElementwiseTest {

    private static final Kernels S = new ScalarKernels();
    private static final Kernels V = new VectorKernels();
    private static final float SENTINEL = -12345.5f;

    private static float[] random(SplittableRandom rnd, int size, double lo, double hi) {
        float[] x = new float[size];
        for (int i = 0; i < x.length; i++) x[i] = (float) (lo + rnd.nextDouble() * (hi - lo));
        return x;
    }

    private interface Binary {
        void apply(Kernels k, float[] x, int xo, float[] y, int yo, float[] out, int oo, int n);
    }

    private static void checkBinary(String name, Binary op) {
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        for (int n = 0; n <= 67; n++) {
            for (int off = 0; off < 4; off++) {
                float[] x = random(rnd, n + 8, -3, 3), y = random(rnd, n + 8, 0.5, 3);
                float[] o1 = new float[n + 8], o2 = new float[n + 8];
                java.util.Arrays.fill(o1, SENTINEL);
                java.util.Arrays.fill(o2, SENTINEL);
                op.apply(S, x, off, y, (off + 1) % 4, o1, 3 - off, n);
                op.apply(V, x, off, y, (off + 1) % 4, o2, 3 - off, n);
                // add/sub/mul/div/scaleShift/relu are single IEEE operations: results must be bit-identical,
                // and nothing outside [outOff, outOff + n) may be written.
                assertTrue(java.util.Arrays.equals(o1, o2), name + " n=" + n + " off=" + off);
            }
        }
    }

    @Test
    void binaryOpsMatchExactly() {
        checkBinary("add", (k, x, xo, y, yo, o, oo, n) -> k.elementwise().add(x, xo, y, yo, o, oo, n));
        checkBinary("sub", (k, x, xo, y, yo, o, oo, n) -> k.elementwise().sub(x, xo, y, yo, o, oo, n));
        checkBinary("mul", (k, x, xo, y, yo, o, oo, n) -> k.elementwise().mul(x, xo, y, yo, o, oo, n));
        checkBinary("div", (k, x, xo, y, yo, o, oo, n) -> k.elementwise().div(x, xo, y, yo, o, oo, n));
        checkBinary("scaleShift", (k, x, xo, y, yo, o, oo, n) -> k.elementwise().scaleShift(x, xo, 1.7f, -0.3f, o, oo, n));
        checkBinary("relu", (k, x, xo, y, yo, o, oo, n) -> k.elementwise().relu(x, xo, o, oo, n));
    }

    @Test
    void dropoutMatchesExactly() {
        SplittableRandom rnd = new SplittableRandom(31);
        float scale = 1f / 0.9f;
        for (int n = 0; n <= 67; n++) {
            for (int off = 0; off < 4; off++) {
                float[] x = random(rnd, n + 8, -3, 3), u = random(rnd, n + 8, 0, 1), g = random(rnd, n + 8, -2, 2);
                if (n > 2) {
                    u[off] = 0.9f;                // exactly keep: dropped, as u < keep is false
                    x[(off + 1) % 4 + 1] = Float.NaN; // a NaN stays NaN whether kept or dropped, as x * 0 in PyTorch
                }
                float[] o1 = new float[n + 8], o2 = new float[n + 8], d1 = new float[n + 8], d2 = new float[n + 8];
                boolean[] k1 = new boolean[n + 8], k2 = new boolean[n + 8];
                java.util.Arrays.fill(o1, SENTINEL);
                java.util.Arrays.fill(o2, SENTINEL);
                S.elementwise().dropout(u, off, 0.9f, scale, x, (off + 1) % 4, o1, 3 - off, k1, off, n);
                V.elementwise().dropout(u, off, 0.9f, scale, x, (off + 1) % 4, o2, 3 - off, k2, off, n);
                assertTrue(java.util.Arrays.equals(k1, k2), "mask n=" + n + " off=" + off);
                assertTrue(java.util.Arrays.equals(o1, o2), "out n=" + n + " off=" + off);
                S.elementwise().dropoutBackward(g, 3 - off, k1, off, scale, d1, off, n);
                V.elementwise().dropoutBackward(g, 3 - off, k1, off, scale, d2, off, n);
                assertTrue(java.util.Arrays.equals(d1, d2), "backward n=" + n + " off=" + off);
                for (int i = 0; i < n; i++) {
                    float m = u[off + i] < 0.9f ? scale : 0f;
                    assertEquals(m != 0f, k1[off + i], "mask at " + i);
                    assertEquals(x[(off + 1) % 4 + i] * m, o1[3 - off + i], "out at " + i);
                    assertEquals(g[3 - off + i] * m, d1[off + i], "backward at " + i);
                }
                for (int i = 0; i < 3 - off; i++) assertEquals(SENTINEL, o1[i], "nothing written before the range");
                for (int i = 3 - off + n; i < n + 8; i++) assertEquals(SENTINEL, o1[i], "nothing written after the range");
            }
        }
    }

    @Test
    void reluKeepsNaN() {
        float[] x = {Float.NaN, -1f, 2f, -0f};
        for (Kernels k : new Kernels[] {S, V}) {
            float[] big = new float[64];
            for (int i = 0; i < 64; i++) big[i] = x[i % 4];
            float[] out = new float[64];
            k.elementwise().relu(big, 0, out, 0, 64);
            for (int i = 0; i < 64; i += 4) {
                assertTrue(Float.isNaN(out[i]));
                assertEquals(0f, out[i + 1]);
                assertEquals(2f, out[i + 2]);
            }
        }
    }

    @Test
    void axpyAndReductions() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int n = 0; n <= 67; n++) {
            for (int off = 0; off < 4; off++) {
                float[] x = random(rnd, n + 4, -2, 2), y = random(rnd, n + 4, -2, 2);
                double dot = 0, dotMag = 0, sum = 0, sumMag = 0;
                for (int i = 0; i < n; i++) {
                    dot += (double) x[off + i] * y[3 - off + i];
                    dotMag += Math.abs((double) x[off + i] * y[3 - off + i]);
                    sum += x[off + i];
                    sumMag += Math.abs(x[off + i]);
                }
                double tol = 1e-6 * (n + 1);
                for (Kernels k : new Kernels[] {S, V}) {
                    String where = k.getClass().getSimpleName() + " n=" + n + " off=" + off;
                    assertEquals(dot, k.elementwise().dot(x, off, y, 3 - off, n), tol * dotMag + 1e-30, "dot " + where);
                    assertEquals(sum, k.elementwise().sum(x, off, n), tol * sumMag + 1e-30, "sum " + where);
                    if (n > 0) assertEquals(S.elementwise().max(x, off, n), k.elementwise().max(x, off, n), "max " + where);
                    float[] y1 = y.clone();
                    k.elementwise().axpy(0.7f, x, off, y1, 3 - off, n);
                    for (int i = 0; i < y.length; i++) {
                        int rel = i - (3 - off);
                        double want = rel >= 0 && rel < n ? y[i] + 0.7 * x[off + rel] : y[i];
                        assertEquals(want, y1[i], 1e-6 * (Math.abs(want) + 1), "axpy " + where + " i=" + i);
                    }
                }
            }
        }
    }

    private interface Unary {
        void apply(Kernels k, float[] x, int xo, float[] out, int oo, int n);
    }

    /** Compares to the double-precision function: within {@code ulps} ulps of the float result, or 1e-30 absolute near 0. */
    private static void checkTranscendental(String name, Unary op, java.util.function.DoubleUnaryOperator ref, float lo, float hi, double ulps) {
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        for (Kernels k : new Kernels[] {S, V}) {
            // Lengths 0..67 and offsets exercise the vector loop and its tail.
            for (int n = 0; n <= 67; n++) {
                float[] x = random(rnd, n + 3, lo, hi);
                float[] out = new float[n + 5];
                java.util.Arrays.fill(out, SENTINEL);
                op.apply(k, x, n % 3, out, 2, n);
                for (int i = 0; i < out.length; i++) {
                    if (i < 2 || i >= n + 2) {
                        assertEquals(SENTINEL, out[i], name + " wrote outside the range");
                    } else {
                        assertClose(name, k, x[n % 3 + i - 2], out[i], ref, ulps);
                    }
                }
            }
            // A dense sweep, including the extremes.
            int count = 20001;
            float[] x = new float[count];
            for (int i = 0; i < count; i++) x[i] = lo + (hi - lo) * i / (count - 1);
            float[] out = new float[count];
            op.apply(k, x, 0, out, 0, count);
            for (int i = 0; i < count; i++) assertClose(name, k, x[i], out[i], ref, ulps);
        }
    }

    private static void assertClose(String name, Kernels k, float x, float got, java.util.function.DoubleUnaryOperator ref, double ulps) {
        double want = ref.applyAsDouble(x);
        float wantF = (float) want;
        String where = name + "(" + x + ") " + k.getClass().getSimpleName() + ": got " + got + ", want " + want;
        if (Float.isInfinite(wantF)) {
            if (got != wantF) fail(where);
            return;
        }
        if (!Float.isFinite(got)) fail(where);
        double tol = Math.max(ulps * Math.ulp(wantF), 1e-30);
        if (Math.abs(got - want) > tol) fail(where + " (err " + Math.abs(got - want) / Math.ulp(wantF) + " ulp)");
    }

    @Test
    void expAccuracy() {
        checkTranscendental("exp", (k, x, xo, o, oo, n) -> k.elementwise().exp(x, xo, o, oo, n), Math::exp, -110f, 95f, 2);
    }

    @Test
    void tanhAccuracy() {
        checkTranscendental("tanh", (k, x, xo, o, oo, n) -> k.elementwise().tanh(x, xo, o, oo, n), Math::tanh, -60f, 60f, 2);
        checkTranscendental("tanh", (k, x, xo, o, oo, n) -> k.elementwise().tanh(x, xo, o, oo, n), Math::tanh, -0.01f, 0.01f, 2);
    }

    @Test
    void sigmoidAccuracy() {
        // Three float roundings (exp, add, divide) on top of exp's own error: 3 ulps, not 2.
        checkTranscendental("sigmoid", (k, x, xo, o, oo, n) -> k.elementwise().sigmoid(x, xo, o, oo, n),
                v -> 1 / (1 + Math.exp(-v)), -120f, 120f, 3);
    }

    @Test
    void limits() {
        for (Kernels k : new Kernels[] {S, V}) {
            float[] x = new float[32];
            float[] out = new float[32];
            java.util.Arrays.fill(x, -100f);
            k.elementwise().sigmoid(x, 0, out, 0, 32);
            for (float v : out) assertTrue(v >= 0f && v < 1e-40f, "sigmoid(-100) = " + v);
            java.util.Arrays.fill(x, 50f);
            k.elementwise().tanh(x, 0, out, 0, 32);
            for (float v : out) assertEquals(1f, v, "tanh(50)");
            java.util.Arrays.fill(x, -50f);
            k.elementwise().tanh(x, 0, out, 0, 32);
            for (float v : out) assertEquals(-1f, v, "tanh(-50)");
            java.util.Arrays.fill(x, Float.NEGATIVE_INFINITY);
            k.elementwise().exp(x, 0, out, 0, 32);
            for (float v : out) assertEquals(0f, v, "exp(-inf)");
        }
    }
}
