package dev.jgrad.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The batch-norm and ReLU-gradient kernels, scalar and vector, on every length 0..67 and several offsets:
 * the elementwise ones bit for bit (nothing outside [outOff, outOff + n) written), the reductions against a
 * double-precision reference, with a mean far from zero so that centring matters.
 */
class NormKernelsTest {

    private static final Kernels S = new ScalarKernels();
    private static final Kernels V = new VectorKernels();
    private static final float SENTINEL = -12345.5f;

    private static float[] random(SplittableRandom rnd, int size, double lo, double hi) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (lo + rnd.nextDouble() * (hi - lo));
        return x;
    }

    @Test
    void reluBackwardMatchesExactly() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int n = 0; n <= 67; n++) {
            for (int off = 0; off < 4; off++) {
                float[] y = random(rnd, n + 8, -1, 1), g = random(rnd, n + 8, -3, 3);
                if (n > 2) {
                    y[off] = 0f;          // y == 0 passes no gradient, as in PyTorch
                    y[off + 1] = Float.NaN;
                    y[off + 2] = -0f;
                }
                float[] o1 = new float[n + 8], o2 = new float[n + 8];
                Arrays.fill(o1, SENTINEL);
                Arrays.fill(o2, SENTINEL);
                S.reluBackward(y, off, g, 3 - off, o1, (off + 1) % 4, n);
                V.reluBackward(y, off, g, 3 - off, o2, (off + 1) % 4, n);
                assertArrayEquals(o1, o2, "n=" + n + " off=" + off);
                for (int i = 0; i < n; i++) {
                    assertEquals(y[off + i] > 0 ? g[3 - off + i] : 0f, o1[(off + 1) % 4 + i], "n=" + n + " at " + i);
                }
            }
        }
    }

    @Test
    void combineDeviationsMatchesExactly() {
        SplittableRandom rnd = new SplittableRandom(22);
        for (int n = 0; n <= 67; n++) {
            for (int off = 0; off < 4; off++) {
                float[] g = random(rnd, n + 8, -3, 3), x = random(rnd, n + 8, 99, 101);
                float[] o1 = new float[n + 8], o2 = new float[n + 8];
                Arrays.fill(o1, SENTINEL);
                Arrays.fill(o2, SENTINEL);
                S.combineDeviations(1.3f, g, off, -0.7f, x, 3 - off, 100.1f, 0.25f, o1, (off + 2) % 4, n);
                V.combineDeviations(1.3f, g, off, -0.7f, x, 3 - off, 100.1f, 0.25f, o2, (off + 2) % 4, n);
                assertArrayEquals(o1, o2, "n=" + n + " off=" + off);
            }
        }
    }

    @Test
    void deviationSumsMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int n = 0; n <= 67; n++) {
            for (int off = 0; off < 4; off++) {
                float[] g = random(rnd, n + 8, -3, 3), x = random(rnd, n + 8, 999, 1001);
                float mean = 1000.25f;
                double sq = 0, sqMag = 0, dot = 0, dotMag = 0;
                for (int i = 0; i < n; i++) {
                    double d = (double) x[3 - off + i] - mean;
                    sq += d * d;
                    sqMag += d * d;
                    dot += g[off + i] * d;
                    dotMag += Math.abs(g[off + i] * d);
                }
                for (Kernels k : new Kernels[] {S, V}) {
                    String where = k.getClass().getSimpleName() + " n=" + n + " off=" + off;
                    assertEquals(sq, k.sumSquaredDeviations(x, 3 - off, mean, n), 1e-5 * sqMag + 1e-30, "sumSquaredDeviations " + where);
                    assertEquals(dot, k.dotDeviations(g, off, x, 3 - off, mean, n), 1e-5 * dotMag + 1e-30, "dotDeviations " + where);
                }
            }
        }
    }
}
