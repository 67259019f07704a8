package dev.jgrad.nn;

import dev.jgrad.ops.AttentionSoftmax;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * The attention of an RNN encoder-decoder (Bahdanau et al. 2015; Luong et al. 2015, who call it "global"
 * attention: every source position takes part): one query per sentence, the decoder's state [B, Q], scores each
 * encoder output [B, S, K]; the softmax of the scores over the source's real positions weighs the values [B, S, V]
 * into one context vector [B, V].
 *
 * <pre>
 *   e_j   = score(q, k_j)                       subclasses: additive (Bahdanau), dot or general (Luong)
 *   a     = softmax(e) over j, 0 at padding
 *   c     = sum_j a_j v_j
 * </pre>
 *
 * A decoder asks for attention at every step over the same keys, so the part of the score that depends on the
 * keys alone is computed once per source by {@link #prepareKeys} (for the additive score the projection W_k k_j,
 * the largest piece of its work) and passed to {@link #attend} at each step; {@link #forward} does both at once.
 *
 * <p>The padding mask is an {@link AttentionMask} of shape [B, S], usually {@code AttentionMask.keyPadding(lengths, S)}
 * or {@code AttentionMask.padding(ids, PAD)} (bool: nonzero = padding), or additive. Padding positions get a weight of
 * exactly zero; a sentence whose positions are all masked gets all-zero weights and a zero context (no NaN).
 */
@SuppressWarnings("this-escape")
public abstract class GlobalAttention extends Module {
    private final int queryDim, keyDim;

    /**
     * Checks and keeps the sizes; subclasses register their parameters.
     *
     * @param queryDim the query (decoder state) size Q, at least 1
     * @param keyDim the key (encoder output) size K, at least 1
     * @throws IllegalArgumentException when a size is below 1
     */
    protected GlobalAttention(int queryDim, int keyDim) {
        if (queryDim < 1 || keyDim < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": query and key sizes must be positive, got " + queryDim + " and " + keyDim);
        }
        this.queryDim = queryDim;
        this.keyDim = keyDim;
    }

    /**
     * The query size.
     *
     * @return Q
     */
    public int queryDim() {
        return queryDim;
    }

    /**
     * The key size.
     *
     * @return K
     */
    public int keyDim() {
        return keyDim;
    }

    /**
     * The width of {@link #prepareKeys}' result.
     *
     * @return the prepared keys' last dim
     */
    public abstract int preparedDim();

    /**
     * What the score needs from the keys [B, S, keyDim], once per source: [B, S, preparedDim()].
     *
     * @param keys the encoder outputs [B, S, keyDim]
     * @return the prepared keys [B, S, preparedDim()], to pass to {@link #attend} at every step
     * @throws IllegalArgumentException when keys is not [B, S, keyDim]
     */
    public final Tensor prepareKeys(Tensor keys) {
        if (keys.dim() != 3 || keys.size(2) != keyDim) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected keys of shape [batch, source length, " + keyDim + "], got "
                    + Shape.str(keys.shape()));
        }
        return computePreparedKeys(keys);
    }

    /**
     * {@link #prepareKeys} without the shape check.
     *
     * @param keys the keys [B, S, keyDim], already checked
     * @return the prepared keys [B, S, preparedDim()]
     */
    protected abstract Tensor computePreparedKeys(Tensor keys);

    /**
     * The scores [B, S] of query [B, queryDim] against prepared keys [B, S, preparedDim()] (shapes already checked).
     *
     * @param query the query [B, queryDim]
     * @param preparedKeys the prepared keys [B, S, preparedDim()]
     * @return the unnormalised scores [B, S]
     */
    protected abstract Tensor scores(Tensor query, Tensor preparedKeys);

    /**
     * Attention of query [B, queryDim] over keys [B, S, keyDim] and values [B, S, V]; see {@link #attend}.
     *
     * @param query the decoder state [B, queryDim]
     * @param keys the encoder outputs [B, S, keyDim]
     * @param values the vectors to average [B, S, V], often the keys themselves
     * @param padding the padding mask [B, S], or null when every position is real
     * @return the context [B, V] as output and the weights [B, S]
     * @throws IllegalArgumentException when the shapes do not fit
     */
    public AttentionOutput forward(Tensor query, Tensor keys, Tensor values, AttentionMask padding) {
        return attend(query, prepareKeys(keys), values, padding);
    }

    /**
     * Attention of query [B, queryDim] with keys already passed through {@link #prepareKeys} ([B, S, preparedDim()]),
     * values [B, S, V] and the padding mask [B, S] (or null: all positions real).
     *
     * @return the context [B, V] as output and the weights [B, S]
     * @param query the decoder state [B, queryDim]
     * @param preparedKeys the result of {@link #prepareKeys} [B, S, preparedDim()]
     * @param values the vectors to average [B, S, V]
     * @param padding the padding mask [B, S], or null when every position is real
     * @throws IllegalArgumentException when the shapes do not fit
     */
    public AttentionOutput attend(Tensor query, Tensor preparedKeys, Tensor values, AttentionMask padding) {
        String name = getClass().getSimpleName();
        if (query.dim() != 2 || query.size(1) != queryDim) {
            throw new IllegalArgumentException(name + ": expected a query of shape [batch, " + queryDim + "], got " + Shape.str(query.shape()));
        }
        int B = query.size(0);
        if (preparedKeys.dim() != 3 || preparedKeys.size(0) != B || preparedKeys.size(2) != preparedDim()) {
            throw new IllegalArgumentException(name + ": expected prepared keys of shape [" + B + ", source length, " + preparedDim()
                    + "] (from prepareKeys) for a query of shape " + Shape.str(query.shape()) + ", got " + Shape.str(preparedKeys.shape()));
        }
        int S = preparedKeys.size(1);
        if (values.dim() != 3 || values.size(0) != B || values.size(1) != S) {
            throw new IllegalArgumentException(name + ": expected values of shape [" + B + ", " + S + ", size] to go with keys of shape "
                    + Shape.str(preparedKeys.shape()) + ", got " + Shape.str(values.shape()));
        }
        Tensor mask = null;
        if (padding != null) {
            if (padding.dim() != 2 || padding.shape()[0] != B || padding.shape()[1] != S) {
                throw new IllegalArgumentException(name + ": expected a padding mask of shape [" + B + ", " + S + "] (batch, source length), got "
                        + Shape.str(padding.shape()));
            }
            mask = padding.toAdditive();
        }
        // The fused masked softmax: -inf scores weigh exactly 0, and a fully masked row is all zeros rather than NaN.
        Tensor weights = AttentionSoftmax.apply(scores(query, preparedKeys), 1f, mask, false, 0);
        Tensor context = weights.unsqueeze(1).matmul(values).reshape(B, values.size(2));
        return new AttentionOutput(context, weights);
    }
}
