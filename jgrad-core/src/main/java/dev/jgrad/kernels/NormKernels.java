package dev.jgrad.kernels;

/**
 * The passes of normalisation: the two-pass variance and its gradient over one run, and batch norm over the runs
 * of one channel (one run per image).
 *
 * <p>{@link ScalarNormKernels} is the reference, {@link VectorNormKernels} the fast form; {@link Kernels#get} gives
 * the one chosen at start-up.
 */
public interface NormKernels {

    /**
     * The sum of (x[i] - mean)^2 for i in [0, n): the second pass of a two-pass variance, without materialising
     * x - mean. Dividing by n (or n - 1) gives the variance torch.var computes.
     *
     * @param x    the input array
     * @param xOff index of the run's element 0
     * @param mean the run's mean, from a first pass
     * @param n    number of elements
     * @return the sum of squared deviations; 0 when n is 0
     */
    float sumSquaredDeviations(float[] x, int xOff, float mean, int n);

    /**
     * The sum of g[i] * (x[i] - mean) for i in [0, n): the term of a normalisation's backward pass that projects the
     * gradient onto the centred input.
     *
     * @param g    the gradient array
     * @param gOff index of the gradient's element 0
     * @param x    the input array
     * @param xOff index of the input's element 0
     * @param mean the input's mean
     * @param n    number of elements
     * @return the sum; 0 when n is 0
     */
    float dotDeviations(float[] g, int gOff, float[] x, int xOff, float mean, int n);

    /**
     * out[i] = a * g[i] + b * (x[i] - mean) + c, evaluated in that order: batch norm's input gradient in one
     * pass (x is centred before scaling, so a large mean does not cancel away the deviations).
     *
     * @param a      the factor of the gradient
     * @param g      the gradient array
     * @param gOff   index of the gradient's element 0
     * @param b      the factor of the deviation
     * @param x      the input array
     * @param xOff   index of the input's element 0
     * @param mean   the input's mean
     * @param c      the constant term
     * @param out    the result's array (may be {@code g} or {@code x} at the same offset)
     * @param outOff index of the result's element 0
     * @param n      number of elements
     */
    void combineDeviations(float a, float[] g, int gOff, float b, float[] x, int xOff, float mean, float c,
                           float[] out, int outOff, int n);

    // Batch norm over one channel: `planes` runs of n floats (one per image), run i of every array at its
    // offset + i * stride. Per-run sums come back separately, for the caller to add in double precision.

    /**
     * sums[i] = sum of run i of x, for i in [0, planes): the per-image partial sums of a channel's mean.
     *
     * @param x      the input array
     * @param xOff   index of run 0's element 0 in {@code x}
     * @param planes number of runs (images in the batch)
     * @param stride floats between the starts of consecutive runs, the same in every array
     * @param n      floats per run (height x width of a plane)
     * @param sums   receives one float sum per run, at index 0 to planes - 1
     */
    void planeSums(float[] x, int xOff, int planes, int stride, int n, float[] sums);

    /**
     * sums[i] = sum of (x - mean)^2 over run i, for i in [0, planes): the per-image partial sums of a channel's
     * variance.
     *
     * @param x      the input array
     * @param xOff   index of run 0's element 0 in {@code x}
     * @param planes number of runs (images in the batch)
     * @param stride floats between the starts of consecutive runs, the same in every array
     * @param n      floats per run (height x width of a plane)
     * @param mean   the channel's mean
     * @param sums   receives one sum per run, at index 0 to planes - 1
     */
    default void planeSquaredDeviations(float[] x, int xOff, int planes, int stride, int n, float mean, float[] sums) {
        for (int p = 0; p < planes; p++) sums[p] = sumSquaredDeviations(x, xOff + p * stride, mean, n);
    }

    /**
     * out = x * scale + shift (+ r when r is not null), then max(., 0) when relu: batch norm's output, evaluated in that
     * order, with a ResNet block's residual add and ReLU fused in. scale = weight / sqrt(var + eps) and
     * shift = bias - mean * scale fold torch.nn.BatchNorm2d's affine normalisation into one multiply-add.
     *
     * @param x      the input array
     * @param xOff   index of run 0's element 0 in {@code x}
     * @param planes number of runs (images in the batch)
     * @param stride floats between the starts of consecutive runs, the same in every array
     * @param n      floats per run (height x width of a plane)
     * @param scale  the channel's factor
     * @param shift  the channel's term added after scaling
     * @param r      the residual added after the shift, or null for none
     * @param rOff   index of run 0's element 0 in {@code r} (ignored when r is null)
     * @param relu   whether to apply a ReLU last
     * @param out    the output array (may be {@code x} at the same offset)
     * @param outOff index of run 0's element 0 in {@code out}
     */
    void batchNormOutput(float[] x, int xOff, int planes, int stride, int n, float scale, float shift, float[] r, int rOff, boolean relu,
                         float[] out, int outOff);

    /**
     * With gm = g where y > 0, else 0 (gm = g when y is null): sg[i] = sum of gm and sgc[i] = sum of gm * (x - mean)
     * over run i; gm is also stored when gmOut is not null (the gradient a residual input receives). These are
     * the per-image partial sums of the bias and weight gradients of batch norm.
     *
     * @param y      the output of {@link #batchNormOutput} when it applied a ReLU (its mask gates g), or null
     * @param yOff   index of run 0's element 0 in {@code y} (ignored when y is null)
     * @param g      the gradient with respect to the output
     * @param gOff   index of run 0's element 0 in {@code g}
     * @param x      the forward pass's input
     * @param xOff   index of run 0's element 0 in {@code x}
     * @param planes number of runs (images in the batch)
     * @param stride floats between the starts of consecutive runs, the same in every array
     * @param n      floats per run
     * @param mean   the channel's mean
     * @param gmOut  receives the gated gradient gm, or null to skip storing it
     * @param gmOff  index of run 0's element 0 in {@code gmOut} (ignored when gmOut is null)
     * @param sg     receives the sum of gm per run, at index 0 to planes - 1
     * @param sgc    receives the sum of gm * (x - mean) per run, at index 0 to planes - 1
     */
    void batchNormGradSums(float[] y, int yOff, float[] g, int gOff, float[] x, int xOff, int planes, int stride, int n, float mean,
                           float[] gmOut, int gmOff, float[] sg, float[] sgc);

    /**
     * out = a * gm + b * (x - mean) + c, gm as in {@link #batchNormGradSums}, evaluated in that order (as
     * {@link #combineDeviations}): batch norm's input gradient over all runs of a channel.
     *
     * @param y      the output of {@link #batchNormOutput} when it applied a ReLU, or null
     * @param yOff   index of run 0's element 0 in {@code y} (ignored when y is null)
     * @param g      the gradient with respect to the output
     * @param gOff   index of run 0's element 0 in {@code g}
     * @param x      the forward pass's input
     * @param xOff   index of run 0's element 0 in {@code x}
     * @param planes number of runs (images in the batch)
     * @param stride floats between the starts of consecutive runs, the same in every array
     * @param n      floats per run
     * @param mean   the channel's mean
     * @param a      the factor of the gated gradient
     * @param b      the factor of the deviation
     * @param c      the constant term
     * @param out    the input gradient's array
     * @param outOff index of run 0's element 0 in {@code out}
     */
    void batchNormGradInput(float[] y, int yOff, float[] g, int gOff, float[] x, int xOff, int planes, int stride, int n, float mean,
                            float a, float b, float c, float[] out, int outOff);
}
