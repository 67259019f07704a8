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

    /**
     * x @ weight^T + bias for x of shape [..., in], weight [out, in], bias [out] or null.
     * As torch.nn.functional.linear.
     *
     * @param x the input [..., in]
     * @param weight the weight [out, in]
     * @param bias the bias [out], or null for none
     * @return x @ weight^T + bias, of shape [..., out]
     * @throws IllegalArgumentException when weight is not 2-D, x does not end in {@code in} or bias is not [out]
     */
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

    /**
     * Rows of weight [num, dim] picked by ids of any shape: result ids.shape + [dim].
     * As torch.nn.functional.embedding without padding_idx.
     *
     * @param ids token ids of any shape, each in [0, num)
     * @param weight the embedding table [num, dim]
     * @return the rows, of shape ids.shape + [dim], differentiable with respect to weight
     * @throws IllegalArgumentException when weight is not 2-D
     * @throws IndexOutOfBoundsException when an id is out of range
     */
    public static Tensor embedding(IntTensor ids, Tensor weight) {
        return EmbeddingOp.embedding(ids, weight, -1);
    }

    /**
     * As {@link #embedding(IntTensor, Tensor)}, with the row paddingIdx receiving no gradient; a negative
     * paddingIdx counts from the end, as in PyTorch.
     *
     * @param ids token ids of any shape, each in [0, num)
     * @param weight the embedding table [num, dim]
     * @param paddingIdx the padding token's id, in [-num, num)
     * @return the rows, of shape ids.shape + [dim]
     * @throws IllegalArgumentException when weight is not 2-D or paddingIdx is out of range
     * @throws IndexOutOfBoundsException when an id is out of range
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
     * As torch.nn.functional.layer_norm.
     *
     * @param x the input [*, normalizedShape...], e.g. [B, T, D] with normalizedShape {@code {D}}
     * @param normalizedShape the trailing dims to normalise over
     * @param weight the elementwise scale, of shape normalizedShape, or null
     * @param bias the elementwise shift, of shape normalizedShape, or null
     * @param eps added to the variance before the square root, for stability
     * @return the normalised tensor, x's shape
     * @throws IllegalArgumentException when x's trailing dims, weight or bias do not match normalizedShape
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return LayerNormOp.layerNorm(x, normalizedShape.clone(), weight, bias, eps);
    }

    /**
     * layerNorm with eps 1e-5.
     *
     * @param x the input [*, normalizedShape...]
     * @param normalizedShape the trailing dims to normalise over
     * @param weight the elementwise scale, of shape normalizedShape, or null
     * @param bias the elementwise shift, of shape normalizedShape, or null
     * @return the normalised tensor, x's shape
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias) {
        return layerNorm(x, normalizedShape, weight, bias, 1e-5);
    }

    /**
     * In training, zeroes each element with probability p and scales the rest by 1/(1-p), so that the
     * expected value is unchanged and evaluation needs no rescaling; otherwise returns x.
     * As torch.nn.functional.dropout.
     *
     * @param x the input, any shape
     * @param p the probability of zeroing an element, in [0, 1)
     * @param training drop only when true (a module passes {@link Module#isTraining()})
     * @param gen the random generator for the draws (one per element)
     * @return a new tensor, or x itself when not training or p is 0
     * @throws IllegalArgumentException when p is outside [0, 1)
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator gen) {
        checkDropoutP(p);
        if (!training || p == 0) return x;
        return DropoutOp.apply(x, p, gen);
    }

    /**
     * dropout with the default generator (reseeded by Generator.manualSeed).
     *
     * @param x the input, any shape
     * @param p the probability of zeroing an element, in [0, 1)
     * @param training drop only when true
     * @return a new tensor, or x itself when not training or p is 0
     * @throws IllegalArgumentException when p is outside [0, 1)
     */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        return dropout(x, p, training, Generator.defaultGenerator());
    }

    static void checkDropoutP(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability has to be in [0, 1), but got " + p);
        }
    }

    // ---------------------------------------------------------------- attention

    /**
     * Scaled dot-product attention without mask or dropout; see the full form below.
     *
     * @param query the queries [..., L, E]
     * @param key the keys [..., S, E]
     * @param value the values [..., S, Ev]
     * @return the output [..., L, Ev] and the attention weights [..., L, S]
     */
    public static AttentionOutput scaledDotProductAttention(Tensor query, Tensor key, Tensor value) {
        return scaledDotProductAttention(query, key, value, null, 0.0, false);
    }

    /**
     * With the default scale 1/sqrt(E) and the default generator for dropout.
     *
     * @param query the queries [..., L, E]
     * @param key the keys [..., S, E]
     * @param value the values [..., S, Ev]
     * @param attnMask a mask broadcasting to [..., L, S], or null
     * @param dropoutP the probability of dropping an attention weight, in [0, 1); 0 outside training
     * @param isCausal hide key j from query i when j &gt; i
     * @return the output [..., L, Ev] and the attention weights [..., L, S]
     */
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
     *
     * @param query the queries [..., L, E]
     * @param key the keys [..., S, E]
     * @param value the values [..., S, Ev]
     * @param attnMask a bool or additive mask broadcasting to [..., L, S], or null for none
     * @param dropoutP the probability of dropping an attention weight, in [0, 1); 0 outside training
     * @param isCausal hide key j from query i when j &gt; i (combined with attnMask if both are given)
     * @param scale the factor applied to Q K^T, usually 1/sqrt(E)
     * @param gen the random generator for dropout
     * @return the output [..., L, Ev] and the attention weights [..., L, S] (after dropout)
     * @throws IllegalArgumentException when the shapes do not fit together or dropoutP is out of range
     */
    public static AttentionOutput scaledDotProductAttention(Tensor query, Tensor key, Tensor value, AttentionMask attnMask,
                                                            double dropoutP, boolean isCausal, double scale, Generator gen) {
        return ScaledDotProductAttention.compute("scaledDotProductAttention", query, key, value, attnMask, dropoutP, isCausal, 0, scale, gen);
    }

    // ---------------------------------------------------------------- activations

    /**
     * max(x, 0) elementwise (torch.nn.functional.relu).
     *
     * @param x the input, any shape
     * @return a new tensor of x's shape
     */
    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /**
     * Exact GELU, x * Phi(x).
     *
     * @param x the input, any shape
     * @return a new tensor of x's shape
     */
    public static Tensor gelu(Tensor x) {
        return x.gelu();
    }

    /**
     * GELU with approximate "none" (exact) or "tanh": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
     * As torch.nn.functional.gelu(x, approximate=...).
     *
     * @param x the input, any shape
     * @param approximate {@code "none"} for the exact form or {@code "tanh"} for the tanh approximation (GPT-2's)
     * @return a new tensor of x's shape
     * @throws IllegalArgumentException when approximate is neither
     */
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

    /**
     * The softmax along dim, so that it sums to 1 there (torch.nn.functional.softmax).
     *
     * @param x the input, e.g. logits [batch, classes]
     * @param dim the dim to normalise, negative counting from the end
     * @return a new tensor of x's shape
     */
    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    /**
     * The log of the softmax along dim, computed stably (torch.nn.functional.log_softmax).
     *
     * @param x the input, e.g. logits [batch, classes]
     * @param dim the dim to normalise, negative counting from the end
     * @return a new tensor of x's shape
     */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return x.logSoftmax(dim);
    }

    // ---------------------------------------------------------------- losses

    /**
     * Cross-entropy between logits and class targets, with PyTorch's defaults (mean over targets, ignoreIndex
     * -100, no label smoothing). Logits [N, C] with targets [N], [N, C, d1, ...] with targets [N, d1, ...],
     * or [C] with a 0-d target.
     *
     * @param logits unnormalised scores [N, C], [N, C, d1, ...] or [C]
     * @param targets class indices in [0, C), [N], [N, d1, ...] or 0-d
     * @return the mean loss, a scalar
     * @throws IllegalArgumentException when the shapes do not match
     * @throws IndexOutOfBoundsException when a target is neither a class index nor the ignore index
     */
    public static Tensor crossEntropy(Tensor logits, IntTensor targets) {
        return crossEntropy(logits, targets, LossOptions.defaults());
    }

    /**
     * Cross-entropy with PyTorch's semantics: loss = (1 - s) * nll + (s / C) * sum_c(-log p_c) per target,
     * s being the label smoothing; ignored targets contribute 0 and MEAN divides by the number of targets
     * that are not ignored. One fused op (see ClassLossOps), so it is also the fast way to train a
     * language model.
     *
     * @param logits unnormalised scores [N, C], [N, C, d1, ...] or [C]
     * @param targets class indices in [0, C) or the ignore index; [N], [N, d1, ...] or 0-d
     * @param options reduction, ignore index and label smoothing
     * @return the loss: a scalar, or one per target with {@link Reduction#NONE}
     * @throws IllegalArgumentException when the shapes do not match
     * @throws IndexOutOfBoundsException when a target is neither a class index nor the ignore index
     */
    public static Tensor crossEntropy(Tensor logits, IntTensor targets, LossOptions options) {
        return ClassLossOps.crossEntropy(logits, targets, options);
    }

    /**
     * Cross-entropy with another reduction and otherwise PyTorch's defaults.
     *
     * @param logits unnormalised scores [N, C], [N, C, d1, ...] or [C]
     * @param targets class indices in [0, C); [N], [N, d1, ...] or 0-d
     * @param reduction how the per-target losses are combined
     * @return the loss: a scalar, or one per target with {@link Reduction#NONE}
     * @throws IllegalArgumentException when the shapes do not match
     * @throws IndexOutOfBoundsException when a target is neither a class index nor the ignore index
     */
    public static Tensor crossEntropy(Tensor logits, IntTensor targets, Reduction reduction) {
        return crossEntropy(logits, targets, LossOptions.defaults().withReduction(reduction));
    }

    /**
     * Negative log-likelihood of log-probabilities (for example logSoftmax output), mean over targets, ignoreIndex -100.
     * As torch.nn.functional.nll_loss.
     *
     * @param logProbs log-probabilities [N, C], [N, C, d1, ...] or [C]
     * @param targets class indices in [0, C); [N], [N, d1, ...] or 0-d
     * @return the mean loss, a scalar
     */
    public static Tensor nllLoss(Tensor logProbs, IntTensor targets) {
        return nllLoss(logProbs, targets, LossOptions.DEFAULT_IGNORE_INDEX, Reduction.MEAN);
    }

    /**
     * -logProbs[n, target[n]] per target, ignored targets contributing 0 and not counted by MEAN. Shapes as crossEntropy.
     *
     * @param logProbs log-probabilities [N, C], [N, C, d1, ...] or [C]
     * @param targets class indices in [0, C) or ignoreIndex; [N], [N, d1, ...] or 0-d
     * @param ignoreIndex a target value that contributes neither loss nor gradient
     * @param reduction how the per-target losses are combined
     * @return the loss: a scalar, or one per target with {@link Reduction#NONE}
     */
    public static Tensor nllLoss(Tensor logProbs, IntTensor targets, int ignoreIndex, Reduction reduction) {
        return ClassLossOps.nllLoss(logProbs, targets, ignoreIndex, reduction);
    }

    /**
     * The mean squared error (torch.nn.functional.mse_loss with its default reduction 'mean').
     *
     * @param input the predictions, any shape
     * @param target the targets, of input's shape exactly
     * @return the mean of (input - target)^2, a scalar
     * @throws IllegalArgumentException when the shapes differ (PyTorch would broadcast them with a warning)
     */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return mseLoss(input, target, Reduction.MEAN);
    }

    /**
     * (input - target)^2 elementwise, reduced.
     *
     * @param input the predictions, any shape
     * @param target the targets, of input's shape exactly
     * @param reduction MEAN, SUM, or NONE for the elementwise squares
     * @return the loss: a scalar, or input's shape with {@link Reduction#NONE}
     * @throws IllegalArgumentException when the shapes differ (PyTorch would broadcast them with a warning)
     */
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
