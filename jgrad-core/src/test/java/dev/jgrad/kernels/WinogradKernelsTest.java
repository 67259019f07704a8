package dev.jgrad.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Winograd F(2x2, 3x3) transforms: vector and scalar forms bit for bit on planes of many sizes (partial
 * tiles, tile rows wider and narrower than a vector, every padding 0..2, sub-ranges of tile rows), nothing
 * written outside what they own, and the transforms composed into a 3x3 correlation equal to the direct one.
 */
class WinogradKernelsTest {

    private static final Kernels S = new ScalarKernels();
    private static final Kernels V = new VectorKernels();
    private static final float SENTINEL = -777.25f;

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    private static float[] sentinels(int size) {
        float[] x = new float[size];
        Arrays.fill(x, SENTINEL);
        return x;
    }

    private static final int[][] PLANES = {{1, 1}, {2, 3}, {4, 4}, {5, 7}, {8, 8}, {3, 33}, {7, 34}, {16, 16}, {9, 41}, {32, 32}, {6, 70}};

    @Test
    void inputTransformVectorEqualsScalar() {
        SplittableRandom rnd = new SplittableRandom(31);
        for (int[] pl : PLANES) {
            for (int pad = 0; pad <= 2; pad++) {
                int rows = pl[0], cols = pl[1], ldx = cols + 3, xOff = 5;
                int outRows = rows + 2 * pad - 2, outCols = cols + 2 * pad - 2;
                if (outRows < 1 || outCols < 1) continue;
                int tilesY = (outRows + 1) / 2, tilesX = (outCols + 1) / 2;
                float[] x = random(rnd, xOff + rows * ldx + 4);
                int ty0 = tilesY > 2 ? 1 : 0, tyCount = tilesY - ty0, ldv = tyCount * tilesX + 3, vOff = 2;
                float[] a = sentinels(vOff + 16 * ldv), b = sentinels(vOff + 16 * ldv);
                S.conv().winogradInput(1, x, xOff, 0, ldx, rows, cols, pad, pad, ty0, tyCount, tilesX, a, vOff, 0, ldv);
                V.conv().winogradInput(1, x, xOff, 0, ldx, rows, cols, pad, pad, ty0, tyCount, tilesX, b, vOff, 0, ldv);
                assertArrayEquals(a, b, "input " + Arrays.toString(pl) + " pad " + pad);
                for (int xi = 0; xi < 16; xi++) { // the gaps between transformed rows stay untouched
                    for (int i = tyCount * tilesX; i < ldv; i++) assertEquals(SENTINEL, a[vOff + xi * ldv + i]);
                }
            }
        }
    }

    /**
     * The transform written in product panels holds, at each plane and tile, what the plain transform holds (bit for
     * bit, both forms), and the panel product reads it back as the plain product would: tile rows that start inside a
     * panel and vectors that cross into the next one included.
     */
    @Test
    void panelLayoutMatchesThePlainOneAndItsProduct() {
        SplittableRandom rnd = new SplittableRandom(36);
        int planes = 5;
        for (int[] pl : PLANES) {
            int rows = pl[0], cols = pl[1], pad = 1, tilesY = (rows + 1) / 2, tilesX = (cols + 1) / 2;
            int ty0 = tilesY > 2 ? 1 : 0, tyCount = tilesY - ty0, tiles = tyCount * tilesX, xPlane = rows * cols + 2;
            float[] x = random(rnd, planes * xPlane);
            float[] plain = new float[16 * planes * tiles];
            S.conv().winogradInput(planes, x, 0, xPlane, cols, rows, cols, pad, pad, ty0, tyCount, tilesX, plain, 0, tiles, planes * tiles);
            int m = 11;
            float[] a = random(rnd, m * planes);
            for (Kernels k : new Kernels[] {S, V}) {
                int p = k.gemm().panelWidth(), ldv = (tiles + p - 1) / p * p * planes + 7, vOff = 3;
                float[] v = sentinels(vOff + 16 * ldv);
                k.conv().winogradInputPanels(planes, x, 0, xPlane, cols, rows, cols, pad, pad, ty0, tyCount, tilesX, v, vOff, ldv);
                for (int xi = 0; xi < 16; xi++) {
                    for (int c = 0; c < planes; c++) {
                        for (int t = 0; t < tiles; t++) {
                            assertEquals(Float.floatToIntBits(plain[(xi * planes + c) * tiles + t]),
                                    Float.floatToIntBits(v[vOff + xi * ldv + t / p * (planes * p) + c * p + t % p]),
                                    k.getClass().getSimpleName() + " " + Arrays.toString(pl) + " xi " + xi + " plane " + c + " tile " + t);
                        }
                    }
                }
                float[] packed = new float[k.gemm().packedASize(m, planes)];
                k.gemm().packA(false, m, planes, 1f, a, 0, planes, packed, 0);
                int xi = 5, ldc = tiles + 2;
                float[] c = new float[m * ldc];
                Arrays.fill(c, Float.NaN);
                k.gemm().sgemmPackedPanels(m, tiles, planes, packed, 0, v, vOff + xi * ldv, 0f, c, 0, ldc);
                for (int i = 0; i < m; i++) {
                    for (int t = 0; t < tiles; t++) {
                        double want = 0;
                        for (int q = 0; q < planes; q++) want += (double) a[i * planes + q] * plain[(xi * planes + q) * tiles + t];
                        assertEquals(want, c[i * ldc + t], 1e-5, k.getClass().getSimpleName() + " product " + Arrays.toString(pl));
                    }
                    for (int t = tiles; t < ldc; t++) assertTrue(Float.isNaN(c[i * ldc + t]));
                }
            }
        }
    }

