package dev.jgrad.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels behind convolutions, scalar and vector. maskedCopy must match exactly and never touch what it
 * does not keep. The products with one operand given by row offsets (packA + sgemmPackedRows, sgemmRowsA), scalar and
 * vector, against a double-precision reference: shapes with partial micro-tiles, several k-slices and
 * column blocks, rows that overlap and come in any order (as a convolution's shifted planes do), offsets,
 * alpha in the packing, and beta 0 (C not read: NaN there must not survive), 1 and others.
 */
class ConvKernelsTest {

    private static final Kernels[] IMPLS = {new ScalarKernels(), new VectorKernels()};

    private static final int[][] SHAPES = {
            {1, 1, 1}, {3, 5, 7}, {8, 32, 9}, {9, 33, 17}, {7, 31, 3}, {16, 64, 288}, {64, 256, 576},
            {17, VectorGemmKernels.ROWS_NC + 5, VectorGemmKernels.KC + 3}, {VectorGemmKernels.ROWS_MC + 9, 40, 33}, {70, 2, 5}, {2, 70, 1100},
    };

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    /** Row offsets into a pool of `pool` floats for rows of `width` floats: random, overlapping, unordered. */
    private static int[] rows(SplittableRandom rnd, int count, int width, int pool) {
        int[] r = new int[count];
        for (int i = 0; i < count; i++) r[i] = rnd.nextInt(pool - width + 1);
        return r;
    }

    /** An operand's entry (row, column), in double. */
    private interface Entry {
        double at(int r, int c);
    }

    /** The double-precision reference: sum over p of a(i, p) * b(p, j), plus beta * C(i, j) unless beta is 0 (C not read). */
    private static double[] reference(int m, int n, int k, Entry a, Entry b, float beta, float[] c0, int cOff, int ldc) {
        double[] want = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) acc += a.at(i, p) * b.at(p, j);
                want[i * n + j] = acc + (beta == 0f ? 0 : beta * (double) c0[cOff + i * ldc + j]);
            }
        }
        return want;
    }

    private static void assertClose(double[] want, float[] c, int cOff, int ldc, int m, int n, int k, String what) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double w = want[i * n + j], got = c[cOff + i * ldc + j];
                double tol = 1e-5 * (k + 1) + 1e-5 * Math.abs(w);
                assertTrue(Math.abs(w - got) <= tol, what + " at (" + i + ", " + j + "): want " + w + ", got " + got);
            }
        }
    }

    @Test
    void packedRowsMatchReference() {
        SplittableRandom rnd = new SplittableRandom(11);
        float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {-0.5f, 2f}, {0.75f, -1f}};
        int caseNo = 0;
        for (int[] s : SHAPES) {
            for (boolean transA : new boolean[] {false, true}) {
                int m = s[0], n = s[1], k = s[2];
                float alpha = alphaBeta[caseNo % 4][0], beta = alphaBeta[caseNo % 4][1];
                caseNo++;
                int lda = (transA ? m : k) + caseNo % 3, aOff = caseNo % 5;
                float[] a = random(rnd, aOff + (transA ? k : m) * lda);
                int pool = n + 50 + caseNo, bOff = caseNo % 7;
                float[] b = random(rnd, bOff + pool);
                int[] bRows = rows(rnd, k, n, pool);
                int ldc = n + caseNo % 4, cOff = caseNo % 3;
                float[] c0 = random(rnd, cOff + m * ldc);
                if (beta == 0f) Arrays.fill(c0, Float.NaN);
                double[] want = reference(m, n, k, (i, p) -> alpha * (double) (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]),
                        (p, j) -> b[bOff + bRows[p] + j], beta, c0, cOff, ldc);
                for (Kernels kern : IMPLS) {
                    int pOff = 3;
                    float[] packed = new float[pOff + kern.gemm().packedASize(m, k) + 2];
                    kern.gemm().packA(transA, m, k, alpha, a, aOff, lda, packed, pOff);
                    float[] c = c0.clone();
                    kern.gemm().sgemmPackedRows(m, n, k, packed, pOff, b, bOff, bRows, beta, c, cOff, ldc);
                    String what = kern.getClass().getSimpleName() + " packedRows " + Arrays.toString(s) + " transA=" + transA;
                    assertClose(want, c, cOff, ldc, m, n, k, what);
                    for (int i = 0; i < m; i++) { // padding columns of C between rows are untouched
                        for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                            assertEquals(Float.floatToIntBits(c0[cOff + i * ldc + j]), Float.floatToIntBits(c[cOff + i * ldc + j]), what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void maskedGroupedRowSourcesMatchReference() {
        // Groups narrower than, equal to and wider than a vector, straddling panels; masks; rows that start before
        // the array or end after it where everything out there is masked off (as a convolution's first and last rows).
        SplittableRandom rnd = new SplittableRandom(14);
        int[][] shapes = {{9, 40, 7, 5}, {16, 64, 20, 16}, {8, 96, 9, 32}, {17, 70, 13, 35}, {3, 33, 4, 1}, {12, 300, 30, 64}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2], groupCols = s[3], groups = (n + groupCols - 1) / groupCols;
            int groupStride = groupCols + 7, margin = 6, pool = groups * groupStride + 2 * margin;
            float[] data = random(rnd, pool);
            int[] rows = new int[k], keepRows = new int[k];
            int taps = 3;
            boolean[] keep = new boolean[taps * groupCols + 5];
            for (int i = 0; i < keep.length; i++) keep[i] = rnd.nextInt(4) != 0;
            for (int p = 0; p < k; p++) {
                rows[p] = rnd.nextInt(2 * margin + 1) - margin; // relative to offset = margin: may reach before data[0]
                keepRows[p] = 2 + (p % taps) * groupCols;
            }
            // Entries outside the array must be masked: clear the masks that would reach out.
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    int at = margin + rows[p] + (j / groupCols) * groupStride + j % groupCols;
                    if (at < 0 || at >= pool) keep[keepRows[p] + j % groupCols] = false;
                }
            }
            RowSource src = new RowSource(data, margin, rows, groupCols, groupStride, keep, 0, keepRows);
            float[] a = random(rnd, m * k);
            double[] want = reference(m, n, k, (i, p) -> a[i * k + p], src::get, 0f, null, 0, 0);
            for (Kernels kern : IMPLS) {
                float[] packed = new float[kern.gemm().packedASize(m, k)];
                kern.gemm().packA(false, m, k, 1f, a, 0, k, packed, 0);
                float[] c = new float[m * n];
                Arrays.fill(c, Float.NaN);
                kern.gemm().sgemmPackedRows(m, n, k, packed, 0, src, 0f, c, 0, n);
                assertClose(want, c, 0, n, m, n, k, kern.getClass().getSimpleName() + " masked groups " + Arrays.toString(s));
            }
        }
    }

    @Test
    void rowsAMatchReference() {
        SplittableRandom rnd = new SplittableRandom(12);
        float[] betas = {0f, 1f, 0.5f};
        int caseNo = 0;
        for (int[] s : SHAPES) {
            for (boolean transB : new boolean[] {false, true}) {
                int m = s[0], n = s[1], k = s[2];
                float beta = betas[caseNo % 3];
                caseNo++;
                int pool = k + 40 + caseNo, aOff = caseNo % 5;
                float[] a = random(rnd, aOff + pool);
                int[] aRows = rows(rnd, m, k, pool);
                int ldb = (transB ? k : n) + caseNo % 3, bOff = caseNo % 4;
                float[] b = random(rnd, bOff + (transB ? n : k) * ldb);
                int ldc = n + caseNo % 2, cOff = caseNo % 3;
                float[] c0 = random(rnd, cOff + m * ldc);
                if (beta == 0f) Arrays.fill(c0, Float.NaN);
                double[] want = reference(m, n, k, (i, p) -> a[aOff + aRows[i] + p],
                        (p, j) -> transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j], beta, c0, cOff, ldc);
                for (Kernels kern : IMPLS) {
                    float[] c = c0.clone();
                    kern.gemm().sgemmRowsA(m, n, k, a, aOff, aRows, transB, b, bOff, ldb, beta, c, cOff, ldc);
                    assertClose(want, c, cOff, ldc, m, n, k, kern.getClass().getSimpleName() + " rowsA " + Arrays.toString(s) + " transB=" + transB);
                }
            }
        }
    }

    @Test
    void maskedCopyKeepsOnlyMarkedEntriesAndReadsNothingElse() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int n = 0; n <= 70; n++) {
            for (int pattern = 0; pattern < 4; pattern++) {
                float[] x = random(rnd, n + 10);
                boolean[] keep = new boolean[n + 5];
                for (int i = 0; i < keep.length; i++) {
                    keep[i] = switch (pattern) {
                        case 0 -> true;
                        case 1 -> false;
                        case 2 -> i % 3 != 0;
                        default -> rnd.nextBoolean();
                    };
                }
                // Shift x so that unkept entries may lie before its start: they must not be read.
                int shift = pattern == 0 ? 2 : -3;
                for (int i = 0; i < n; i++) if (i + shift < 0) keep[2 + i] = false;
                float[][] outs = new float[2][n + 6];
                for (int impl = 0; impl < 2; impl++) {
                    java.util.Arrays.fill(outs[impl], -7f);
                    IMPLS[impl].conv().maskedCopy(x, shift, keep, 2, outs[impl], 3, n);
                }
                for (int i = 0; i < n + 6; i++) {
                    float want = i < 3 || i >= 3 + n ? -7f : keep[2 + i - 3] ? x[shift + i - 3] : 0f;
                    assertEquals(want, outs[0][i], "scalar n=" + n + " at " + i);
                    assertEquals(want, outs[1][i], "vector n=" + n + " at " + i);
                }
            }
        }
    }

    @Test
    void stridedCopiesAndAddsMatchExactly() {
        SplittableRandom rnd = new SplittableRandom(15);
        for (int stride = 1; stride <= 3; stride++) {
            for (int cols = 0; cols <= 37; cols += 3) {
                for (int rows = 1; rows <= 3; rows++) {
                    int ldx = cols * stride + 3, ldo = cols + 2, xOff = 1 + cols % 2, outOff = 2;
                    float[] x = random(rnd, xOff + rows * ldx + 1);
                    float[][] outs = new float[2][outOff + rows * ldo + 3];
                    for (int impl = 0; impl < 2; impl++) {
                        Arrays.fill(outs[impl], -5f);
                        IMPLS[impl].conv().copyStrided(x, xOff, ldx, stride, outs[impl], outOff, ldo, rows, cols);
                    }
                    assertArrayEquals(outs[0], outs[1], "copyStrided stride " + stride + " cols " + cols);
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < cols; j++) assertEquals(x[xOff + r * ldx + j * stride], outs[0][outOff + r * ldo + j]);
                    }
                    // addStrided is its adjoint: out[r, j * stride] += src[r, j], every other element untouched (-0.0 stays -0.0).
                    float[] src = random(rnd, outOff + rows * ldo + 3);
                    float[][] acc = new float[2][xOff + rows * ldx + 1];
                    for (int impl = 0; impl < 2; impl++) {
                        Arrays.fill(acc[impl], -0f);
                        for (int i = 0; i < acc[impl].length; i += 2) acc[impl][i] = 0.5f;
                        IMPLS[impl].conv().addStrided(src, outOff, ldo, acc[impl], xOff, ldx, stride, rows, cols);
                    }
                    for (int i = 0; i < acc[0].length; i++) {
                        assertEquals(Float.floatToIntBits(acc[0][i]), Float.floatToIntBits(acc[1][i]), "addStrided stride " + stride + " cols " + cols + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void emptyDepthOnlyScalesC() {
        for (Kernels kern : IMPLS) {
            float[] c = {1, 2, 3, 4};
            kern.gemm().sgemmPackedRows(2, 2, 0, new float[0], 0, new float[0], 0, new int[0], 2f, c, 0, 2);
            assertEquals("[2.0, 4.0, 6.0, 8.0]", Arrays.toString(c));
            float[] nan = {Float.NaN, Float.NaN};
            kern.gemm().sgemmRowsA(1, 2, 0, new float[0], 0, new int[] {0}, false, new float[0], 0, 2, 0f, nan, 0, 2);
            assertEquals("[0.0, 0.0]", Arrays.toString(nan));
        }
    }
}
