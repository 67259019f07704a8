package dev.jgrad.ops;

import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * Layer normalisation as one op. Composed from mean, sub, var, sqrt, div, mul and add it would record
 * seven nodes and allocate as many full-size tensors per call, in every Transformer block, twice.
 *
 * <p>Forward per row of D = numel(normalizedShape) values: mean, biased variance (PyTorch's), rstd =
 * 1/sqrt(var + eps), xhat = (x - mean) * rstd, y = xhat * w + b. Backward, with dxhat = g * w:
 * dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dw = sum over rows g * xhat, db = sum g.
 * Only the row means and rstd are saved beside x.
 */
public final class LayerNormOp {
    private LayerNormOp() {}

    private static final int GRAIN = 1 << 14;

    /**
     * Forward: x normalised over its trailing normalizedShape dimensions, then scaled by weight and shifted by bias (either may be null).
     * As torch.nn.functional.layer_norm.
     *
     * @param x the input [*, normalizedShape...], e.g. [B, T, D] with normalizedShape {@code {D}}
     * @param normalizedShape the trailing dims to normalise over
     * @param weight the elementwise scale gamma, of shape normalizedShape, or null for 1
     * @param bias the elementwise shift beta, of shape normalizedShape, or null for 0
     * @param eps added to the variance before the square root (PyTorch's default 1e-5)
     * @return the normalised tensor, x's shape, differentiable with respect to x, weight and bias
     * @throws IllegalArgumentException when x's trailing dims, weight or bias do not match normalizedShape
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int[] xs = x.shape();
        checkArguments(xs, normalizedShape, weight, bias);
        int d = Shape.numel(normalizedShape);
        int rows = d == 0 ? 0 : x.numel() / d;
        Tensor xc = x.contiguous();
        Tensor wc = weight == null ? null : weight.contiguous(), bc = bias == null ? null : bias.contiguous();
        float[] y = BufferPool.floats(rows * d), mean = new float[rows], rstd = new float[rows];
        forward(rows, d, xc, wc, bc, eps, y, mean, rstd);
        Tensor stats = Tensor.of(concat(mean, rstd), 2, rows);
        boolean needX = xc.requiresGrad(), needW = wc != null && wc.requiresGrad(), needB = bc != null && bc.requiresGrad();
        return Tensor.result(Tensor.of(y, xs), "layerNorm", new Tensor[] {xc, wc, bc}, new Tensor[] {xc, wc, stats},
                (g, sv) -> backward(rows, d, xs, normalizedShape, g, sv[0], sv[1], sv[2], needX, needW, needB));
    }

    /** Validates the shapes with PyTorch's messages. */
    private static void checkArguments(int[] xs, int[] normalizedShape, Tensor weight, Tensor bias) {
        int k = normalizedShape.length;
        if (k == 0) throw new IllegalArgumentException("layerNorm: normalizedShape must have at least one dimension");
        boolean fits = xs.length >= k && Arrays.equals(Arrays.copyOfRange(xs, xs.length - k, xs.length), normalizedShape);
        if (!fits) {
            throw new IllegalArgumentException("layerNorm: given normalizedShape=" + Shape.str(normalizedShape) + ", expected input with shape [*, "
                    + Shape.str(normalizedShape).substring(1) + ", but got input of size " + Shape.str(xs));
        }
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && !Arrays.equals(p.shape(), normalizedShape)) {
                throw new IllegalArgumentException("layerNorm: " + (p == weight ? "weight" : "bias") + " of shape " + Shape.str(p.shape())
                        + " does not match normalizedShape " + Shape.str(normalizedShape));
            }
        }
    }

    /** Forward, row by row: the statistics into mean and rstd, the normalised, scaled and shifted values into y. */
    private static void forward(int rows, int d, Tensor xc, Tensor wc, Tensor bc, double eps, float[] y, float[] mean, float[] rstd) {
        float[] xd = xc.storage(), wd = wc == null ? null : wc.storage(), bd = bc == null ? null : bc.storage();
        int xo = xc.offset(), wo = wc == null ? 0 : wc.offset(), bo = bc == null ? 0 : bc.offset();
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(d, 1)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = xo + r * d;
                double s = 0;
                for (int j = 0; j < d; j++) s += xd[off + j];
                double m = s / d;
                double v = 0; // two passes: the one-pass E[x^2] - E[x]^2 cancels badly for large means
                for (int j = 0; j < d; j++) {
                    double c = xd[off + j] - m;
                    v += c * c;
                }
                float mu = (float) m, rs = (float) (1.0 / Math.sqrt(v / d + eps));
                mean[r] = mu;
                rstd[r] = rs;
                int o = r * d;
                for (int j = 0; j < d; j++) {
                    float h = (xd[off + j] - mu) * rs;
                    if (wd != null) h *= wd[wo + j];
                    if (bd != null) h += bd[bo + j];
                    y[o + j] = h;
                }
            }
        });
    }

    /**
     * Backward from the saved input x, weight w (or null) and statistics {mean..., rstd...}: the gradients of x,
     * weight and bias, each null where not needed.
     */
    private static Tensor[] backward(int rows, int d, int[] xs, int[] normalizedShape, Tensor g, Tensor x, Tensor w, Tensor stats,
                                     boolean needX, boolean needW, boolean needB) {
        Tensor gcT = g.contiguous();
        float[] gd = gcT.storage();
        int go = gcT.offset();
        float[] sx = x.storage(), sw = w == null ? null : w.storage(), st = stats.storage();
        int so = x.offset(), swo = w == null ? 0 : w.offset();
        float[] gx = needX ? BufferPool.floats(rows * d) : null;
        if (needX) {
            Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(d, 1)), (from, to) -> {
                for (int r = from; r < to; r++) {
                    int off = so + r * d, goff = go + r * d, o = r * d;
                    float mu = st[r], rs = st[rows + r];
                    double a = 0, b = 0;
                    for (int j = 0; j < d; j++) {
                        float dh = sw == null ? gd[goff + j] : gd[goff + j] * sw[swo + j];
                        float h = (sx[off + j] - mu) * rs;
                        a += dh;
                        b += dh * h;
                    }
                    float ma = (float) (a / d), mb = (float) (b / d);
                    for (int j = 0; j < d; j++) {
                        float dh = sw == null ? gd[goff + j] : gd[goff + j] * sw[swo + j];
                        float h = (sx[off + j] - mu) * rs;
                        gx[o + j] = rs * (dh - ma - h * mb);
                    }
                }
            });
        }
        float[] gw = needW ? BufferPool.floats(d) : null, gb = needB ? BufferPool.floats(d) : null;
        if (needW || needB) {
            for (int r = 0; r < rows; r++) {
                int off = so + r * d, goff = go + r * d;
                float mu = st[r], rs = st[rows + r];
                for (int j = 0; j < d; j++) {
                    float gv = gd[goff + j];
                    if (needW) gw[j] += gv * (sx[off + j] - mu) * rs;
                    if (needB) gb[j] += gv;
                }
            }
        }
        return new Tensor[] {
                needX ? Tensor.of(gx, xs) : null,
                needW ? Tensor.of(gw, normalizedShape.clone()) : null,
                needB ? Tensor.of(gb, normalizedShape.clone()) : null};
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