    @Test
    void outputTransformsVectorEqualScalar() {
        SplittableRandom rnd = new SplittableRandom(32);
        for (int[] pl : PLANES) {
            int rows = pl[0], cols = pl[1], tilesY = (rows + 1) / 2, tilesX = (cols + 1) / 2;
            int ty0 = tilesY > 1 ? 1 : 0, tyCount = tilesY - ty0, ldm = tyCount * tilesX + 2, mOff = 1, ldy = cols + 2, yOff = 3;
            float[] m = random(rnd, mOff + 16 * ldm);
            float[] a = sentinels(yOff + rows * ldy + 2), b = sentinels(yOff + rows * ldy + 2);
            S.conv().winogradOutput(1, m, mOff, 0, ldm, ty0, tyCount, tilesX, a, yOff, 0, ldy, rows, cols);
            V.conv().winogradOutput(1, m, mOff, 0, ldm, ty0, tyCount, tilesX, b, yOff, 0, ldy, rows, cols);
            assertArrayEquals(a, b, "output " + Arrays.toString(pl));
            for (int y = 0; y < rows; y++) { // only the tile rows asked for, only inside the plane
                for (int c = cols; c < ldy && yOff + y * ldy + c < a.length; c++) assertEquals(SENTINEL, a[yOff + y * ldy + c]);
                if (y < 2 * ty0) for (int c = 0; c < cols; c++) assertEquals(SENTINEL, a[yOff + y * ldy + c]);
            }
            float[] g = random(rnd, yOff + rows * ldy + 2);
            float[] ga = sentinels(mOff + 16 * ldm), gb = sentinels(mOff + 16 * ldm);
            S.conv().winogradOutputGrad(1, g, yOff, 0, ldy, rows, cols, ty0, tyCount, tilesX, ga, mOff, 0, ldm);
            V.conv().winogradOutputGrad(1, g, yOff, 0, ldy, rows, cols, ty0, tyCount, tilesX, gb, mOff, 0, ldm);
            assertArrayEquals(ga, gb, "output grad " + Arrays.toString(pl));
        }
    }

