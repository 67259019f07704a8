package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

import java.util.Locale;

/**
 * y = x W^T + b over the last dimension (torch.nn.Linear): [..., in] to [..., out], with weight
 * [out, in] and bias [out] stored as PyTorch stores them, so checkpoints load without transposing.
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class Linear extends Module implements UnaryModule {
    private final int inFeatures, outFeatures;

    /**
     * A layer with bias, initialised from the default generator ({@code nn.Linear(in, out)}).
     *
     * @param inFeatures the size of each input's last dim, non-negative
     * @param outFeatures the size of each output's last dim, non-negative
     * @throws IllegalArgumentException when a size is negative
     */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    /**
     * A layer initialised from the default generator ({@code nn.Linear(in, out, bias=...)}).
     *
     * @param inFeatures the size of each input's last dim, non-negative
     * @param outFeatures the size of each output's last dim, non-negative
     * @param bias whether to learn an additive bias
     * @throws IllegalArgumentException when a size is negative
     */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, Generator.defaultGenerator());
    }

    /**
     * PyTorch's default initialisation: kaiming_uniform with a = sqrt(5) for the weight, which is
     * U(-1/sqrt(in), 1/sqrt(in)), and the same bound for the bias.
     *
     * @param inFeatures the size of each input's last dim, non-negative
     * @param outFeatures the size of each output's last dim, non-negative
     * @param bias whether to learn an additive bias
     * @param gen the random generator the initial weights are drawn from
     * @throws IllegalArgumentException when a size is negative
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator gen) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: in_features and out_features must be non-negative, got " + inFeatures + " and " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        Parameter w = registerParameter("weight", new Parameter(Tensor.zeros(outFeatures, inFeatures)));
        Init.kaimingUniform(w, Math.sqrt(5), Init.Mode.FAN_IN, Init.Nonlinearity.LEAKY_RELU, gen);
        if (bias) {
            double bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
            Init.uniform(registerParameter("bias", new Parameter(Tensor.zeros(outFeatures))), -bound, bound, gen);
        } else {
            registerParameter("bias", null);
        }
    }

    /**
     * [out, in]; looked up by name so that a tied or replaced weight is the one used.
     *
     * @return the weight parameter
     */
    public Parameter weight() {
        return ownParameter("weight");
    }

    /**
     * [out], or null without bias.
     *
     * @return the bias parameter, or null
     */
    public Parameter bias() {
        return ownParameter("bias");
    }

    /**
     * The input size.
     *
     * @return in_features
     */
    public int inFeatures() {
        return inFeatures;
    }

    /**
     * The output size.
     *
     * @return out_features
     */
    public int outFeatures() {
        return outFeatures;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.linear(x, weight(), bias());
    }

    @Override
    protected String extraRepr() {
        return String.format(Locale.ROOT, "in_features=%d, out_features=%d, bias=%s", inFeatures, outFeatures, bias() != null ? "True" : "False");
    }
}
