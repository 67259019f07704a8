package dev.jgrad.autograd;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Compares autograd's gradients with central finite differences (torch.autograd.gradcheck).
 *
 * <p>The output is projected onto fixed random weights, L = sum(w * f(x)), so one backward pass checks
 * the whole Jacobian-vector product. Tensors are float32, so each evaluation of f is float32; the
 * projection and the difference quotient are taken in double. With step eps the error of the quotient is
 * about eps^2 |f'''| (truncation) plus 1e-7 |L| / eps (float32 rounding), which the default tolerances
 * (eps 1e-2, atol 1e-3, rtol 1e-2) cover for inputs of order one.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * Tolerances and step of a gradient check. An element passes when
     * {@code |numeric - analytic| <= atol + rtol * |numeric|}.
     *
     * @param eps  finite-difference step added to and subtracted from each input element (float32, so
     *             much smaller than 1e-3 drowns in rounding)
     * @param atol absolute tolerance on the difference between the two gradients
     * @param rtol relative tolerance, a fraction of the finite-difference gradient
     * @param seed seed of the random weights the output is projected onto
     */
    public record Options(double eps, double atol, double rtol, long seed) {
        /**
         * The defaults, suited to float32 inputs of order one: eps 1e-2, atol 1e-3, rtol 1e-2, seed 1234.
         *
         * @return the default options
         */
        public static Options defaults() {
            return new Options(1e-2, 1e-3, 1e-2, 1234);
        }

        /**
         * A copy with other tolerances, for ops whose float32 rounding error is larger (long reductions,
         * exponentials).
         *
         * @param atol the new absolute tolerance
         * @param rtol the new relative tolerance
         * @return these options with {@code atol} and {@code rtol} replaced
         */
        public Options withTolerance(double atol, double rtol) {
            return new Options(eps, atol, rtol, seed);
        }

        /**
         * A copy with another finite-difference step, e.g. a smaller one near a kink of the function
         * (relu at 0, max with ties).
         *
         * @param eps the new step
         * @return these options with {@code eps} replaced
         */
        public Options withEps(double eps) {
            return new Options(eps, atol, rtol, seed);
        }
    }

    /**
     * Checks the gradient of f with respect to every input that requires grad; throws AssertionError naming the first mismatch.
     * The inputs' {@code grad} is reset first and holds autograd's gradient afterwards; their values are
     * perturbed in place during the check and restored exactly.
     *
     * @param name   what is checked, quoted at the start of the error message (e.g. the op name)
     * @param f      the function under test; it is called once with graph recording and then twice per
     *               element of every input requiring grad under {@link GradMode#noGrad()}, and must be
     *               deterministic (no dropout)
     * @param inputs the arguments of {@code f}; those that require grad must be contiguous leaves with offset 0
     * @param opt    the step, the tolerances and the seed of the projection
     * @throws AssertionError           at the first element whose gradients disagree beyond the tolerance
     * @throws IllegalArgumentException if an input requiring grad is not a contiguous leaf
     */
    public static void check(String name, Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Options opt) {
        Tensor out0;
        for (Tensor in : inputs) in.zeroGrad();
        out0 = f.apply(inputs);
        Tensor weights = Tensor.uniform(-1f, 1f, new Generator(opt.seed()), out0.shape());
        double[] w = toDouble(weights.toArray());
        out0.mul(weights).sum().backward();
        for (int t = 0; t < inputs.size(); t++) {
            Tensor x = inputs.get(t);
            if (!x.requiresGrad()) continue;
            if (!x.isContiguous() || x.offset() != 0) throw new IllegalArgumentException("GradCheck: inputs must be contiguous leaves");
            float[] analytic = x.grad() == null ? new float[x.numel()] : x.grad().toArray();
            float[] data = x.storage();
            for (int i = 0; i < x.numel(); i++) {
                float saved = data[i];
                data[i] = (float) (saved + opt.eps());
                double plus = project(f, inputs, w);
                data[i] = (float) (saved - opt.eps());
                double minus = project(f, inputs, w);
                data[i] = saved;
                // The actual step is what float32 could represent.
                double step = (double) (float) (saved + opt.eps()) - (double) (float) (saved - opt.eps());
                double numeric = (plus - minus) / step;
                double diff = Math.abs(numeric - analytic[i]);
                if (!(diff <= opt.atol() + opt.rtol() * Math.abs(numeric))) {
                    throw new AssertionError(String.format(Locale.ROOT,
                            "%s: gradient mismatch for input %d (shape %s) at element %d: autograd %.6g, finite difference %.6g (|diff| %.3g > %.3g)",
                            name, t, java.util.Arrays.toString(x.shape()), i, analytic[i], numeric, diff, opt.atol() + opt.rtol() * Math.abs(numeric)));
                }
            }
        }
    }

    /**
     * {@link #check(String, Function, List, Options)} with {@link Options#defaults()}.
     *
     * @param name   what is checked, quoted in the error message
     * @param f      the function under test, deterministic
     * @param inputs the arguments of {@code f}; those that require grad must be contiguous leaves
     * @throws AssertionError at the first element whose gradients disagree beyond the default tolerance
     */
    public static void check(String name, Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        check(name, f, inputs, Options.defaults());
    }

    private static double project(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double[] w) {
        try (var ignored = GradMode.noGrad()) {
            float[] y = f.apply(inputs).toArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) s += w[i] * y[i];
            return s;
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
