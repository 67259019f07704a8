package dev.jgrad.kernels;

/**
 * Plain-Java {@link GemmKernels}: the reference the tests hold {@link VectorGemmKernels} to, and the fallback
 * when the Vector API module is absent. Kept simple enough to be obviously correct.
 */
public final class ScalarGemmKernels implements GemmKernels {

    /** Creates the kernels; they keep no state, so one instance (the {@link ScalarKernels} set's) serves every caller. */
    public ScalarGemmKernels() {}

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        // Index strides of op(A) and op(B), so one loop nest serves all four transpose cases.
        int aRow = transA ? 1 : lda, aCol = transA ? lda : 1;
        int bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                // beta == 0 must not read C, so that NaN garbage in C does not survive.
                c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
            }
            if (alpha == 0f) continue;
            // i-p-j order: the inner loop walks a row of C and (without transB) a row of B.
            for (int p = 0; p < k; p++) {
                float aip = alpha * a[aOff + i * aRow + p * aCol];
                int bp = bOff + p * bRow;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += aip * b[bp + j * bCol];
                }
            }
        }
    }

    @Override
    public int packedASize(int m, int k) {
        return m * k;
    }

    /** Row-major alpha * op(A): the plain layout is all the scalar products need. */
    @Override
    public void packA(boolean transA, int m, int k, float alpha, float[] a, int aOff, int lda, float[] packed, int pOff) {
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                packed[pOff + i * k + p] = alpha * a[transA ? aOff + p * lda + i : aOff + i * lda + p];
            }
        }
    }

    @Override
    public void sgemmPackedRows(int m, int n, int k, float[] packed, int pOff, RowSource b, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
            for (int p = 0; p < k; p++) {
                float aip = packed[pOff + i * k + p];
                for (int j = 0; j < n; j++) c[ci + j] += aip * b.get(p, j);
            }
        }
    }

    /** One column per panel: B tile-major, which the plain loops below read as well as any other. */
    @Override
    public int panelWidth() {
        return 1;
    }

    @Override
    public void sgemmPackedPanels(int m, int n, int k, float[] packed, int pOff, float[] b, int bOff, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
            for (int p = 0; p < k; p++) {
                float aip = packed[pOff + i * k + p];
                for (int j = 0; j < n; j++) c[ci + j] += aip * b[bOff + j * k + p];
            }
        }
    }

    @Override
    public void sgemmRowsA(int m, int n, int k, float[] a, int aOff, int[] aRows, boolean transB, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
        int bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc, ai = aOff + aRows[i];
            for (int j = 0; j < n; j++) c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
            for (int p = 0; p < k; p++) {
                float aip = a[ai + p];
                int bp = bOff + p * bRow;
                for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j * bCol];
            }
        }
    }
}
