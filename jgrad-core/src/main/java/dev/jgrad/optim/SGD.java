package dev.jgrad.optim;

import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, L2 weight decay and Nesterov momentum,
 * exactly as torch.optim.SGD:
 * <pre>
 * d = g + weightDecay * p
 * buf = d                                  (first step with momentum)
 * buf = momentum * buf + (1 - dampening) * d   (later steps)
 * d = nesterov ? d + momentum * buf : buf
 * p = p - lr * d
 * </pre>
 * Note the first momentum step takes the gradient itself, undamped, as PyTorch does.
 */
public class SGD extends Optimizer<SGD.Options, SGD.State> {

    /**
     * The hyperparameters of one group (PyTorch's defaults except lr, which SGD requires). Start from
     * {@link SGD#options(double)} and change fields with the with-methods.
     *
     * @param lr          the learning rate, {@code >= 0}
     * @param momentum    the momentum factor, {@code >= 0} (0 for none; 0.9 is usual)
     * @param dampening   the dampening of the gradient in the momentum buffer (0 for none)
     * @param weightDecay the L2 coefficient added to the gradient, {@code >= 0}
     * @param nesterov    use Nesterov momentum; needs a positive momentum and zero dampening
     */
    public record Options(double lr, double momentum, double dampening, double weightDecay, boolean nesterov)
            implements Optimizer.Options<Options> {
        /**
         * Checks every field on its own; see {@link #validate()} for the Nesterov rule.
         *
         * @throws IllegalArgumentException if a field is out of its range (NaN included)
         */
        public Options {
            if (!(lr >= 0)) throw new IllegalArgumentException("SGD: invalid learning rate: " + lr);
            if (!(momentum >= 0)) throw new IllegalArgumentException("SGD: invalid momentum value: " + momentum);
            if (Double.isNaN(dampening)) throw new IllegalArgumentException("SGD: invalid dampening value: " + dampening);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("SGD: invalid weight_decay value: " + weightDecay);
        }

        @Override public Options withLr(double lr) { return new Options(lr, momentum, dampening, weightDecay, nesterov); }

        /**
         * A copy with another momentum factor.
         *
         * @param momentum the momentum factor, {@code >= 0}
         * @return the new options
         * @throws IllegalArgumentException if {@code momentum} is negative or NaN
         */
        public Options withMomentum(double momentum) { return new Options(lr, momentum, dampening, weightDecay, nesterov); }

        /**
         * A copy with another dampening.
         *
         * @param dampening the dampening of the gradient in the momentum buffer
         * @return the new options
         * @throws IllegalArgumentException if {@code dampening} is NaN
         */
        public Options withDampening(double dampening) { return new Options(lr, momentum, dampening, weightDecay, nesterov); }

        /**
         * A copy with another weight decay.
         *
         * @param weightDecay the L2 coefficient, {@code >= 0}
         * @return the new options
         * @throws IllegalArgumentException if {@code weightDecay} is negative or NaN
         */
        public Options withWeightDecay(double weightDecay) { return new Options(lr, momentum, dampening, weightDecay, nesterov); }

        /**
         * A copy with Nesterov momentum on or off.
         *
         * @param nesterov true for Nesterov momentum (checked against momentum and dampening when used)
         * @return the new options
         */
        public Options withNesterov(boolean nesterov) { return new Options(lr, momentum, dampening, weightDecay, nesterov); }

        /**
         * Nesterov momentum requires momentum and no dampening. Checked when the options are used rather
         * than built, so that the with-methods may come in any order.
         *
         * @throws IllegalArgumentException if nesterov is on without momentum or with dampening
         */
        @Override
        public void validate() {
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening, got momentum="
                        + momentum + ", dampening=" + dampening);
            }
        }

        @Override
        public void save(String prefix, Map<String, Tensor> out) {
            out.put(prefix + "lr", StateDictReader.scalarEntry(lr));
            out.put(prefix + "momentum", StateDictReader.scalarEntry(momentum));
            out.put(prefix + "dampening", StateDictReader.scalarEntry(dampening));
            out.put(prefix + "weight_decay", StateDictReader.scalarEntry(weightDecay));
            out.put(prefix + "nesterov", StateDictReader.scalarEntry(nesterov ? 1 : 0));
        }

        @Override
        public Options load(String prefix, StateDictReader in) {
            return new Options(in.scalar(prefix + "lr", lr), in.scalar(prefix + "momentum", momentum),
                    in.scalar(prefix + "dampening", dampening), in.scalar(prefix + "weight_decay", weightDecay),
                    in.flag(prefix + "nesterov"));
        }
    }

    /**
     * Plain SGD with learning rate {@code lr}; add momentum etc. with the with-methods.
     *
     * @param lr the learning rate, {@code >= 0}
     * @return options with no momentum, dampening or weight decay
     * @throws IllegalArgumentException if {@code lr} is negative or NaN
     */
    public static Options options(double lr) {
        return new Options(lr, 0, 0, 0, false);
    }

    /** The momentum buffer of one parameter; null until its first step with momentum. */
    public static final class State implements Optimizer.ParamState {
        private final int[] shape;
        private Tensor momentumBuffer;

        State(int[] shape) {
            this.shape = shape;
        }

        /**
         * The momentum buffer (PyTorch's {@code momentum_buffer}).
         *
         * @return the live buffer, of the parameter's shape, or null before the first step with momentum
         */
        public Tensor momentumBuffer() {
            return momentumBuffer;
        }

        @Override
        public void save(String prefix, Map<String, Tensor> out) {
            if (momentumBuffer != null) out.put(prefix + "momentum_buffer", Tensor.of(momentumBuffer.toArray(), momentumBuffer.shape()));
        }
    }

    /**
     * Plain SGD, as {@code torch.optim.SGD(params, lr=lr)}.
     *
     * @param params the tensors to train, e.g. {@code model.parameters()}
     * @param lr     the learning rate, {@code >= 0}
     * @throws IllegalArgumentException if {@code lr} is invalid or a parameter is not a contiguous leaf,
     *                                  repeated or sharing memory
     */
    public SGD(List<? extends Tensor> params, double lr) {
        this(params, options(lr));
    }

    /**
     * SGD with the given hyperparameters for all parameters, e.g. {@code SGD.options(0.1).withMomentum(0.9)}.
     *
     * @param params  the tensors to train
     * @param options the hyperparameters
     * @throws IllegalArgumentException if the options are inconsistent or a parameter is not a contiguous
     *                                  leaf, repeated or sharing memory
     */
    public SGD(List<? extends Tensor> params, Options options) {
        super(params, options);
    }

    /**
     * SGD over several parameter groups, each with its own hyperparameters.
     *
     * @param groups the groups, in order
     * @throws IllegalArgumentException if there is no parameter, or one is repeated, shares memory, is not
     *                                  a leaf or not contiguous
     */
    public SGD(List<ParamGroup<Options>> groups) {
        super(groups);
    }

    @Override
    protected State newState(Tensor param) {
        return new State(param.shape());
    }

    @Override
    protected void update(Options o, State s, float[] p, int pOff, float[] g, int gOff, int n) {
        // Scalars are rounded to float32 once, as PyTorch does when it applies a Python number to a float
        // tensor, and add(x, alpha) is a fused multiply-add as in PyTorch's CPU kernels: with both, the
        // float32 results equal PyTorch's bit for bit.
        float wd = (float) o.weightDecay();
        float momentum = (float) o.momentum();
        float keep = (float) (1 - o.dampening());
        float negLr = (float) -o.lr();
        boolean useMomentum = o.momentum() != 0;
        boolean nesterov = o.nesterov();
        boolean firstMomentumStep = false;
        if (useMomentum && s.momentumBuffer == null) {
            s.momentumBuffer = Tensor.zeros(s.shape);
            firstMomentumStep = true;
        }
        float[] buf = useMomentum ? s.momentumBuffer.storage() : null;
        boolean first = firstMomentumStep;
        // Element by element, so splitting across cores changes nothing in the results.
        Parallel.forRange(n, 1 << 16, (from, to) -> {
            for (int i = from; i < to; i++) {
                float pi = p[pOff + i];
                float d = g[gOff + i];
                if (wd != 0) d = Math.fma(wd, pi, d);
                if (useMomentum) {
                    float b = first ? d : Math.fma(keep, d, buf[i] * momentum);
                    buf[i] = b;
                    d = nesterov ? Math.fma(momentum, b, d) : b;
                }
                p[pOff + i] = Math.fma(negLr, d, pi);
            }
        });
    }

    @Override
    protected State loadState(Tensor param, String prefix, StateDictReader in) {
        if (!in.has(prefix + "momentum_buffer")) return null;
        State s = new State(param.shape());
        Tensor saved = in.tensor(prefix + "momentum_buffer", param.shape());
        s.momentumBuffer = Tensor.of(saved.toArray(), param.shape());
        return s;
    }
}
