package dev.jgrad.optim;

import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Adam (torch.optim.Adam), with optional L2 weight decay added to the gradient and AMSGrad. Per
 * parameter, at step t (counted per parameter, from 1):
 * <pre>
 * g = grad + weightDecay * p
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g
 * vMax = max(vMax, v)                               (amsgrad only; then vMax replaces v below)
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * which is the textbook {@code lr * mHat / (sqrt(vHat) + eps)} computed in PyTorch's order, so the
 * float32 results match PyTorch's. {@link AdamW} decays the weights directly instead.
 */
public class Adam extends Optimizer<Adam.Options, Adam.State> {

    /**
     * The hyperparameters of one group, with PyTorch's names in the state dict. Start from
     * {@link Adam#options(double)} and change fields with the with-methods.
     *
     * @param lr          the learning rate, {@code >= 0} (PyTorch's default 1e-3)
     * @param beta1       the decay of the first moment (mean) estimate, in [0, 1) (betas[0], default 0.9)
     * @param beta2       the decay of the second moment (uncentred variance) estimate, in [0, 1) (betas[1],
     *                    default 0.999)
     * @param eps         added to the denominator for numerical stability, {@code >= 0} (default 1e-8)
     * @param weightDecay the weight decay coefficient, {@code >= 0}: L2 added to the gradient in Adam,
     *                    decoupled in {@link AdamW}
     * @param amsgrad     use the maximum of past second moments (AMSGrad, Reddi et al.)
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad)
            implements Optimizer.Options<Options> {
        /**
         * Checks every field.
         *
         * @throws IllegalArgumentException if a field is out of its range (NaN included)
         */
        public Options {
            if (!(lr >= 0)) throw new IllegalArgumentException("Adam: invalid learning rate: " + lr);
            if (!(eps >= 0)) throw new IllegalArgumentException("Adam: invalid epsilon value: " + eps);
            if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("Adam: invalid beta parameter at index 0: " + beta1 + " (must be in [0, 1))");
            if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("Adam: invalid beta parameter at index 1: " + beta2 + " (must be in [0, 1))");
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("Adam: invalid weight_decay value: " + weightDecay);
        }

