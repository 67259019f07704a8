package dev.jgrad.kernels;

/**
 * Plain-Java {@link ElementwiseKernels}: the reference the tests hold {@link VectorElementwiseKernels} to, and the fallback
 * when the Vector API module is absent. Kept simple enough to be obviously correct.
 */
public final class ScalarElementwiseKernels implements ElementwiseKernels {

    /** Creates the kernels; they keep no state, so one instance (the {@link ScalarKernels} set's) serves every caller. */
    public ScalarElementwiseKernels() {}

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
}
