package dev.jgrad.kernels;

/**
 * Loops over runs of floats: element-wise arithmetic, activations and their gradients, dropout, and
 * reductions (sum, max, dot) of one run.
 *
 * <p>Arrays come with explicit offsets; callers validate lengths, kernels trust them. {@link ScalarElementwiseKernels}
 * is the reference, {@link VectorElementwiseKernels} the fast form; {@link Kernels#get} gives the one chosen at start-up.
 */
public interface ElementwiseKernels {

    /** out[i] = x[i] + y[i] for i in [0, n). */
    void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** out[i] = x[i] - y[i]. */
    void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** out[i] = x[i] * y[i]. */
    void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** out[i] = x[i] / y[i]. */
    void div(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** out[i] = x[i] * alpha + beta. */
    void scaleShift(float[] x, int xOff, float alpha, float beta, float[] out, int outOff, int n);

    /** y[i] += alpha * x[i]. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** sum of x[i] * y[i]. */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /** sum of x[i]. */
    float sum(float[] x, int xOff, int n);

    /** max of x[i]; n must be at least 1. */
    float max(float[] x, int xOff, int n);

    /** out[i] = exp(x[i]). */
    void exp(float[] x, int xOff, float[] out, int outOff, int n);

    /** out[i] = tanh(x[i]). */
    void tanh(float[] x, int xOff, float[] out, int outOff, int n);

    /** out[i] = 1 / (1 + exp(-x[i])). */
    void sigmoid(float[] x, int xOff, float[] out, int outOff, int n);

    /** out[i] = max(x[i], 0). */
    void relu(float[] x, int xOff, float[] out, int outOff, int n);

    /** out[i] = y[i] > 0 ? g[i] : 0: the gradient through a ReLU whose output is y (PyTorch's threshold_backward). */
    void reluBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n);

    /**
     * Dropout from uniform draws u: kept[i] = u[i] < keep and out[i] = x[i] * (kept[i] ? scale : 0), the
     * product as in PyTorch (a dropped NaN stays NaN).
     */
    void dropout(float[] u, int uOff, float keep, float scale, float[] x, int xOff, float[] out, int outOff,
                 boolean[] kept, int keptOff, int n);

    /** out[i] = g[i] * (kept[i] ? scale : 0): the gradient through {@link #dropout}. */
    void dropoutBackward(float[] g, int gOff, boolean[] kept, int keptOff, float scale, float[] out, int outOff, int n);
}
