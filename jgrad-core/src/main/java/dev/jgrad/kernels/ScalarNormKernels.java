package dev.jgrad.kernels;

/**
 * Plain-Java {@link NormKernels}: the reference the tests hold {@link VectorNormKernels} to, and the fallback
 * when the Vector API module is absent. Kept simple enough to be obviously correct.
 */
public final class ScalarNormKernels implements NormKernels {

    private static final ScalarElementwiseKernels ELEMENTWISE = new ScalarElementwiseKernels();

    /** Creates the kernels; they keep no state, so one instance (the {@link ScalarKernels} set's) serves every caller. */
    public ScalarNormKernels() {}

    @Override
    public void planeSums(float[] x, int xOff, int planes, int stride, int n, float[] sums) {
        for (int p = 0; p < planes; p++) sums[p] = ELEMENTWISE.sum(x, xOff + p * stride, n);
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
