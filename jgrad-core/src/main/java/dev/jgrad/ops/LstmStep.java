package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;

/**
 * The LSTM step of {@link Recurrence}: the equations of {@link dev.jgrad.nn.LSTMCell}, forward and backward.
 *
 * The LSTM step on raw arrays, one whole block of rows per kernel call.
 *
 * <p>A step's cache block (rows x 5H) is gate-major: i, f, o, g for all rows (each rows x H, so that one
 * sigmoid call covers i, f and o), then tanh(C'). Each line below is then one vectorised kernel pass over
 * rows x H elements, instead of scalar loops per row, which C2 left unvectorised (the backward loop took
 * 6.4 ns per hidden unit with all its data in cache, likely because it stores into float[] parameters that
 * might be the arrays it loads from). The arithmetic is the
 * per-element formulas of the comments, operation for operation, so the results are the same bits as a
 * scalar loop would give.
  */
public final class LstmStep implements StepFunction {
    /** The one instance: the step holds no state. */
    public static final LstmStep INSTANCE = new LstmStep();

    private LstmStep() {}
    private static final ElementwiseKernels K = Kernels.get().elementwise();
    /** Per-thread scratch for backward, grown on demand: steady-state steps allocate nothing. */
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    @Override public String name() { return "lstm"; }
    @Override public int gates() { return 4; }
    @Override public boolean hasCellState() { return true; }
    /** i, f, o, g after their nonlinearities, then tanh(C'). */
    @Override public int cacheWidth(int hidden) { return 5 * hidden; }

    @Override
    public void forward(int rows, int H, float[] xg, int xgOff, float[] hg, int hgOff,
                        float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff,
                        float[] h, int hOff, float[] c, int cOff, float[] cache, int cacheOff) {
        int G = 4 * H, n = rows * H;
        int i = cacheOff, f = i + n, o = f + n, g = o + n, tc = g + n;
        // pre-activations a = x W_ih^T + b_ih + h W_hh^T + b_hh, regrouped by gate (PyTorch's order in xg: i, f, g, o)
        for (int r = 0; r < rows; r++) {
            int x = xgOff + r * G, hr = hgOff + r * G, at = r * H;
            K.add(xg, x, hg, hr, cache, i + at, H);
            K.add(xg, x + H, hg, hr + H, cache, f + at, H);
            K.add(xg, x + 2 * H, hg, hr + 2 * H, cache, g + at, H);
            K.add(xg, x + 3 * H, hg, hr + 3 * H, cache, o + at, H);
        }
        K.sigmoid(cache, i, cache, i, 3 * n);           // i, f, o
        K.tanh(cache, g, cache, g, n);                  // g
        K.mul(cache, f, cPrev, cPrevOff, c, cOff, n);   // f * C
        K.mul(cache, i, cache, g, cache, tc, n);        // i * g (tc as scratch)
        K.add(c, cOff, cache, tc, c, cOff, n);          // C' = f * C + i * g
        K.tanh(c, cOff, cache, tc, n);
        K.mul(cache, o, cache, tc, h, hOff, n);         // h' = o * tanh(C')
    }

    @Override
    public void backward(int rows, int H, float[] dh, int dhOff, float[] dc, int dcOff,
                         float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] cache, int cacheOff,
                         float[] dxg, int dxgOff, float[] dhg, int dhgOff, float[] dhPrev, int dhPrevOff, float[] dcPrev, int dcPrevOff) {
        int G = 4 * H, n = rows * H;
        int i = cacheOff, f = i + n, o = f + n, g = o + n, tc = g + n;
        float[] s = scratch(3 * n);
        int dC = 0, u = n, v = 2 * n;
        // through h' = o * tanh(C'): dC = dc + o * (1 - tanh(C')^2) * dh
        K.mul(cache, tc, cache, tc, s, u, n);
        K.scaleShift(s, u, -1f, 1f, s, u, n);
        K.mul(cache, o, s, u, s, u, n);
        K.mul(s, u, dh, dhOff, s, u, n);
        K.add(dc, dcOff, s, u, s, dC, n);
        // through C' = f * C + i * g
        K.mul(cache, f, s, dC, dcPrev, dcPrevOff, n);   // dL/dC = f * dC
        // through the nonlinearities, to the pre-activations (rows of dxg in PyTorch's order i, f, g, o)
        sigmoidSlope(cache, i, s, u, n);                // di = i (1 - i) * (g * dC)
        K.mul(cache, g, s, dC, s, v, n);
        toRows(s, u, v, rows, H, dxg, dxgOff, 0);
        sigmoidSlope(cache, f, s, u, n);                // df = f (1 - f) * (C * dC)
        K.mul(cPrev, cPrevOff, s, dC, s, v, n);
        toRows(s, u, v, rows, H, dxg, dxgOff, 1);
        K.mul(cache, g, cache, g, s, u, n);             // dg = (1 - g^2) * (i * dC)
        K.scaleShift(s, u, -1f, 1f, s, u, n);
        K.mul(cache, i, s, dC, s, v, n);
        toRows(s, u, v, rows, H, dxg, dxgOff, 2);
        sigmoidSlope(cache, o, s, u, n);                // do = o (1 - o) * (tanh(C') * dh)
        K.mul(cache, tc, dh, dhOff, s, v, n);
        toRows(s, u, v, rows, H, dxg, dxgOff, 3);
        java.util.Arrays.fill(dhPrev, dhPrevOff, dhPrevOff + n, 0f); // h_prev reaches the step only through W_hh
    }

    /** out = y * (1 - y) for a sigmoid output y: its derivative. */
    private static void sigmoidSlope(float[] y, int yOff, float[] out, int outOff, int n) {
        K.scaleShift(y, yOff, -1f, 1f, out, outOff, n);
        K.mul(y, yOff, out, outOff, out, outOff, n);
    }

    /** Gate {@code gate}'s columns of the rows of dxg = a * b, a and b gate-major blocks (rows x H). */
    private static void toRows(float[] s, int a, int b, int rows, int H, float[] dxg, int dxgOff, int gate) {
        for (int r = 0; r < rows; r++) K.mul(s, a + r * H, s, b + r * H, dxg, dxgOff + r * 4 * H + gate * H, H);
    }

    private static float[] scratch(int size) {
        float[] s = SCRATCH.get();
        if (s.length < size) {
            s = new float[size];
            SCRATCH.set(s);
        }
        return s;
    }
}