        @Override public Options withLr(double lr) { return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad); }

        /**
         * A copy with other moment decays (PyTorch's {@code betas}; the Transformer paper uses 0.9, 0.98).
         *
         * @param beta1 the first moment's decay, in [0, 1)
         * @param beta2 the second moment's decay, in [0, 1)
         * @return the new options
         * @throws IllegalArgumentException if a beta is outside [0, 1)
         */
        public Options withBetas(double beta1, double beta2) { return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad); }

        /**
         * A copy with another epsilon.
         *
         * @param eps the denominator's additive term, {@code >= 0}
         * @return the new options
         * @throws IllegalArgumentException if {@code eps} is negative or NaN
         */
        public Options withEps(double eps) { return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad); }

        /**
         * A copy with another weight decay.
         *
         * @param weightDecay the decay coefficient, {@code >= 0}
         * @return the new options
         * @throws IllegalArgumentException if {@code weightDecay} is negative or NaN
         */
        public Options withWeightDecay(double weightDecay) { return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad); }

        /**
         * A copy with AMSGrad on or off.
         *
         * @param amsgrad true to use AMSGrad
         * @return the new options
         */
        public Options withAmsgrad(boolean amsgrad) { return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad); }

        @Override
        public void save(String prefix, Map<String, Tensor> out) {
            out.put(prefix + "lr", StateDictReader.scalarEntry(lr));
            out.put(prefix + "betas", Tensor.of(new float[] {(float) beta1, (float) beta2}, 2));
            out.put(prefix + "eps", StateDictReader.scalarEntry(eps));
            out.put(prefix + "weight_decay", StateDictReader.scalarEntry(weightDecay));
            out.put(prefix + "amsgrad", StateDictReader.scalarEntry(amsgrad ? 1 : 0));
        }

        @Override
        public Options load(String prefix, StateDictReader in) {
            double[] betas = in.pair(prefix + "betas", beta1, beta2);
            return new Options(in.scalar(prefix + "lr", lr), betas[0], betas[1], in.scalar(prefix + "eps", eps),
                    in.scalar(prefix + "weight_decay", weightDecay), in.flag(prefix + "amsgrad"));
        }
    }

    /**
     * PyTorch's defaults (betas 0.9, 0.999, eps 1e-8, no weight decay) with learning rate {@code lr} (PyTorch's default is 1e-3).
     *
     * @param lr the learning rate, {@code >= 0}
     * @return the options, to adjust with the with-methods
     * @throws IllegalArgumentException if {@code lr} is negative or NaN
     */
    public static Options options(double lr) {
        return new Options(lr, 0.9, 0.999, 1e-8, 0, false);
    }

    /**
     * The state of one parameter: its step count and moment estimates (PyTorch's step, exp_avg,
     * exp_avg_sq, max_exp_avg_sq). The count is saved as float32, exact up to 2^24 steps; by then
     * the bias corrections are exactly 1, so a rounded count would not change the updates.
     */
    public static final class State implements Optimizer.ParamState {
        private long step;
        private final Tensor expAvg;
        private final Tensor expAvgSq;
        private Tensor maxExpAvgSq;

        State(long step, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq) {
            this.step = step;
            this.expAvg = expAvg;
            this.expAvgSq = expAvgSq;
            this.maxExpAvgSq = maxExpAvgSq;
        }

        /**
         * The number of updates this parameter has had (PyTorch's {@code step}).
         *
         * @return the count, from 1 after the first update
         */
        public long step() { return step; }

        /**
         * The first moment estimate m (PyTorch's {@code exp_avg}).
         *
         * @return the live buffer, of the parameter's shape
         */
        public Tensor expAvg() { return expAvg; }

        /**
         * The second moment estimate v (PyTorch's {@code exp_avg_sq}).
         *
         * @return the live buffer, of the parameter's shape
         */
        public Tensor expAvgSq() { return expAvgSq; }

        /**
         * The running maximum of v that AMSGrad divides by (PyTorch's {@code max_exp_avg_sq}).
         *
         * @return the live buffer, of the parameter's shape; null unless amsgrad is on
         */
        public Tensor maxExpAvgSq() { return maxExpAvgSq; }

        @Override
        public void save(String prefix, Map<String, Tensor> out) {
            out.put(prefix + "step", StateDictReader.scalarEntry(step));
            out.put(prefix + "exp_avg", copy(expAvg));
            out.put(prefix + "exp_avg_sq", copy(expAvgSq));
            if (maxExpAvgSq != null) out.put(prefix + "max_exp_avg_sq", copy(maxExpAvgSq));
        }
    }

    private final boolean decoupledWeightDecay;

    /**
     * Adam with PyTorch's defaults and learning rate {@code lr}, as {@code torch.optim.Adam(params, lr=lr)}.
     *
     * @param params the tensors to train, e.g. {@code model.parameters()}
     * @param lr     the learning rate, {@code >= 0}
     * @throws IllegalArgumentException if {@code lr} is invalid or a parameter is not a contiguous leaf,
     *                                  repeated or sharing memory
     */
    public Adam(List<? extends Tensor> params, double lr) {
        this(params, options(lr));
    }

    /**
     * Adam with the given hyperparameters for all parameters.
     *
     * @param params  the tensors to train
     * @param options the hyperparameters, e.g. {@code Adam.options(1e-3).withBetas(0.9, 0.98)}
     * @throws IllegalArgumentException if a parameter is not a contiguous leaf, repeated or sharing memory
     */
    public Adam(List<? extends Tensor> params, Options options) {
        this(params, options, false);
    }

    /**
     * Adam over several parameter groups, each with its own hyperparameters.
     *
     * @param groups the groups, in order
     * @throws IllegalArgumentException if there is no parameter, or one is repeated, shares memory, is not
     *                                  a leaf or not contiguous
     */
    public Adam(List<ParamGroup<Options>> groups) {
        this(groups, false);
    }

    /**
     * For AdamW: weight decay applied to the weights (p *= 1 - lr * weightDecay) rather than added to the gradient.
     *
     * @param params               the tensors to train
     * @param options              the hyperparameters
     * @param decoupledWeightDecay true for AdamW's decay, false for Adam's L2 term
     * @throws IllegalArgumentException as {@link #Adam(List, Options)}
     */
    protected Adam(List<? extends Tensor> params, Options options, boolean decoupledWeightDecay) {
        super(params, options);
        this.decoupledWeightDecay = decoupledWeightDecay;
    }

    /**
     * For AdamW, over several parameter groups.
     *
     * @param groups               the groups, in order
     * @param decoupledWeightDecay true for AdamW's decay, false for Adam's L2 term
     * @throws IllegalArgumentException as {@link #Adam(List)}
     */
    protected Adam(List<ParamGroup<Options>> groups, boolean decoupledWeightDecay) {
        super(groups);
        this.decoupledWeightDecay = decoupledWeightDecay;
    }

    @Override
    protected State newState(Tensor param) {
        return new State(0, Tensor.zeros(param.shape()), Tensor.zeros(param.shape()), null);
    }

    @Override
    protected void update(Options o, State s, float[] p, int pOff, float[] g, int gOff, int n) {
        long step = ++s.step;
        if (o.amsgrad() && s.maxExpAvgSq == null) s.maxExpAvgSq = Tensor.zeros(s.expAvg.shape());
        // Scalars follow PyTorch: computed in double, rounded to float32 where they meet the tensors. add(x,
        // alpha) and addcmul are fused multiply-adds in PyTorch's CPU kernels, addcdiv is not; mirroring
        // that op by op gives PyTorch's float32 results bit for bit.
        double biasCorrection1 = 1 - Math.pow(o.beta1(), step);
        double biasCorrection2 = 1 - Math.pow(o.beta2(), step);
        float negStepSize = (float) -(o.lr() / biasCorrection1);
        float bc2Sqrt = (float) Math.sqrt(biasCorrection2);
        float beta1 = (float) o.beta1(), oneMinusBeta1 = (float) (1 - o.beta1());
        float beta2 = (float) o.beta2(), oneMinusBeta2 = (float) (1 - o.beta2());
        float eps = (float) o.eps();
        float l2 = decoupledWeightDecay ? 0f : (float) o.weightDecay();
        float decay = (float) (1 - o.lr() * o.weightDecay());
        boolean decoupled = decoupledWeightDecay;
        float[] m = s.expAvg.storage(), v = s.expAvgSq.storage();
        float[] vMax = o.amsgrad() ? s.maxExpAvgSq.storage() : null;
        // Element by element, so splitting across cores changes no result (a Transformer's 10M parameters
        // took about 4% of its training step on one core).
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float pi = p[pOff + i];
                float gi = g[gOff + i];
                if (decoupled) pi = pi * decay;
                else if (l2 != 0) gi = Math.fma(l2, pi, gi);
                float mi = Math.fma(oneMinusBeta1, gi, m[i] * beta1);
                float vi = Math.fma(oneMinusBeta2 * gi, gi, v[i] * beta2);
                m[i] = mi;
                v[i] = vi;
                if (vMax != null) {
                    vi = Math.max(vMax[i], vi);
                    vMax[i] = vi;
                }
                float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
                p[pOff + i] = pi + negStepSize * mi / denom;
            }
        });
    }

    /** Elements per task below which the update stays on one core. */
    private static final int GRAIN = 1 << 15;

    @Override
    protected State loadState(Tensor param, String prefix, StateDictReader in) {
        if (!in.has(prefix + "step")) return null;
        int[] shape = param.shape();
        long step = in.count(prefix + "step");
        Tensor expAvg = copy(in.tensor(prefix + "exp_avg", shape));
        Tensor expAvgSq = copy(in.tensor(prefix + "exp_avg_sq", shape));
        Tensor max = in.has(prefix + "max_exp_avg_sq") ? copy(in.tensor(prefix + "max_exp_avg_sq", shape)) : null;
        return new State(step, expAvg, expAvgSq, max);
    }

    private static Tensor copy(Tensor t) {
        return Tensor.of(t.toArray(), t.shape());
    }
}
