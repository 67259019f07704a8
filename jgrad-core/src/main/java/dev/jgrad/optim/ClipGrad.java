package dev.jgrad.optim;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gradient clipping, as torch.nn.utils.clip_grad_norm_ and clip_grad_value_: call between
 * {@code backward()} and {@code optimizer.step()}. Parameters without a gradient are ignored. Gradients
 * are changed in place (a non-contiguous gradient, possible only through setGrad, is first replaced by
 * a contiguous copy).
 */
public final class ClipGrad {
    private ClipGrad() {}

    /**
     * {@link #clipGradNorm(List, double, double, boolean)} with the 2-norm: the usual
     * {@code torch.nn.utils.clip_grad_norm_(params, max_norm)}.
     *
     * @param params  the parameters whose gradients are clipped, e.g. {@code model.parameters()}
     * @param maxNorm the largest total norm allowed, {@code >= 0} (1.0 is common for RNNs and Transformers)
     * @return the total norm before clipping (0 when no parameter has a gradient)
     * @throws IllegalArgumentException if {@code maxNorm} is negative or NaN, or a parameter is null
     */
    public static double clipGradNorm(List<? extends Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2.0, false);
    }

    /**
     * {@link #clipGradNorm(List, double, double, boolean)} with a non-finite norm scaled in rather than
     * reported.
     *
     * @param params   the parameters whose gradients are clipped
     * @param maxNorm  the largest total norm allowed, {@code >= 0}
     * @param normType p of the p-norm, or {@code Double.POSITIVE_INFINITY} for the max norm
     * @return the total norm before clipping (0 when no parameter has a gradient)
     * @throws IllegalArgumentException if {@code maxNorm} is negative, {@code normType} not positive, or a
     *                                  parameter is null
     */
    public static double clipGradNorm(List<? extends Tensor> params, double maxNorm, double normType) {
        return clipGradNorm(params, maxNorm, normType, false);
    }

    /**
     * Scales all gradients together so that their total norm, taken over all of them as if concatenated,
     * is at most {@code maxNorm}: each is multiplied by maxNorm / (total + 1e-6) when that is below 1.
     *
     * @param params   the parameters whose gradients are clipped; those without a gradient are skipped
     * @param maxNorm  the largest total norm allowed, {@code >= 0}
     * @param normType p of the p-norm (2 for the Euclidean norm, any p > 0), or
     *                 {@code Double.POSITIVE_INFINITY} for the largest absolute value
     * @param errorIfNonfinite throw when the total norm is NaN or infinite instead of scaling by it (which,
     *                 as in PyTorch, turns the gradients into zeros and NaNs)
     * @return the total norm before clipping (0 when no parameter has a gradient), useful to log
     * @throws IllegalArgumentException if {@code maxNorm} is negative, {@code normType} not positive, or a
     *                                  parameter is null
     * @throws IllegalStateException    if {@code errorIfNonfinite} and the total norm is NaN or infinite
     */
    public static double clipGradNorm(List<? extends Tensor> params, double maxNorm, double normType, boolean errorIfNonfinite) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
        if (!(normType > 0)) {
            throw new IllegalArgumentException("clipGradNorm: normType must be positive (2 for the Euclidean norm, POSITIVE_INFINITY for the max norm), got " + normType);
        }
        List<Tensor> grads = contiguousGrads("clipGradNorm", params);
        if (grads.isEmpty()) return 0.0;
        boolean inf = normType == Double.POSITIVE_INFINITY;
        // As PyTorch: a float32 norm per gradient, then the norm of those norms.
        float total;
        if (inf) {
            float max = 0f;
            for (Tensor g : grads) max = Math.max(max, absMax(g));
            total = max;
        } else {
            double sum = 0;
            for (Tensor g : grads) sum += pow(pNorm(g, normType), normType);
            total = (float) root(sum, normType);
        }
        if (errorIfNonfinite && !Float.isFinite(total)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "clipGradNorm: the total norm of order %s for gradients from %d parameters is %s, "
                    + "so it cannot be clipped. To scale the gradients by the non-finite norm anyway, pass errorIfNonfinite=false",
                    inf ? "inf" : Double.toString(normType), grads.size(), Float.toString(total)));
        }
        // PyTorch computes max_norm / (total + 1e-6) as reciprocal(total + 1e-6) * max_norm, in float32.
        float coef = (1f / (total + 1e-6f)) * (float) maxNorm;
        if (!(coef >= 1f)) { // also NaN, which PyTorch multiplies in
            try (var ignored = GradMode.noGrad()) {
                for (Tensor g : grads) {
                    float[] d = g.storage();
                    for (int i = g.offset(), end = g.offset() + g.numel(); i < end; i++) d[i] *= coef;
                }
            }
        }
        return total;
    }

    /**
     * Clamps every gradient element into [-clipValue, clipValue] (NaN stays NaN), as
     * {@code torch.nn.utils.clip_grad_value_}.
     *
     * @param params    the parameters whose gradients are clamped; those without a gradient are skipped
     * @param clipValue the largest magnitude allowed, {@code >= 0}
     * @throws IllegalArgumentException if {@code clipValue} is negative or NaN, or a parameter is null
     */
    public static void clipGradValue(List<? extends Tensor> params, double clipValue) {
        if (!(clipValue >= 0)) throw new IllegalArgumentException("clipGradValue: clipValue must be >= 0, got " + clipValue);
        float c = (float) clipValue;
        for (Tensor g : contiguousGrads("clipGradValue", params)) {
            float[] d = g.storage();
            for (int i = g.offset(), end = g.offset() + g.numel(); i < end; i++) d[i] = Math.min(Math.max(d[i], -c), c);
        }
    }

    private static List<Tensor> contiguousGrads(String op, List<? extends Tensor> params) {
        if (params == null) throw new IllegalArgumentException(op + ": params must not be null");
        List<Tensor> grads = new ArrayList<>();
        try (var ignored = GradMode.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                if (p == null) throw new IllegalArgumentException(op + ": parameter " + i + " is null");
                Tensor g = p.grad();
                if (g == null) continue;
                if (!g.isContiguous()) {
                    g = Tensor.of(g.toArray(), g.shape());
                    p.setGrad(g);
                }
                grads.add(g);
            }
        }
        return grads;
    }

    private static float absMax(Tensor g) {
        float[] d = g.storage();
        float max = 0f;
        for (int i = g.offset(), end = g.offset() + g.numel(); i < end; i++) max = Math.max(max, Math.abs(d[i]));
        return max;
    }

    /** The p-norm of one gradient, accumulated in double and rounded to float32. */
    private static float pNorm(Tensor g, double p) {
        float[] d = g.storage();
        double sum = 0;
        int start = g.offset(), end = start + g.numel();
        if (p == 2) {
            for (int i = start; i < end; i++) sum += (double) d[i] * d[i];
        } else if (p == 1) {
            for (int i = start; i < end; i++) sum += Math.abs(d[i]);
        } else {
            for (int i = start; i < end; i++) sum += Math.pow(Math.abs(d[i]), p);
        }
        return (float) root(sum, p);
    }

    private static double pow(double x, double p) {
        return p == 2 ? x * x : p == 1 ? x : Math.pow(x, p);
    }

    private static double root(double x, double p) {
        return p == 2 ? Math.sqrt(x) : p == 1 ? x : Math.pow(x, 1 / p);
    }
}
