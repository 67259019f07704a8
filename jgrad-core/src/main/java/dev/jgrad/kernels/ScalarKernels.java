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
    public void dropout(float[] u, int uOff, float keep, float scale, float[] x, int xOff, float[] out, int outOff,
                        boolean[] kept, int keptOff, int n) {
        for (int i = 0; i < n; i++) {
            boolean k = u[uOff + i] < keep;
            kept[keptOff + i] = k;
            out[outOff + i] = x[xOff + i] * (k ? scale : 0f);
        }
    }

    @Override
    public void dropoutBackward(float[] g, int gOff, boolean[] kept, int keptOff, float scale, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = g[gOff + i] * (kept[keptOff + i] ? scale : 0f);
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

    @Override
    public void winogradInput(int planes, float[] x, int xOff, int xPlane, int ldx, int rows, int cols, int padTop, int padLeft,
                              int ty0, int tyCount, int tilesX, float[] v, int vOff, int vPlane, int ldv) {
        for (int i = 0; i < planes; i++) {
            winogradInput(x, xOff + i * xPlane, ldx, rows, cols, padTop, padLeft, ty0, tyCount, tilesX, v, vOff + i * vPlane, ldv);
        }
    }

    @Override
    public void winogradInputPanels(int planes, float[] x, int xOff, int xPlane, int ldx, int rows, int cols, int padTop, int padLeft,
                                    int ty0, int tyCount, int tilesX, float[] v, int vOff, int ldv) {
        int tiles = tyCount * tilesX;
        float[] plain = new float[16 * planes * tiles];
        winogradInput(planes, x, xOff, xPlane, ldx, rows, cols, padTop, padLeft, ty0, tyCount, tilesX, plain, 0, tiles, planes * tiles);
        for (int xi = 0; xi < 16; xi++) {
            for (int c = 0; c < planes; c++) {
                for (int t = 0; t < tiles; t++) v[vOff + xi * ldv + t * planes + c] = plain[(xi * planes + c) * tiles + t];
            }
        }
    }

    private static void winogradInput(float[] x, int xOff, int ldx, int rows, int cols, int padTop, int padLeft,
                                      int ty0, int tyCount, int tilesX, float[] v, int vOff, int ldv) {
        float[] d = new float[16], t = new float[16];
        for (int ty = ty0; ty < ty0 + tyCount; ty++) {
            for (int tx = 0; tx < tilesX; tx++) {
                for (int r = 0; r < 4; r++) {
                    int iy = 2 * ty - padTop + r;
                    for (int s = 0; s < 4; s++) {
                        int ix = 2 * tx - padLeft + s;
                        d[4 * r + s] = iy >= 0 && iy < rows && ix >= 0 && ix < cols ? x[xOff + iy * ldx + ix] : 0f;
                    }
                }
                for (int s = 0; s < 4; s++) {
                    t[s] = d[s] - d[8 + s];
                    t[4 + s] = d[4 + s] + d[8 + s];
                    t[8 + s] = d[8 + s] - d[4 + s];
                    t[12 + s] = d[4 + s] - d[12 + s];
                }
                int at = vOff + (ty - ty0) * tilesX + tx;
                for (int u = 0; u < 4; u++) {
                    v[at + (4 * u) * ldv] = t[4 * u] - t[4 * u + 2];
                    v[at + (4 * u + 1) * ldv] = t[4 * u + 1] + t[4 * u + 2];
                    v[at + (4 * u + 2) * ldv] = t[4 * u + 2] - t[4 * u + 1];
                    v[at + (4 * u + 3) * ldv] = t[4 * u + 1] - t[4 * u + 3];
                }
            }
        }
    }

    @Override
    public void winogradOutput(int planes, float[] m, int mOff, int mPlane, int ldm, int ty0, int tyCount, int tilesX,
                               float[] y, int yOff, int yPlane, int ldy, int rows, int cols) {
        for (int i = 0; i < planes; i++) winogradOutput(m, mOff + i * mPlane, ldm, ty0, tyCount, tilesX, y, yOff + i * yPlane, ldy, rows, cols);
    }

    private static void winogradOutput(float[] m, int mOff, int ldm, int ty0, int tyCount, int tilesX,
                                       float[] y, int yOff, int ldy, int rows, int cols) {
        float[] s = new float[8];
        for (int ty = ty0; ty < ty0 + tyCount; ty++) {
            for (int tx = 0; tx < tilesX; tx++) {
                int at = mOff + (ty - ty0) * tilesX + tx;
                for (int v = 0; v < 4; v++) {
                    float m0 = m[at + v * ldm], m1 = m[at + (4 + v) * ldm], m2 = m[at + (8 + v) * ldm], m3 = m[at + (12 + v) * ldm];
                    s[v] = m0 + m1 + m2;
                    s[4 + v] = m1 - m2 - m3;
                }
                for (int a = 0; a < 2; a++) {
                    int oy = 2 * ty + a;
                    if (oy >= rows) continue;
                    float y0 = s[4 * a] + s[4 * a + 1] + s[4 * a + 2], y1 = s[4 * a + 1] - s[4 * a + 2] - s[4 * a + 3];
                    int ox = 2 * tx;
                    if (ox < cols) y[yOff + oy * ldy + ox] = y0;
                    if (ox + 1 < cols) y[yOff + oy * ldy + ox + 1] = y1;
                }
            }
        }
    }

    @Override
    public void winogradOutputGrad(int planes, float[] g, int gOff, int gPlane, int ldg, int rows, int cols, int ty0, int tyCount,
                                   int tilesX, float[] out, int outOff, int outPlane, int ldo) {
        for (int i = 0; i < planes; i++) {
            winogradOutputGrad(g, gOff + i * gPlane, ldg, rows, cols, ty0, tyCount, tilesX, out, outOff + i * outPlane, ldo);
        }
    }

    private static void winogradOutputGrad(float[] g, int gOff, int ldg, int rows, int cols, int ty0, int tyCount, int tilesX,
                                           float[] out, int outOff, int ldo) {
        float[] h = new float[8];
        for (int ty = ty0; ty < ty0 + tyCount; ty++) {
            for (int tx = 0; tx < tilesX; tx++) {
                for (int a = 0; a < 2; a++) {
                    int oy = 2 * ty + a, ox = 2 * tx;
                    boolean row = oy < rows;
                    float g0 = row && ox < cols ? g[gOff + oy * ldg + ox] : 0f, g1 = row && ox + 1 < cols ? g[gOff + oy * ldg + ox + 1] : 0f;
                    h[4 * a] = g0;
                    h[4 * a + 1] = g0 + g1;
                    h[4 * a + 2] = g0 - g1;
                    h[4 * a + 3] = -g1;
                }
                int at = outOff + (ty - ty0) * tilesX + tx;
                for (int v = 0; v < 4; v++) {
                    out[at + v * ldo] = h[v];
                    out[at + (4 + v) * ldo] = h[v] + h[4 + v];
                    out[at + (8 + v) * ldo] = h[v] - h[4 + v];
                    out[at + (12 + v) * ldo] = -h[4 + v];
                }
            }
        }
    }

    @Override
    public void winogradWeights(float[] w, int wOff, int ldw, float[] u, int uOff, int ldu, int n) {
        float[] h = new float[12];
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < 3; j++) {
                float w0 = w[wOff + j * ldw + e], w1 = w[wOff + (3 + j) * ldw + e], w2 = w[wOff + (6 + j) * ldw + e];
                h[j] = w0;
                h[3 + j] = (w0 + w1 + w2) * 0.5f;
                h[6 + j] = (w0 - w1 + w2) * 0.5f;
                h[9 + j] = w2;
            }
            for (int r = 0; r < 4; r++) {
                float h0 = h[3 * r], h1 = h[3 * r + 1], h2 = h[3 * r + 2];
                u[uOff + (4 * r) * ldu + e] = h0;
                u[uOff + (4 * r + 1) * ldu + e] = (h0 + h1 + h2) * 0.5f;
                u[uOff + (4 * r + 2) * ldu + e] = (h0 - h1 + h2) * 0.5f;
                u[uOff + (4 * r + 3) * ldu + e] = h2;
            }
        }
    }

    @Override
    public void winogradWeightsGrad(float[] du, int duOff, int ldu, float[] w, int wOff, int ldw, int n) {
        float[] k = new float[12];
        for (int e = 0; e < n; e++) {
            for (int v = 0; v < 4; v++) {
                float d0 = du[duOff + v * ldu + e], d1 = du[duOff + (4 + v) * ldu + e], d2 = du[duOff + (8 + v) * ldu + e],
                        d3 = du[duOff + (12 + v) * ldu + e];
                k[v] = d0 + (d1 + d2) * 0.5f;
                k[4 + v] = (d1 - d2) * 0.5f;
                k[8 + v] = (d1 + d2) * 0.5f + d3;
            }
            for (int i = 0; i < 3; i++) {
                float k0 = k[4 * i], k1 = k[4 * i + 1], k2 = k[4 * i + 2], k3 = k[4 * i + 3];
                w[wOff + (3 * i) * ldw + e] = k0 + (k1 + k2) * 0.5f;
                w[wOff + (3 * i + 1) * ldw + e] = (k1 - k2) * 0.5f;
                w[wOff + (3 * i + 2) * ldw + e] = (k1 + k2) * 0.5f + k3;
            }
        }
    }

    @Override
    public void copyStrided(float[] x, int xOff, int ldx, int stride, float[] out, int outOff, int ldo, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) out[outOff + r * ldo + j] = x[xOff + r * ldx + j * stride];
        }
    }

    @Override
    public void addStrided(float[] x, int xOff, int ldx, float[] out, int outOff, int ldo, int stride, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) out[outOff + r * ldo + j * stride] += x[xOff + r * ldx + j];
        }
    }

    @Override
    public void batchNormOutput(float[] x, int xOff, int planes, int stride, int n, float scale, float shift, float[] r, int rOff, boolean relu,
                                float[] out, int outOff) {
        for (int p = 0; p < planes; p++) {
            int xo = xOff + p * stride, ro = rOff + p * stride, oo = outOff + p * stride;
            for (int i = 0; i < n; i++) {
                float t = x[xo + i] * scale + shift;
                if (r != null) t = t + r[ro + i];
                out[oo + i] = relu ? Math.max(t, 0f) : t;
            }
        }
    }

    @Override
    public void batchNormGradSums(float[] y, int yOff, float[] g, int gOff, float[] x, int xOff, int planes, int stride, int n, float mean,
                                  float[] gmOut, int gmOff, float[] sg, float[] sgc) {
        for (int p = 0; p < planes; p++) {
            int yo = yOff + p * stride, go = gOff + p * stride, xo = xOff + p * stride, mo = gmOff + p * stride;
            float s = 0f, sc = 0f;
            for (int i = 0; i < n; i++) {
                float gm = y == null || y[yo + i] > 0f ? g[go + i] : 0f;
                if (gmOut != null) gmOut[mo + i] = gm;
                s += gm;
                sc += gm * (x[xo + i] - mean);
            }
            sg[p] = s;
            sgc[p] = sc;
        }
    }

    @Override
    public void batchNormGradInput(float[] y, int yOff, float[] g, int gOff, float[] x, int xOff, int planes, int stride, int n, float mean,
                                   float a, float b, float c, float[] out, int outOff) {
        for (int p = 0; p < planes; p++) {
            int yo = yOff + p * stride, go = gOff + p * stride, xo = xOff + p * stride, oo = outOff + p * stride;
            for (int i = 0; i < n; i++) {
                float gm = y == null || y[yo + i] > 0f ? g[go + i] : 0f;
                out[oo + i] = a * gm + b * (x[xo + i] - mean) + c;
            }
        }
    }
}
