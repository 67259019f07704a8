package dev.jgrad.kernels;

/**
 * The passes of normalisation: the two-pass variance and its gradient over one run, and batch norm over the runs
 * of one channel (one run per image).
 *
 * <p>{@link ScalarNormKernels} is the reference, {@link VectorNormKernels} the fast form; {@link Kernels#get} gives
 * the one chosen at start-up.
 */
public interface NormKernels {

    /** sum of (x[i] - mean)^2: the second pass of a two-pass variance, without materialising x - mean. */
    float sumSquaredDeviations(float[] x, int xOff, float mean, int n);

    /** sum of g[i] * (x[i] - mean). */
    float dotDeviations(float[] g, int gOff, float[] x, int xOff, float mean, int n);

    /**
     * out[i] = a * g[i] + b * (x[i] - mean) + c, evaluated in that order: batch norm's input gradient in one
     * pass (x is centred before scaling, so a large mean does not cancel away the deviations).
     */
    void combineDeviations(float a, float[] g, int gOff, float b, float[] x, int xOff, float mean, float c,
                           float[] out, int outOff, int n);

    // Batch norm over one channel: `planes` runs of n floats (one per image), run i of every array at its
    // offset + i * stride. Per-run sums come back separately, for the caller to add in double precision.

    /** sums[i] = sum of run i of x. */
    void planeSums(float[] x, int xOff, int planes, int stride, int n, float[] sums);

    /** sums[i] = sum of (x - mean)^2 over run i. */
    default void planeSquaredDeviations(float[] x, int xOff, int planes, int stride, int n, float mean, float[] sums) {
        for (int p = 0; p < planes; p++) sums[p] = sumSquaredDeviations(x, xOff + p * stride, mean, n);
    }

    /** out = x * scale + shift (+ r when r is not null), then max(., 0) when relu: batch norm's output, evaluated in that order. */
    void batchNormOutput(float[] x, int xOff, int planes, int stride, int n, float scale, float shift, float[] r, int rOff, boolean relu,
                         float[] out, int outOff);

    /**
     * With gm = g where y > 0, else 0 (gm = g when y is null): sg[i] = sum of gm and sgc[i] = sum of gm * (x - mean)
     * over run i; gm is also stored when gmOut is not null (the gradient a residual input receives).
     */
    void batchNormGradSums(float[] y, int yOff, float[] g, int gOff, float[] x, int xOff, int planes, int stride, int n, float mean,
                           float[] gmOut, int gmOff, float[] sg, float[] sgc);

    /** out = a * gm + b * (x - mean) + c, gm as in batchNormGradSums, evaluated in that order (as combineDeviations). */
    void batchNormGradInput(float[] y, int yOff, float[] g, int gOff, float[] x, int xOff, int planes, int stride, int n, float mean,
                            float a, float b, float c, float[] out, int outOff);
}
