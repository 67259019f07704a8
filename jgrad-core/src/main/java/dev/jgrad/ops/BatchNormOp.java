package dev.jgrad.ops;

import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * Batch normalisation (torch.nn.functional.batch_norm) as one op with a hand-written backward, over
 * inputs [N, C, *]: statistics are per channel, over the batch and all trailing (spatial) positions.
 *
 * <p>Training (batch statistics): mean and biased variance of the M = N * prod(*) values of each channel
 * normalise the input, y = (x - mean) / sqrt(var + eps) * weight + bias; when running statistics are given
 * they are updated in place with running = (1 - momentum) * running + momentum * batch, using the unbiased
 * variance var * M / (M - 1) for running_var, as PyTorch does. Backward, with xhat the normalised input:
 * dx = weight * rstd * (g - mean(g) - xhat * mean(g * xhat)), dweight = sum(g * xhat), dbias = sum(g).
 *
 * <p>Evaluation (running statistics): an affine map per channel; dx = g * weight * rstd.
 *
 * <p>Only the per-channel mean and rstd are saved beside the input. Channels are split across cores; within
 * a channel each image's plane is one contiguous run handled by the SIMD kernels (sums, dots, scale-shift),
 * with the per-plane partial sums accumulated in double.
 */
public final class BatchNormOp {
    private BatchNormOp() {}

    private static final int GRAIN = 1 << 14;

    /**
     * torch.nn.functional.batch_norm: x [N, C, *]; runningMean, runningVar [C] or null (then training must be
     * true); weight, bias [C] or null. With training, batch statistics are used and the running statistics,
     * if given, are updated in place (outside autograd); without, the running statistics are used.
     *
     * @param x the input [N, C, *], e.g. [N, C] after a linear layer or [N, C, H, W] after a convolution
     * @param runningMean the running mean [C], updated in place when training; null to keep none
     * @param runningVar the running (unbiased) variance [C], updated in place when training; null to keep none
     * @param weight the per-channel scale gamma [C], or null for 1
     * @param bias the per-channel shift beta [C], or null for 0
     * @param training use (and record) batch statistics rather than the running ones
     * @param momentum the running statistics' update factor, in [0, 1] (PyTorch's default 0.1)
     * @param eps added to the variance before the square root, for stability (PyTorch's default 1e-5)
     * @return the normalised tensor, x's shape, differentiable with respect to x, weight and bias
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return apply(x, runningMean, runningVar, weight, bias, training, momentum, eps, false, null);
    }

    /**
     * relu(batch_norm(x, ...) + residual) as one op (without the sum when residual is null); residual, if
     * given, has x's shape and receives the masked gradient. Arguments otherwise as {@link #batchNorm}.
     *
     * @param x the input [N, C, *]
     * @param residual a tensor of x's shape added before the ReLU (a ResNet block's shortcut), or null
     * @param runningMean the running mean [C], or null
     * @param runningVar the running variance [C], or null
     * @param weight the per-channel scale [C], or null
     * @param bias the per-channel shift [C], or null
     * @param training use (and record) batch statistics rather than the running ones
     * @param momentum the running statistics' update factor, in [0, 1]
     * @param eps added to the variance before the square root
     * @return the activated tensor, x's shape, differentiable with respect to x, residual, weight and bias
     */
    public static Tensor batchNormRelu(Tensor x, Tensor residual, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                       boolean training, double momentum, double eps) {
        return apply(x, runningMean, runningVar, weight, bias, training, momentum, eps, true, residual);
    }

    /** The sizes of an input [N, C, *]: per channel, n runs of s contiguous values, c * s apart. */
    private record Planes(int n, int c, int s) {
        /** Values per channel: the batch statistics' count. */
        int m() {
            return n * s;
        }

        /** Distance between a channel's runs in consecutive images. */
        int stride() {
            return c * s;
        }

        /** Channels per parallel task, so that a task has at least GRAIN values. */
        int grain() {
            return Math.max(1, GRAIN / Math.max(m(), 1));
        }
    }

    /** The options of one call that its backward needs again. */
    private record Mode(boolean training, boolean relu, boolean needX, boolean needW, boolean needB, boolean needR) {}

    private static Tensor apply(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                boolean training, double momentum, double eps, boolean relu, Tensor residual) {
        int[] xs = x.shape();
        Planes p = checkArguments(xs, runningMean, runningVar, weight, bias, residual, training);
        Tensor xc = x.contiguous(), rc = residual == null ? null : residual.contiguous();
        Tensor wc = weight == null ? null : weight.contiguous(), bc = bias == null ? null : bias.contiguous();
        float[] y = new float[x.numel()];
        float[] stats = new float[2 * p.c()]; // mean, then rstd
        forward(p, xc, rc, wc, bc, runningMean, runningVar, training, momentum, eps, relu, y, stats);

        Mode mode = new Mode(training, relu, xc.requiresGrad(), wc != null && wc.requiresGrad(), bc != null && bc.requiresGrad(),
                rc != null && rc.requiresGrad());
        Tensor saved = Tensor.of(stats, 2, p.c());
        Tensor out = Tensor.of(y, xs);
        String name = relu ? (rc == null ? "batchNormRelu" : "batchNormAddRelu") : "batchNorm";
        return Tensor.result(out, name, new Tensor[] {xc, wc, bc, rc}, new Tensor[] {xc, wc, saved, relu ? out : null},
                (g, sv) -> backward(p, mode, xs, g, sv[0], sv[1], sv[2], sv[3]));
    }

