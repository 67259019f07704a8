package dev.jgrad.nn;

import dev.jgrad.ops.LayerNormOp;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Locale;

/**
 * Layer normalisation over the trailing normalizedShape dims (torch.nn.LayerNorm), with learnable
 * weight (ones) and bias (zeros) when elementwiseAffine. Forward and backward are one fused op.
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class LayerNorm extends Module implements UnaryModule {
    private final int[] normalizedShape;
    private final double eps;
    private final boolean elementwiseAffine;

    /**
     * eps 1e-5 and an affine transform, PyTorch's defaults.
     *
     * @param normalizedShape the trailing dims to normalise over, e.g. {@code d_model} for [B, T, d_model] inputs
     * @throws IllegalArgumentException when normalizedShape is empty or has a negative size
     */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true);
    }

    /**
     * As {@code nn.LayerNorm(normalized_shape, eps, elementwise_affine)}.
     *
     * @param normalizedShape the trailing dims to normalise over, at least one
     * @param eps added to the variance before the square root
     * @param elementwiseAffine whether to learn a weight (initially ones) and a bias (initially zeros)
     * @throws IllegalArgumentException when normalizedShape is empty or has a negative size
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("LayerNorm: normalizedShape must have at least one dimension");
        Shape.numel(normalizedShape); // rejects negative sizes
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.elementwiseAffine = elementwiseAffine;
        if (elementwiseAffine) {
            registerParameter("weight", new Parameter(Tensor.ones(normalizedShape)));
            registerParameter("bias", new Parameter(Tensor.zeros(normalizedShape)));
        } else {
            registerParameter("weight", null);
            registerParameter("bias", null);
        }
    }

    /**
     * The scale, or null without elementwiseAffine.
     *
     * @return the weight parameter, of shape normalizedShape, or null
     */
    public Parameter weight() {
        return ownParameter("weight");
    }

    /**
     * The shift, or null without elementwiseAffine.
     *
     * @return the bias parameter, of shape normalizedShape, or null
     */
    public Parameter bias() {
        return ownParameter("bias");
    }

    /**
     * The normalised trailing dims.
     *
     * @return a new array
     */
    public int[] normalizedShape() {
        return normalizedShape.clone();
    }

    /**
     * The term added to the variance.
     *
     * @return eps
     */
    public double eps() {
        return eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        return LayerNormOp.layerNorm(x, normalizedShape, weight(), bias(), eps);
    }

    @Override
    protected String extraRepr() {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < normalizedShape.length; i++) shape.append(i > 0 ? ", " : "").append(normalizedShape[i]);
        if (normalizedShape.length == 1) shape.append(',');
        return String.format(Locale.ROOT, "%s), eps=%s, elementwise_affine=%s", shape, pyFloat(eps), elementwiseAffine ? "True" : "False");
    }

    /** Python's repr of a float: 1e-05, 1e-06, 0.001. */
    private static String pyFloat(double v) {
        if (v != 0 && Math.abs(v) < 1e-4) {
            return String.format(Locale.ROOT, "%.15e", v).replaceAll("0+e", "e").replace(".e", "e");
        }
        String s = java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }
}
