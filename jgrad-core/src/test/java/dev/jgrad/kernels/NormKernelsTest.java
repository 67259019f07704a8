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
                S.elementwise().reluBackward(y, off, g, 3 - off, o1, (off + 1) % 4, n);
                V.elementwise().reluBackward(y, off, g, 3 - off, o2, (off + 1) % 4, n);
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
                S.norm().combineDeviations(1.3f, g, off, -0.7f, x, 3 - off, 100.1f, 0.25f, o1, (off + 2) % 4, n);
                V.norm().combineDeviations(1.3f, g, off, -0.7f, x, 3 - off, 100.1f, 0.25f, o2, (off + 2) % 4, n);
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
                    assertEquals(sq, k.norm().sumSquaredDeviations(x, 3 - off, mean, n), 1e-5 * sqMag + 1e-30, "sumSquaredDeviations " + where);
                    assertEquals(dot, k.norm().dotDeviations(g, off, x, 3 - off, mean, n), 1e-5 * dotMag + 1e-30, "dotDeviations " + where);
                }
            }
        }
    }

    /** Runs of n floats, `planes` of them, stride apart: a channel of a [planes, C, n] tensor. */
    @Test
    void channelKernelsMatch() {
        SplittableRandom rnd = new SplittableRandom(24);
        for (int n : new int[] {1, 4, 15, 16, 17, 33, 64, 70}) {
            for (int planes : new int[] {1, 3}) {
                int stride = n + 5, off = 2, size = off + planes * stride + 3;
                float[] x = random(rnd, size, 49, 51), r = random(rnd, size, -1, 1), g = random(rnd, size, -2, 2), y = random(rnd, size, -1, 1);
                float mean = 50.125f;
                for (boolean relu : new boolean[] {false, true}) {
                    for (float[] res : new float[][] {null, r}) {
                        float[] o1 = new float[size], o2 = new float[size];
                        Arrays.fill(o1, SENTINEL);
                        Arrays.fill(o2, SENTINEL);
                        S.norm().batchNormOutput(x, off, planes, stride, n, 0.7f, -35f, res, off, relu, o1, off);
                        V.norm().batchNormOutput(x, off, planes, stride, n, 0.7f, -35f, res, off, relu, o2, off);
                        assertArrayEquals(o1, o2, "batchNormOutput n=" + n + " relu=" + relu + " residual=" + (res != null));
                    }
                }
                for (float[] mask : new float[][] {null, y}) {
                    float[] o1 = new float[size], o2 = new float[size];
                    Arrays.fill(o1, SENTINEL);
                    Arrays.fill(o2, SENTINEL);
                    S.norm().batchNormGradInput(mask, off, g, off, x, off, planes, stride, n, mean, 1.3f, -0.4f, 0.2f, o1, off);
                    V.norm().batchNormGradInput(mask, off, g, off, x, off, planes, stride, n, mean, 1.3f, -0.4f, 0.2f, o2, off);
                    assertArrayEquals(o1, o2, "batchNormGradInput n=" + n);
                    float[][] gm = {new float[size], new float[size]}, sg = {new float[planes], new float[planes]}, sgc = {new float[planes], new float[planes]};
                    Kernels[] impls = {S, V};
                    for (int k = 0; k < 2; k++) impls[k].norm().batchNormGradSums(mask, off, g, off, x, off, planes, stride, n, mean, gm[k], off, sg[k], sgc[k]);
                    assertArrayEquals(gm[0], gm[1], "batchNormGradSums gm n=" + n);
                    float[] sums = new float[planes], sq = new float[planes];
                    for (int k = 0; k < 2; k++) {
                        impls[k].norm().planeSums(x, off, planes, stride, n, sums);
                        impls[k].norm().planeSquaredDeviations(x, off, planes, stride, n, mean, sq);
                        for (int p = 0; p < planes; p++) {
                            double s0 = 0, s1 = 0, m1 = 0, ps = 0, psq = 0, mag = 0;
                            for (int i = 0; i < n; i++) {
                                int at = off + p * stride + i;
                                double gmv = mask == null || mask[at] > 0 ? g[at] : 0, d = (double) x[at] - mean;
                                s0 += gmv;
                                s1 += gmv * d;
                                m1 += Math.abs(gmv) * Math.abs(d) + Math.abs(gmv);
                                ps += x[at];
                                psq += d * d;
                                mag += Math.abs(x[at]);
                            }
                            String where = impls[k].getClass().getSimpleName() + " n=" + n + " plane " + p;
                            assertEquals(s0, sg[k][p], 1e-5 * m1 + 1e-6, "sum g " + where);
                            assertEquals(s1, sgc[k][p], 1e-5 * m1 + 1e-6, "sum g (x - mean) " + where);
                            assertEquals(ps, sums[p], 1e-6 * mag + 1e-6, "planeSums " + where);
                            assertEquals(psq, sq[p], 1e-5 * psq + 1e-6, "planeSquaredDeviations " + where);
                        }
                    }
                }
            }
        }
    }
}