    /** Validates the shapes and modes with PyTorch's messages; returns the input's planes. */
    private static Planes checkArguments(int[] xs, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, Tensor residual,
                                         boolean training) {
        if (xs.length < 2) {
            throw new IllegalArgumentException("batch_norm: expected an input of at least 2 dimensions [N, C, *], got shape " + Shape.str(xs));
        }
        int spatial = 1;
        for (int d = 2; d < xs.length; d++) spatial *= xs[d];
        Planes p = new Planes(xs[0], xs[1], spatial);
        int c = p.c();
        String[] names = {"running_mean", "running_var", "weight", "bias"};
        Tensor[] perChannel = {runningMean, runningVar, weight, bias};
        for (int i = 0; i < 4; i++) {
            Tensor t = perChannel[i];
            if (t != null && !Arrays.equals(t.shape(), new int[] {c})) {
                throw new IllegalArgumentException("batch_norm: " + names[i] + " should contain " + c + " elements (one per channel of input "
                        + Shape.str(xs) + "), not shape " + Shape.str(t.shape()));
            }
        }
        if (residual != null && !Arrays.equals(residual.shape(), xs)) {
            throw new IllegalArgumentException("batch_norm_relu: the residual of shape " + Shape.str(residual.shape())
                    + " must have the input's shape " + Shape.str(xs));
        }
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batch_norm: running_mean and running_var must be given together");
        }
        if (!training && runningMean == null) {
            throw new IllegalArgumentException("batch_norm: running_mean and running_var must be given when not training");
        }
        if (training && p.m() <= 1) {
            throw new IllegalArgumentException("batch_norm: expected more than 1 value per channel when training, got input size " + Shape.str(xs));
        }
        return p;
    }

    /**
     * Forward, channel by channel: the statistics (batch ones when training, which also updates the running ones
     * in place; else the running ones) into stats as {mean..., rstd...}, then y = x * scale + shift (+ r, then the ReLU).
     */
    private static void forward(Planes p, Tensor xc, Tensor rc, Tensor wc, Tensor bc, Tensor runningMean, Tensor runningVar,
                                boolean training, double momentum, double eps, boolean relu, float[] y, float[] stats) {
        int n = p.n(), c = p.c(), s = p.s(), m = p.m();
        float[] xd = xc.storage(), wd = wc == null ? null : wc.storage(), bd = bc == null ? null : bc.storage();
        float[] rd = rc == null ? null : rc.storage();
        int xo = xc.offset(), wo = wc == null ? 0 : wc.offset(), bo = bc == null ? 0 : bc.offset(), ro = rc == null ? 0 : rc.offset();
        float[] rmd = runningMean == null ? null : runningMean.storage(), rvd = runningVar == null ? null : runningVar.storage();
        int rmo = runningMean == null ? 0 : runningMean.offset(), rvo = runningVar == null ? 0 : runningVar.offset();
        int rms = runningMean == null ? 0 : runningMean.strides()[0], rvs = runningVar == null ? 0 : runningVar.strides()[0];
        Kernels kern = Kernels.get();
        Parallel.forRange(c, p.grain(), (from, to) -> {
            float[] part = new float[n]; // per-image sums of one channel, added in double
            for (int ch = from; ch < to; ch++) {
                float mu, rs;
                if (training) {
                    kern.norm().planeSums(xd, xo + ch * s, n, c * s, s, part);
                    double sum = 0;
                    for (int i = 0; i < n; i++) sum += part[i];
                    double mean = sum / m, sq = 0; // two passes: E[x^2] - E[x]^2 cancels badly for large means
                    kern.norm().planeSquaredDeviations(xd, xo + ch * s, n, c * s, s, (float) mean, part);
                    for (int i = 0; i < n; i++) sq += part[i];
                    double var = sq / m;
                    mu = (float) mean;
                    rs = (float) (1.0 / Math.sqrt(var + eps));
                    if (rmd != null) {
                        int a = rmo + ch * rms, b = rvo + ch * rvs;
                        rmd[a] = (float) ((1 - momentum) * rmd[a] + momentum * mean);
                        rvd[b] = (float) ((1 - momentum) * rvd[b] + momentum * (sq / (m - 1)));
                    }
                } else {
                    mu = rmd[rmo + ch * rms];
                    rs = (float) (1.0 / Math.sqrt(rvd[rvo + ch * rvs] + eps));
                }
                stats[ch] = mu;
                stats[c + ch] = rs;
                float scale = wd == null ? rs : rs * wd[wo + ch];
                float shift = (bd == null ? 0f : bd[bo + ch]) - mu * scale;
                kern.norm().batchNormOutput(xd, xo + ch * s, n, c * s, s, scale, shift, rd, ro + ch * s, relu, y, ch * s);
            }
        });
    }

    /**
     * Backward from the saved input x, weight w (or null), statistics {mean..., rstd...} and, with the ReLU, output y:
     * the gradients of x, weight, bias and the residual, each null where not needed.
     */
    private static Tensor[] backward(Planes p, Mode mode, int[] xs, Tensor g, Tensor x, Tensor w, Tensor stats, Tensor out) {
        int n = p.n(), c = p.c(), s = p.s();
        boolean relu = mode.relu();
        Tensor gc = g.contiguous();
        float[] gd = gc.storage(), sx = x.storage(), sw = w == null ? null : w.storage(), st = stats.storage();
        float[] yd = relu ? out.storage() : null;
        int go = gc.offset(), so = x.offset(), swo = w == null ? 0 : w.offset();
        float[] gx = mode.needX() ? new float[n * c * s] : null, gw = mode.needW() ? new float[c] : null, gb = mode.needB() ? new float[c] : null;
        // The gradient after the ReLU mask, which is also the residual's: kept whole only when the residual needs it.
        float[] gr = relu && mode.needR() ? new float[n * c * s] : null;
        if (gx != null || gw != null || gb != null || gr != null) {
            Kernels kern = Kernels.get();
            Parallel.forRange(c, p.grain(), (from, to) -> {
                float[] sgp = new float[n], sgcp = new float[n], masked = relu && gr == null && !mode.training() ? new float[s] : null;
                for (int ch = from; ch < to; ch++) {
                    float mu = st[ch], rs = st[c + ch];
                    int at = ch * s;
                    // sum g and sum g * (x - mean), g after the ReLU mask (kept whole in gr when the residual needs it)
                    kern.norm().batchNormGradSums(relu ? yd : null, at, gd, go + at, sx, so + at, n, p.stride(), s, mu, gr, at, sgp, sgcp);
                    double sg = 0, sgc = 0;
                    for (int i = 0; i < n; i++) {
                        sg += sgp[i];
                        sgc += sgcp[i];
                    }
                    double sgx = sgc * rs; // sum g * xhat
                    if (gw != null) gw[ch] = (float) sgx;
                    if (gb != null) gb[ch] = (float) sg;
                    if (gx == null) continue;
                    float scale = sw == null ? rs : rs * sw[swo + ch];
                    // With the mask already applied in gr, read it instead of masking again.
                    float[] ya = gr != null ? null : relu ? yd : null, ga = gr != null ? gr : gd;
                    int gaOff = gr != null ? at : go + at;
                    if (mode.training()) {
                        inputGradTraining(kern, p, at, ya, ga, gaOff, sx, so, mu, rs, scale, sg, sgx, gx);
                    } else {
                        inputGradEval(kern, p, at, ya, ga, gaOff, scale, masked, gx);
                    }
                }
            });
        }
        Tensor gResidual = !mode.needR() ? null : relu ? Tensor.of(gr, xs) : gc;
        return new Tensor[] {gx != null ? Tensor.of(gx, xs) : null, gw != null ? Tensor.of(gw, c) : null, gb != null ? Tensor.of(gb, c) : null,
                gResidual};
    }

    /**
     * One channel's input gradient with batch statistics: gx = scale * (g - mean(g) - xhat * mean(g * xhat)), xhat =
     * (x - mean) * rs, from the channel's sums sg = sum g and sgx = sum g * xhat (g masked by y when ya is not null).
     */
    private static void inputGradTraining(Kernels kern, Planes p, int at, float[] ya, float[] ga, int gaOff, float[] sx, int so,
                                          float mu, float rs, float scale, double sg, double sgx, float[] gx) {
        float mg = (float) (sg / p.m()), mgx = (float) (sgx / p.m());
        kern.norm().batchNormGradInput(ya, at, ga, gaOff, sx, so + at, p.n(), p.stride(), p.s(), mu, scale, -scale * rs * mgx, -scale * mg, gx, at);
    }

    /** One channel's input gradient with running statistics, an affine map: gx = g * scale (g masked by y when ya is not null). */
    private static void inputGradEval(Kernels kern, Planes p, int at, float[] ya, float[] ga, int gaOff, float scale, float[] masked,
                                      float[] gx) {
        int s = p.s(), stride = p.stride();
        for (int i = 0; i < p.n(); i++) {
            int off = at + i * stride;
            if (ya != null) {
                kern.elementwise().reluBackward(ya, off, ga, gaOff + i * stride, masked, 0, s);
                kern.elementwise().scaleShift(masked, 0, scale, 0f, gx, off, s);
            } else {
                kern.elementwise().scaleShift(ga, gaOff + i * stride, scale, 0f, gx, off, s);
            }
        }
    }
}
