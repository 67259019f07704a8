package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;

/** The GRU step of {@link Recurrence}: the equations of {@link dev.jgrad.nn.GRUCell} (gates r, z, n), forward and backward. */
public final class GruStep implements StepFunction {
    /** The one instance: the step holds no state. */
    public static final GruStep INSTANCE = new GruStep();

    private GruStep() {}
    private static final ElementwiseKernels K = Kernels.get().elementwise();

    @Override public String name() { return "gru"; }
    @Override public int gates() { return 3; }
    @Override public boolean hasCellState() { return false; }
    /** r, z, n after their nonlinearities, then W_hn h + b_hn. */
    @Override public int cacheWidth(int hidden) { return 4 * hidden; }
    @Override public boolean sharedGateGradient() { return false; }

    @Override
    public void forward(int rows, int H, float[] xg, int xgOff, float[] hg, int hgOff,
                        float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff,
                        float[] h, int hOff, float[] c, int cOff, float[] cache, int cacheOff) {
        int G = 3 * H, W = 4 * H;
        for (int row = 0; row < rows; row++) {
            int a = cacheOff + row * W, x = xgOff + row * G, hr = hgOff + row * G;
            int r = a, z = a + H, n = a + 2 * H, hn = a + 3 * H;
            K.add(xg, x, hg, hr, cache, a, 2 * H);
            K.sigmoid(cache, a, cache, a, 2 * H);                    // r, z
            System.arraycopy(hg, hr + 2 * H, cache, hn, H);          // keep W_hn h + b_hn for backward
            for (int j = 0; j < H; j++) cache[n + j] = xg[x + 2 * H + j] + cache[r + j] * cache[hn + j];
            K.tanh(cache, n, cache, n, H);                           // n
            int hp = hPrevOff + row * H, ho = hOff + row * H;
            for (int j = 0; j < H; j++) {
                float zj = cache[z + j];
                h[ho + j] = (1 - zj) * cache[n + j] + zj * hPrev[hp + j];   // h' = (1-z)*n + z*h
            }
        }
    }

    @Override
    public void backward(int rows, int H, float[] dh, int dhOff, float[] dc, int dcOff,
                         float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] cache, int cacheOff,
                         float[] dxg, int dxgOff, float[] dhg, int dhgOff, float[] dhPrev, int dhPrevOff, float[] dcPrev, int dcPrevOff) {
        int G = 3 * H, W = 4 * H;
        for (int row = 0; row < rows; row++) {
            int a = cacheOff + row * W, r = a, z = a + H, n = a + 2 * H, hn = a + 3 * H;
            int dx = dxgOff + row * G, dhh = dhgOff + row * G, hp = hPrevOff + row * H, d = dhOff + row * H;
            for (int j = 0; j < H; j++) {
                float rj = cache[r + j], zj = cache[z + j], nj = cache[n + j], dhj = dh[d + j];
                // through h' = (1-z)*n + z*h
                float dN = dhj * (1 - zj);
                float dZ = dhj * (hPrev[hp + j] - nj);
                dhPrev[dhPrevOff + row * H + j] = dhj * zj;
                // through n = tanh(xn + r * hn)
                float dAn = dN * (1 - nj * nj);
                float dR = dAn * cache[hn + j];
                float dAr = dR * rj * (1 - rj), dAz = dZ * zj * (1 - zj);
                dxg[dx + j] = dAr;
                dxg[dx + H + j] = dAz;
                dxg[dx + 2 * H + j] = dAn;
                dhg[dhh + j] = dAr;
                dhg[dhh + H + j] = dAz;
                dhg[dhh + 2 * H + j] = dAn * rj;
            }
        }
    }
}