    @Test
    void severalPlanesPerCallEqualOneAtATime() {
        SplittableRandom rnd = new SplittableRandom(35);
        int planes = 3, rows = 9, cols = 21, pad = 1, oh = rows, ow = cols, tilesY = (oh + 1) / 2, tilesX = (ow + 1) / 2, tiles = tilesY * tilesX;
        int xPlane = rows * cols + 5, vPlane = tiles + 2, ldv = planes * vPlane + 7;
        float[] x = random(rnd, planes * xPlane);
        for (Kernels k : new Kernels[] {S, V}) {
            float[] all = sentinels(16 * ldv), one = sentinels(16 * ldv);
            k.conv().winogradInput(planes, x, 0, xPlane, cols, rows, cols, pad, pad, 0, tilesY, tilesX, all, 0, vPlane, ldv);
            for (int i = 0; i < planes; i++) k.conv().winogradInput(1, x, i * xPlane, 0, cols, rows, cols, pad, pad, 0, tilesY, tilesX, one, i * vPlane, 0, ldv);
            assertArrayEquals(one, all, "input " + k.getClass().getSimpleName());
            int yPlane = oh * ow + 3;
            float[] ya = sentinels(planes * yPlane), yb = sentinels(planes * yPlane);
            k.conv().winogradOutput(planes, all, 0, vPlane, ldv, 0, tilesY, tilesX, ya, 0, yPlane, ow, oh, ow);
            for (int i = 0; i < planes; i++) k.conv().winogradOutput(1, all, i * vPlane, 0, ldv, 0, tilesY, tilesX, yb, i * yPlane, 0, ow, oh, ow);
            assertArrayEquals(yb, ya, "output " + k.getClass().getSimpleName());
            float[] ga = sentinels(16 * ldv), gb = sentinels(16 * ldv);
            k.conv().winogradOutputGrad(planes, ya, 0, yPlane, ow, oh, ow, 0, tilesY, tilesX, ga, 0, vPlane, ldv);
            for (int i = 0; i < planes; i++) k.conv().winogradOutputGrad(1, ya, i * yPlane, 0, ow, oh, ow, 0, tilesY, tilesX, gb, i * vPlane, 0, ldv);
            assertArrayEquals(gb, ga, "output grad " + k.getClass().getSimpleName());
        }
    }

    @Test
    void weightTransformsVectorEqualScalar() {
        SplittableRandom rnd = new SplittableRandom(33);
        for (int n = 0; n <= 40; n++) {
            int ldw = n + 2, ldu = n + 1;
            float[] w = random(rnd, 1 + 9 * ldw);
            float[] ua = sentinels(2 + 16 * ldu), ub = sentinels(2 + 16 * ldu);
            S.conv().winogradWeights(w, 1, ldw, ua, 2, ldu, n);
            V.conv().winogradWeights(w, 1, ldw, ub, 2, ldu, n);
            assertArrayEquals(ua, ub, "weights n=" + n);
            float[] du = random(rnd, 2 + 16 * ldu);
            float[] wa = sentinels(1 + 9 * ldw), wb = sentinels(1 + 9 * ldw);
            S.conv().winogradWeightsGrad(du, 2, ldu, wa, 1, ldw, n);
            V.conv().winogradWeightsGrad(du, 2, ldu, wb, 1, ldw, n);
            assertArrayEquals(wa, wb, "weights grad n=" + n);
        }
    }

    /** One channel in, one out: A^T [(G w G^T) . (B^T d B)] A over all tiles equals the 3x3 correlation with zero padding. */
    @Test
    void transformsComposeIntoTheConvolution() {
        SplittableRandom rnd = new SplittableRandom(34);
        for (Kernels k : new Kernels[] {S, V}) {
            for (int[] pl : PLANES) {
                for (int pad = 0; pad <= 2; pad++) {
                    int rows = pl[0], cols = pl[1], oh = rows + 2 * pad - 2, ow = cols + 2 * pad - 2;
                    if (oh < 1 || ow < 1) continue;
                    int tilesY = (oh + 1) / 2, tilesX = (ow + 1) / 2, tiles = tilesY * tilesX;
                    float[] x = random(rnd, rows * cols), w = random(rnd, 9), u = new float[16], v = new float[16 * tiles];
                    k.conv().winogradWeights(w, 0, 1, u, 0, 1, 1);
                    k.conv().winogradInput(1, x, 0, 0, cols, rows, cols, pad, pad, 0, tilesY, tilesX, v, 0, 0, tiles);
                    for (int xi = 0; xi < 16; xi++) for (int t = 0; t < tiles; t++) v[xi * tiles + t] *= u[xi];
                    float[] y = new float[oh * ow];
                    k.conv().winogradOutput(1, v, 0, 0, tiles, 0, tilesY, tilesX, y, 0, 0, ow, oh, ow);
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            double want = 0, mag = 0;
                            for (int i = 0; i < 3; i++) {
                                for (int j = 0; j < 3; j++) {
                                    int iy = oy + i - pad, ix = ox + j - pad;
                                    if (iy < 0 || iy >= rows || ix < 0 || ix >= cols) continue;
                                    want += (double) x[iy * cols + ix] * w[3 * i + j];
                                    mag += Math.abs(x[iy * cols + ix] * w[3 * i + j]);
                                }
                            }
                            assertEquals(want, y[oy * ow + ox], 1e-5 * (mag + 1e-3),
                                    k.getClass().getSimpleName() + " " + Arrays.toString(pl) + " pad " + pad + " at " + oy + "," + ox);
                        }
                    }
                }
            }
        }
    }
}
