package dev.jgrad.nn;

import dev.jgrad.ops.ClassLossOps;
import dev.jgrad.ops.DropoutOp;
import dev.jgrad.ops.EmbeddingOp;
import dev.jgrad.ops.LayerNormOp;
import dev.jgrad.ops.LinearOp;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * The stateless forms of the layers and losses (torch.nn.functional): the modules call these, and code
 * that manages its own weights can too.
 */
public final class Functional {
    private Functional() {}

    // ---------------------------------------------------------------- layers

    /** x @ weight^T + bias for x of shape [..., in], weight [out, in], bias [out] or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("linear: weight must be 2-D [out_features, in_features], got shape " + Shape.str(weight.shape()));
        }
        int in = weight.size(1), out = weight.size(0);
        if (x.dim() == 0 || x.size(-1) != in) {
            throw new IllegalArgumentException("linear: input of shape " + Shape.str(x.shape()) + " does not end in in_features = " + in
                    + " (weight shape " + Shape.str(weight.shape()) + ")");
        }
        if (bias != null && !Arrays.equals(bias.shape(), new int[] {out})) {
            throw new IllegalArgumentException("linear: bias of shape " + Shape.str(bias.shape()) + " does not match out_features = " + out);
        }
        return LinearOp.apply(x, weight, bias);
    }

    /** Rows of weight [num, dim] picked by ids of any shape: result ids.shape + [dim]. */
    public static Tensor embedding(IntTensor ids, Tensor weight) {
        return EmbeddingOp.embedding(ids, weight, -1);
    }

    /**
     * As {@link #embedding(IntTensor, Tensor)}, with the row paddingIdx receiving no gradient; a negative
     * paddingIdx counts from the end, as in PyTorch.
     */
    public static Tensor embedding(IntTensor ids, Tensor weight, int paddingIdx) {
        EmbeddingOp.checkWeight(weight);
        return EmbeddingOp.embedding(ids, weight, normalizePaddingIdx(paddingIdx, weight.size(0)));
    }

    static int normalizePaddingIdx(int paddingIdx, int num) {
        if (paddingIdx < -num || paddingIdx >= num) {
            throw new IllegalArgumentException("embedding: paddingIdx " + paddingIdx + " must be within num_embeddings " + num
                    + " (in [" + (-num) + ", " + (num - 1) + "])");
        }
        return paddingIdx < 0 ? paddingIdx + num : paddingIdx;
    }

