package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;

/** The vanilla RNN step of {@link Recurrence}: h' = tanh(a) or relu(a) of the summed projections a, forward and backward. */
public final class RnnStep implements StepFunction {
    /** h' = tanh(a). */
    public static final RnnStep TANH = new RnnStep(false);
    /** h' = max(a, 0). */
    public static final RnnStep RELU = new RnnStep(true);
    private static final ElementwiseKernels K = Kernels.get().elementwise();

    private final boolean relu;

    private RnnStep(boolean relu) {
        this.relu = relu;
    }

    @Override public String name() { return relu ? "rnn_relu" : "rnn_tanh"; }
    @Override public int gates() { return 1; }
    @Override public boolean hasCellState() { return false; }
    /** h' itself, whose value gives the derivative of tanh or relu. */
    @Override public int cacheWidth(int hidden) { return hidden; }

    @Override
    public void forward(int rows, int H, float[] xg, int xgOff, float[] hg, int hgOff,
                        float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff,
                        float[] h, int hOff, float[] c, int cOff, float[] cache, int cacheOff) {
        int n = rows * H;
        K.add(xg, xgOff, hg, hgOff, cache, cacheOff, n);
        if (!relu) K.tanh(cache, cacheOff, cache, cacheOff, n);
        else K.relu(cache, cacheOff, cache, cacheOff, n);
        System.arraycopy(cache, cacheOff, h, hOff, n);
    }

    @Override
    public void backward(int rows, int H, float[] dh, int dhOff, float[] dc, int dcOff,
                         float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] cache, int cacheOff,
                         float[] dxg, int dxgOff, float[] dhg, int dhgOff, float[] dhPrev, int dhPrevOff, float[] dcPrev, int dcPrevOff) {
        int n = rows * H;
        if (!relu) {
            for (int j = 0; j < n; j++) {
                float y = cache[cacheOff + j];
                dxg[dxgOff + j] = dh[dhOff + j] * (1 - y * y);
            }
        } else {
            for (int j = 0; j < n; j++) dxg[dxgOff + j] = cache[cacheOff + j] > 0 ? dh[dhOff + j] : 0f;
        }
        java.util.Arrays.fill(dhPrev, dhPrevOff, dhPrevOff + n, 0f);
    }
}
