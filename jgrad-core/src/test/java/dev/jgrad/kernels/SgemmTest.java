package dev.jgrad.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Holds ScalarKernels and VectorKernels to a double-precision reference on random inputs,
 * over shapes chosen to hit every path of VectorKernels: the thin-row and dot paths, partial
 * micro-tiles, block boundaries (MC, KC, NC) and the parallel split.
 */
class SgemmTest {

    private static final Kernels[] IMPLS = {new ScalarKernels(), new VectorKernels()};

    private static final int[][] SHAPES = {
            {1, 1, 1}, {3, 5, 7}, {1, 40, 9}, {2, 100, 33}, {3, 17, 1}, {4, 1, 50}, {70, 3, 20},
            {5, 16, 16}, {9, 33, 2}, {17, 33, 65}, {8, 32, 384}, {16, 64, 385},
            {VectorGemmKernels.MC + 1, 2 * VectorGemmKernels.NR + 3, VectorGemmKernels.KC + 7},
            {129, 257, 131}, {64, 64, 64}, {200, 40, 70},
            {13, VectorGemmKernels.NC + 37, 21},
            {2, 3000, 200}, {1, 8000, 140}, // thin and wide: split across cores by column blocks
    };

    /** Stored operand with its own offset and leading dimension (larger than the row width). */
    private record Mat(float[] data, int off, int ld, int rows, int cols) {
        float get(int r, int c) {
            return data[off + r * ld + c];
        }
    }

    private static Mat random(SplittableRandom rnd, int rows, int cols, int pad, int off) {
        int ld = cols + pad;
        float[] d = new float[off + rows * ld + 3];
        for (int i = 0; i < d.length; i++) d[i] = (float) (rnd.nextDouble() * 2 - 1);
        return new Mat(d, off, ld, rows, cols);
    }

