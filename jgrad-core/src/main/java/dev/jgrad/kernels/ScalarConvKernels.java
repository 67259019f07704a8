package dev.jgrad.kernels;

/**
 * Plain-Java {@link ConvKernels}: the reference the tests hold {@link VectorConvKernels} to, and the fallback
 * when the Vector API module is absent. Kept simple enough to be obviously correct.
 */
public final class ScalarConvKernels implements ConvKernels {

    /** Creates the kernels; they keep no state, so one instance (the {@link ScalarKernels} set's) serves every caller. */
    public ScalarConvKernels() {}

    @Override
    public void maskedCopy(float[] x, int xOff, boolean[] keep, int keepOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = keep[keepOff + i] ? x[xOff + i] : 0f;
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
}
