package dev.jgrad.kernels;

/**
 * Plain-Java kernels: the reference the tests hold {@link VectorKernels} to, and the fallback
 * when the Vector API module is absent. Kept simple enough to be obviously correct.
 */
public final class ScalarKernels implements Kernels {

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

    @Override
    public void maskedCopy(float[] x, int xOff, boolean[] keep, int keepOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = keep[keepOff + i] ? x[xOff + i] : 0f;
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] + y[yOff + i];
    }

    @Override
    public void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] - y[yOff + i];
    }

    @Override
    public void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] * y[yOff + i];
    }

    @Override
    public void div(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] / y[yOff + i];
    }

    @Override
    public void scaleShift(float[] x, int xOff, float alpha, float beta, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] * alpha + beta;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    @Override
    public float sum(float[] x, int xOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[xOff + i];
        return s;
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        float m = x[xOff];
        for (int i = 1; i < n; i++) m = Math.max(m, x[xOff + i]);
        return m;
    }

    @Override
    public void exp(float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.exp(x[xOff + i]);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) Math.tanh(x[xOff + i]);
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = (float) (1.0 / (1.0 + Math.exp(-x[xOff + i])));
    }

    @Override
    public void relu(float[] x, int xOff, float[] out, int outOff, int n) {
        // Math.max keeps NaN as NaN (a ReLU must not hide a diverged value) and matches FloatVector.max.
        for (int i = 0; i < n; i++) out[outOff + i] = Math.max(x[xOff + i], 0f);
    }

    @Override
    public void reluBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = y[yOff + i] > 0f ? g[gOff + i] : 0f;
    }

    @Override
    public float sumSquaredDeviations(float[] x, int xOff, float mean, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float d = x[xOff + i] - mean;
            s += d * d;
        }
        return s;
    }

    @Override
    public float dotDeviations(float[] g, int gOff, float[] x, int xOff, float mean, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += g[gOff + i] * (x[xOff + i] - mean);
        return s;
    }

    @Override
    public void combineDeviations(float a, float[] g, int gOff, float b, float[] x, int xOff, float mean, float c,
                                  float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = a * g[gOff + i] + b * (x[xOff + i] - mean) + c;
    }
}
