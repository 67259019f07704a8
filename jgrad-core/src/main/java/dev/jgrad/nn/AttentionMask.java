package dev.jgrad.nn;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * An attention mask: which keys a query may attend to, as PyTorch's attn_mask and key_padding_mask.
 *
 * <p>PyTorch tells the two kinds of mask apart by dtype; jgrad's tensors are all float32, so the kind is
 * said explicitly:
 * <ul>
 *   <li>{@link #bool(Tensor)}: a boolean mask, nonzero = <em>not allowed</em> (PyTorch's True for
 *       nn.MultiheadAttention and nn.Transformer). Comparisons such as {@code ids.eq(pad)} give exactly
 *       such 0/1 tensors.</li>
 *   <li>{@link #additive(Tensor)}: a float mask added to the scores; -inf forbids a key, finite values bias
 *       it (relative-position biases). An additive mask that requires grad receives a gradient.</li>
 * </ul>
 * Note that PyTorch 2's F.scaled_dot_product_attention reads a bool mask the other way round (True =
 * take part); jgrad uses the nn.MultiheadAttention convention everywhere.
 *
 * <p>Helpers build the usual masks: {@link #causal(int)} (the same mask as
 * Transformer.generateSquareSubsequentMask), {@link #padding(IntTensor, int)} and
 * {@link #keyPadding(int[], int)} for key_padding_mask [B, S].
 *
 * <p>A query whose keys are all masked gets zero attention weights (and so a zero attention output and no
 * gradient), where PyTorch 1.13 gives NaN; see {@link Functional#scaledDotProductAttention}.
 */
public final class AttentionMask {
    private final Tensor mask;
    private final boolean bool;

    private AttentionMask(Tensor mask, boolean bool) {
        if (mask == null) throw new IllegalArgumentException("AttentionMask: the mask tensor must not be null");
        this.mask = mask;
        this.bool = bool;
    }

    /**
     * A boolean mask: where {@code notAllowed} is nonzero the key is masked out (PyTorch's True).
     *
     * @param notAllowed 0/1 (or any zero/nonzero) values, broadcasting to the scores [..., L, S]
     * @return the mask
     * @throws IllegalArgumentException when the tensor is null
     */
    public static AttentionMask bool(Tensor notAllowed) {
        return new AttentionMask(notAllowed, true);
    }

    /**
     * A float mask added to the attention scores (0 = unchanged, -inf = masked out).
     *
     * @param bias values added to the scores, broadcasting to [..., L, S]
     * @return the mask
     * @throws IllegalArgumentException when the tensor is null
     */
    public static AttentionMask additive(Tensor bias) {
        return new AttentionMask(bias, false);
    }

    /**
     * The [size, size] causal mask: query i may attend to keys 0..i (a bool mask, true above the diagonal).
     *
     * @param size the sequence length, non-negative
     * @return a bool mask [size, size]
     * @throws IllegalArgumentException when size is negative
     */
    public static AttentionMask causal(int size) {
        if (size < 0) throw new IllegalArgumentException("AttentionMask.causal: size must be non-negative, got " + size);
        float[] d = new float[size * size];
        for (int i = 0; i < size; i++) for (int j = i + 1; j < size; j++) d[i * size + j] = 1f;
        return bool(Tensor.of(d, size, size));
    }

    /**
     * A key padding mask [B, S] from token ids [B, S]: masked where the id is {@code padId}.
     *
     * @param ids token ids [B, S]
     * @param padId the padding token's id
     * @return a bool mask [B, S]
     * @throws IllegalArgumentException when ids is not 2-D
     */
    public static AttentionMask padding(IntTensor ids, int padId) {
        if (ids.dim() != 2) {
            throw new IllegalArgumentException("AttentionMask.padding: ids must be [batch, seq], got shape " + Shape.str(ids.shape()));
        }
        int[] v = ids.data();
        float[] d = new float[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i] == padId ? 1f : 0f;
        return bool(Tensor.of(d, ids.shape()));
    }

    /**
     * A key padding mask [B, maxLen]: sequence b is real up to lengths[b] and padding after.
     *
     * @param lengths the real length of each sequence, each in [0, maxLen]
     * @param maxLen the padded length S
     * @return a bool mask [lengths.length, maxLen]
     * @throws IllegalArgumentException when a length is out of range
     */
    public static AttentionMask keyPadding(int[] lengths, int maxLen) {
        float[] d = new float[lengths.length * maxLen];
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 0 || lengths[b] > maxLen) {
                throw new IllegalArgumentException("AttentionMask.keyPadding: length " + lengths[b] + " of sequence " + b
                        + " is outside [0, " + maxLen + "]");
            }
            for (int j = lengths[b]; j < maxLen; j++) d[b * maxLen + j] = 1f;
        }
        return bool(Tensor.of(d, lengths.length, maxLen));
    }

    /**
     * True for a boolean mask, false for an additive one.
     *
     * @return whether this is a bool mask
     */
    public boolean isBool() {
        return bool;
    }

    /**
     * The tensor as given (0/1 for a bool mask, the biases for an additive one).
     *
     * @return the mask tensor
     */
    public Tensor tensor() {
        return mask;
    }

    /**
     * The mask tensor's shape.
     *
     * @return a copy of the shape
     */
    public int[] shape() {
        return mask.shape();
    }

    /**
     * The mask tensor's number of dims.
     *
     * @return the rank
     */
    public int dim() {
        return mask.dim();
    }

    /**
     * The same kind of mask over a reshaped view of the tensor (e.g. [B, S] to [B, 1, 1, S]).
     *
     * @param shape the new shape, with the same number of elements (one -1 may be inferred)
     * @return a mask of the same kind over the reshaped tensor
     */
    public AttentionMask reshape(int... shape) {
        return new AttentionMask(mask.reshape(shape), bool);
    }

    /**
     * The mask as the float tensor added to the scores: 0 where allowed and -inf where not for a bool mask,
     * the tensor itself (and its graph) for an additive one.
     *
     * @return the additive form, broadcasting as this mask does
     */
    public Tensor toAdditive() {
        if (!bool) return mask;
        try (var _ = GradMode.noGrad()) { // a bool mask has no gradient
            return Tensor.where(mask, Tensor.scalar(Float.NEGATIVE_INFINITY), Tensor.scalar(0f));
        }
    }

    /**
     * Both masks at once, broadcast: a key is masked if either masks it, and additive biases add up
     * (PyTorch's logical_or of bool masks and masked_fill/add of float ones). Either may be null.
     *
     * @param a a mask, or null
     * @param b a mask, or null
     * @return the combined mask: bool when both are bool, otherwise additive; null when both are null
     */
    public static AttentionMask combine(AttentionMask a, AttentionMask b) {
        if (a == null) return b;
        if (b == null) return a;
        if (a.bool && b.bool) {
            try (var _ = GradMode.noGrad()) {
                return bool(a.mask.ne(Tensor.scalar(0f)).maximum(b.mask.ne(Tensor.scalar(0f))));
            }
        }
        return additive(a.toAdditive().add(b.toAdditive()));
    }

    @Override
    public String toString() {
        return "AttentionMask(" + (bool ? "bool" : "additive") + ", shape=" + Shape.str(mask.shape()) + ")";
    }
}