    /**
     * Normalises over the trailing dims given by normalizedShape (biased variance, as PyTorch), then
     * scales by weight and shifts by bias (either may be null).
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return LayerNormOp.layerNorm(x, normalizedShape.clone(), weight, bias, eps);
    }

    /** layerNorm with eps 1e-5. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias) {
        return layerNorm(x, normalizedShape, weight, bias, 1e-5);
    }

    /**
     * In training, zeroes each element with probability p and scales the rest by 1/(1-p), so that the
     * expected value is unchanged and evaluation needs no rescaling; otherwise returns x.
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator gen) {
        checkDropoutP(p);
        if (!training || p == 0) return x;
        return DropoutOp.apply(x, p, gen);
    }

    /** dropout with the default generator (reseeded by Generator.manualSeed). */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        return dropout(x, p, training, Generator.defaultGenerator());
    }

    static void checkDropoutP(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability has to be in [0, 1), but got " + p);
        }
    }

    // ---------------------------------------------------------------- attention

    /** Scaled dot-product attention without mask or dropout; see the full form below. */
    public static AttentionOutput scaledDotProductAttention(Tensor query, Tensor key, Tensor value) {
        return scaledDotProductAttention(query, key, value, null, 0.0, false);
    }

    /** With the default scale 1/sqrt(E) and the default generator for dropout. */
    public static AttentionOutput scaledDotProductAttention(Tensor query, Tensor key, Tensor value, AttentionMask attnMask,
                                                            double dropoutP, boolean isCausal) {
        return scaledDotProductAttention(query, key, value, attnMask, dropoutP, isCausal, 1 / Math.sqrt(query.size(-1)),
                Generator.defaultGenerator());
    }

    /**
     * softmax(Q K^T * scale + mask) V (F.scaled_dot_product_attention, arguments in its order), for query
     * [..., L, E], key [..., S, E] and value [..., S, Ev]; the batch dims broadcast, the output is
     * [..., L, Ev]. The weights [..., L, S] are returned too (they exist anyway).
     *
     * <p>attnMask broadcasts to [..., L, S]; a bool mask hides keys where it is nonzero (the convention of
     * nn.MultiheadAttention, not PyTorch 2's SDPA, where True means "attend"), an additive mask is added
     * to the scores. isCausal hides key j from query i when j > i (PyTorch's top-left alignment); unlike
     * PyTorch it may be combined with attnMask, both then apply. dropoutP > 0 drops weights (scaling the
     * rest by 1/(1-p)) whenever it is called: pass 0 outside training, as modules do.
     *
     * <p>A query row whose keys are all masked gets all-zero weights, so a zero output and no gradient,
     * where PyTorch 1.13 gives NaN that then poisons every gradient in the batch (a padded-out sequence,
     * or a causal mask combined with left padding). Computed as two batched GEMMs around one fused
     * masked-softmax op.
     */
    public static AttentionOutput scaledDotProductAttention(Tensor query, Tensor key, Tensor value, AttentionMask attnMask,
                                                            double dropoutP, boolean isCausal, double scale, Generator gen) {
        return ScaledDotProductAttention.compute("scaledDotProductAttention", query, key, value, attnMask, dropoutP, isCausal, 0, scale, gen);
    }

    // ---------------------------------------------------------------- activations

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** Exact GELU, x * Phi(x). */
    public static Tensor gelu(Tensor x) {
        return x.gelu();
    }

    /** GELU with approximate "none" (exact) or "tanh": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    public static Tensor gelu(Tensor x, String approximate) {
        return switch (approximate) {
            case "none" -> x.gelu();
            case "tanh" -> {
                Tensor inner = x.add(x.mul(x).mul(x).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI));
                yield x.mul(inner.tanh().add(1f)).mul(0.5f);
            }
            default -> throw new IllegalArgumentException("gelu: approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"");
        };
    }

    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    // ---------------------------------------------------------------- losses

    /**
     * Cross-entropy between logits and class targets, with PyTorch's defaults (mean over targets, ignoreIndex
     * -100, no label smoothing). Logits [N, C] with targets [N], [N, C, d1, ...] with targets [N, d1, ...],
     * or [C] with a 0-d target.
     */
    public static Tensor crossEntropy(Tensor logits, IntTensor targets) {
        return crossEntropy(logits, targets, LossOptions.defaults());
    }

    /**
     * Cross-entropy with PyTorch's semantics: loss = (1 - s) * nll + (s / C) * sum_c(-log p_c) per target,
     * s being the label smoothing; ignored targets contribute 0 and MEAN divides by the number of targets
     * that are not ignored. One fused op (see ClassLossOps), so it is also the fast way to train a
     * language model.
     */
    public static Tensor crossEntropy(Tensor logits, IntTensor targets, LossOptions options) {
        return ClassLossOps.crossEntropy(logits, targets, options);
    }

    public static Tensor crossEntropy(Tensor logits, IntTensor targets, Reduction reduction) {
        return crossEntropy(logits, targets, LossOptions.defaults().withReduction(reduction));
    }

    /** Negative log-likelihood of log-probabilities (for example logSoftmax output), mean over targets, ignoreIndex -100. */
    public static Tensor nllLoss(Tensor logProbs, IntTensor targets) {
        return nllLoss(logProbs, targets, LossOptions.DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }

    /** -logProbs[n, target[n]] per target, ignored targets contributing 0 and not counted by MEAN. Shapes as crossEntropy. */
    public static Tensor nllLoss(Tensor logProbs, IntTensor targets, int ignoreIndex, Reduction reduction) {
        return ClassLossOps.nllLoss(logProbs, targets, ignoreIndex, reduction);
    }

    public static Tensor mseLoss(Tensor input, Tensor target) {
        return mseLoss(input, target, Reduction.MEAN);
    }

    /** (input - target)^2 elementwise, reduced. */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        if (!Arrays.equals(input.shape(), target.shape())) {
            // PyTorch broadcasts here with only a warning; it is nearly always a bug ([N] vs [N, 1] gives an [N, N] loss).
            throw new IllegalArgumentException("mseLoss: input of shape " + Shape.str(input.shape()) + " and target of shape "
                    + Shape.str(target.shape()) + " differ; reshape or expand one of them explicitly");
        }
        Tensor diff = input.sub(target);
        Tensor sq = diff.mul(diff);
        return switch (reduction) {
            case MEAN -> sq.mean();
            case SUM -> sq.sum();
            case NONE -> sq;
        };
    }
}