    @Test
    void allTransposesShapesAndScalars() {
        SplittableRandom rnd = new SplittableRandom(42);
        float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {-0.5f, 2f}, {1.5f, 0f}, {0.75f, -1f}};
        int caseNo = 0;
        for (int[] s : SHAPES) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                float[] ab = alphaBeta[caseNo++ % alphaBeta.length];
                check(rnd, ta, tb, s[0], s[1], s[2], ab[0], ab[1], caseNo % 3, caseNo % 5);
            }
        }
    }

    @Test
    void dotPathGivesEachEntryExactlyItsDotProduct() {
        // Fewer than 4 rows against a transposed B (batch-1 decoding) take the dot path, sixteen columns at a time:
        // every entry must be bit for bit alpha * dot(row, column), whatever its place among the four.
        SplittableRandom rnd = new SplittableRandom(11);
        VectorKernels v = new VectorKernels();
        for (int k : new int[] {1, 15, 16, 31, 32, 33, 47, 256, 257}) {
            for (int n : new int[] {1, 4, 7, 9, 16, 37, 70}) {
                Mat a = random(rnd, 3, k, 2, 1), b = random(rnd, n, k, 3, 2);
                float[] c = new float[3 * n], c2 = new float[3 * n];
                for (int i = 0; i < c2.length; i++) c2[i] = (float) rnd.nextDouble();
                float[] c2Before = c2.clone();
                v.gemm().sgemm(false, true, 3, n, k, 0.5f, a.data(), a.off(), a.ld(), b.data(), b.off(), b.ld(), 0f, c, 0, n);
                v.gemm().sgemm(false, true, 3, n, k, 0.5f, a.data(), a.off(), a.ld(), b.data(), b.off(), b.ld(), 2f, c2, 0, n);
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < n; j++) {
                        float d = 0.5f * v.elementwise().dot(a.data(), a.off() + i * a.ld(), b.data(), b.off() + j * b.ld(), k);
                        assertEquals(d, c[i * n + j], 0f, "k=" + k + " n=" + n + " at " + i + "," + j);
                        assertEquals(d + 2f * c2Before[i * n + j], c2[i * n + j], 0f, "beta, k=" + k + " n=" + n);
                    }
                }
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int[] s : new int[][] {{1, 1, 1}, {2, 50, 5}, {50, 3, 5}, {33, 70, 17}, {100, 130, 90}}) {
            for (int t = 0; t < 4; t++) {
                check(rnd, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1f, 0f, 1, 2);
            }
        }
    }

    @Test
    void alphaZeroOrKZeroOnlyScalesC() {
        for (Kernels k : IMPLS) {
            float[] c = {1, 2, 3, 4, 5, 6, 7};
            k.gemm().sgemm(false, false, 2, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 3, 2f, c, 1, 3);
            assertEquals(Arrays.toString(new float[] {1, 4, 6, 8, 10, 12, 14}), Arrays.toString(c), k.getClass().getSimpleName());
            float[] nan = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
            float[] a = {Float.NaN, 1, 2, 3};
            k.gemm().sgemm(false, false, 2, 2, 2, 0f, a, 0, 2, a, 0, 2, 0f, nan, 0, 2);
            assertEquals("[0.0, 0.0, 0.0, 0.0]", Arrays.toString(nan), k.getClass().getSimpleName());
        }
    }

    /** Repeated large calls must produce identical results (no races between the two threads' buffers). */
    @Test
    void wideThinProductsSplitByColumnsAsEachBlockAlone() {
        // m < 4 with n * m * k past the parallel threshold: every 32-column block must come out exactly as the same
        // block computed alone (on one core), for both thin paths (B plain: axpy rows; B transposed: dots).
        SplittableRandom rnd = new SplittableRandom(5);
        VectorKernels v = new VectorKernels();
        int m = 3, n = 2000, k = 300; // past FEW_ROWS_PARALLEL_THRESHOLD
        for (boolean tb : new boolean[] {false, true}) {
            Mat a = random(rnd, m, k, 1, 0), b = tb ? random(rnd, n, k, 2, 1) : random(rnd, k, n, 2, 1);
            float[] whole = new float[m * n], blocks = new float[m * n];
            v.gemm().sgemm(false, tb, m, n, k, 1f, a.data, a.off, a.ld, b.data, b.off, b.ld, 0f, whole, 0, n);
            for (int j = 0; j < n; j += VectorGemmKernels.NR) {
                int w = Math.min(VectorGemmKernels.NR, n - j);
                v.gemm().sgemm(false, tb, m, w, k, 1f, a.data, a.off, a.ld, b.data, tb ? b.off + j * b.ld : b.off + j, b.ld, 0f, blocks, j, n);
            }
            assertTrue(Arrays.equals(whole, blocks), "transB=" + tb);
        }
    }

    @Test
    void fewRowsAgainstTransposedBMatchThePackedPathBitForBit() {
        // 4 .. NARROW_M rows against a transposed B (a decoder's positions through a Linear) skip packing B: each row
        // must come out exactly as the same row inside a product too tall for that path (which packs), for beta 0 and 1,
        // A plain or transposed, one or several k-slices, and partial blocks of 8 B rows.
        SplittableRandom rnd = new SplittableRandom(13);
        VectorKernels v = new VectorKernels();
        int tall = VectorGemmKernels.NARROW_M + 9;
        for (int k : new int[] {7, 256, VectorGemmKernels.KC + 33}) {
            for (int n : new int[] {16, 37, 300}) {
                for (boolean ta : new boolean[] {false, true}) {
                    Mat a = ta ? random(rnd, k, tall, 2, 1) : random(rnd, tall, k, 2, 1), b = random(rnd, n, k, 3, 2);
                    float[] c0 = new float[tall * n];
                    for (int i = 0; i < c0.length; i++) c0[i] = (float) rnd.nextDouble();
                    for (float beta : new float[] {0f, 1f}) {
                        float[] whole = c0.clone();
                        v.gemm().sgemm(ta, true, tall, n, k, 0.5f, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, whole, 0, n);
                        for (int m : new int[] {4, 7, 12, 17, 24, 33, VectorGemmKernels.NARROW_M}) {
                            int i0 = 3, aOff = ta ? a.off + i0 : a.off + i0 * a.ld;
                            float[] part = Arrays.copyOfRange(c0, i0 * n, (i0 + m) * n);
                            v.gemm().sgemm(ta, true, m, n, k, 0.5f, a.data, aOff, a.ld, b.data, b.off, b.ld, beta, part, 0, n);
                            assertTrue(Arrays.equals(Arrays.copyOfRange(whole, i0 * n, (i0 + m) * n), part),
                                    "k=" + k + " n=" + n + " transA=" + ta + " beta=" + beta + " m=" + m);
                        }
                    }
                }
            }
        }
    }

    @Test
    void parallelPathIsDeterministic() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 300;
        Mat a = random(rnd, n, n, 0, 0), b = random(rnd, n, n, 0, 0);
        Kernels v = new VectorKernels();
        float[] c1 = new float[n * n], c2 = new float[n * n];
        v.gemm().sgemm(false, false, n, n, n, 1f, a.data, 0, n, b.data, 0, n, 0f, c1, 0, n);
        for (int r = 0; r < 5; r++) {
            v.gemm().sgemm(false, false, n, n, n, 1f, a.data, 0, n, b.data, 0, n, 0f, c2, 0, n);
            assertTrue(Arrays.equals(c1, c2), "run " + r);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        // Every split (column panels, row panels, column blocks of the thin paths) falls on whole micro-tiles and the
        // k-slicing depends on k alone, so each entry of C is summed in the same order on one thread as on two.
        SplittableRandom rnd = new SplittableRandom(17);
        Kernels v = new VectorKernels();
        int threads = Parallel.threads();
        int[][] shapes = {{300, 300, 300}, {37, 1000, 70}, {1000, 40, 70}, {129, 257, 600}, {3, 1500, 100}};
        try {
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    int m = s[0], n = s[1], k = s[2];
                    Mat a = ta ? random(rnd, k, m, 1, 2) : random(rnd, m, k, 1, 2);
                    Mat b = tb ? random(rnd, n, k, 2, 1) : random(rnd, k, n, 2, 1);
                    float[] c0 = new float[m * n];
                    for (int i = 0; i < c0.length; i++) c0[i] = (float) rnd.nextDouble();
                    float[][] out = new float[2][];
                    for (int th = 1; th <= 2; th++) {
                        Parallel.setThreads(th);
                        out[th - 1] = c0.clone();
                        v.gemm().sgemm(ta, tb, m, n, k, 0.5f, a.data, a.off, a.ld, b.data, b.off, b.ld, 2f, out[th - 1], 0, n);
                    }
                    assertTrue(Arrays.equals(out[0], out[1]), Arrays.toString(s) + " transA=" + ta + " transB=" + tb);
                }
            }
        } finally {
            Parallel.setThreads(threads);
        }
    }

    private static void check(SplittableRandom rnd, boolean ta, boolean tb, int m, int n, int k,
                              float alpha, float beta, int pad, int off) {
        Mat a = ta ? random(rnd, k, m, pad, off) : random(rnd, m, k, pad, off);
        Mat b = tb ? random(rnd, n, k, pad + 1, off + 1) : random(rnd, k, n, pad + 1, off + 1);
        int ldc = n + pad + 2, cOff = off + 2;
        float[] c0 = new float[cOff + m * ldc + 5];
        for (int i = 0; i < c0.length; i++) c0[i] = (float) (rnd.nextDouble() * 2 - 1);
        if (beta == 0f) {
            for (int i = 0; i < m; i++) Arrays.fill(c0, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
        }
        for (Kernels impl : IMPLS) {
            float[] c = c0.clone();
            impl.gemm().sgemm(ta, tb, m, n, k, alpha, a.data, a.off, a.ld, b.data, b.off, b.ld, beta, c, cOff, ldc);
            String where = String.format("%s transA=%b transB=%b m=%d n=%d k=%d alpha=%s beta=%s",
                    impl.getClass().getSimpleName(), ta, tb, m, n, k, alpha, beta);
            // Error bound of a float dot product with k terms, scaled by the magnitudes involved.
            double tol = 1e-5 * Math.sqrt(k) + 1e-6;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = 0, mag = 0;
                    for (int p = 0; p < k; p++) {
                        double x = ta ? a.get(p, i) : a.get(i, p);
                        double y = tb ? b.get(j, p) : b.get(p, j);
                        ref += x * y;
                        mag += Math.abs(x * y);
                    }
                    ref *= alpha;
                    mag *= Math.abs(alpha);
                    int idx = cOff + i * ldc + j;
                    if (beta != 0f) {
                        ref += (double) beta * c0[idx];
                        mag += Math.abs((double) beta * c0[idx]);
                    }
                    double err = Math.abs(c[idx] - ref);
                    if (!(err <= tol * Math.max(mag, 1e-30))) {
                        fail(where + ": C[" + i + "," + j + "] = " + c[idx] + ", expected " + ref + " (err " + err + ")");
                    }
                }
            }
            // Nothing outside the m x n window of C may change.
            for (int idx = 0; idx < c.length; idx++) {
                int rel = idx - cOff;
                boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                if (!inside && Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(c0[idx])) {
                    fail(where + ": wrote outside C at index " + idx);
                }
            }
        }
    }
}
