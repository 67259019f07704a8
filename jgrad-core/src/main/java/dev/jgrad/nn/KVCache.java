package dev.jgrad.nn;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * The projected keys and values one {@link MultiheadAttention} has already computed, for incremental
 * decoding: feed one new position at a time and get the same result as the full causal computation,
 * at the cost of one position per step instead of the whole prefix.
 *
 * <ul>
 *   <li>{@link #forSelfAttention()}: each call appends the new positions' keys and values, and the
 *       queries attend to everything cached so far (with isCausal, new query i sits at position
 *       {@code length() + i}).</li>
 *   <li>{@link #forCrossAttention()}: the first call projects the encoder memory; later calls reuse it
 *       and ignore the key and value they are given.</li>
 * </ul>
 *
 * Keys and values are stored per head, [B, numHeads, S, headDim]. {@link #reorder} reorders (or
 * repeats, or drops) batch rows, which is what beam search does when hypotheses are re-ranked. A cache
 * belongs to one attention module of one layer; {@link DecoderCache} holds those of a whole decoder.
 * Under grad mode the cached tensors keep their graph; decode inside {@code GradMode.noGrad()}.
 */
public final class KVCache {
    private final boolean selfAttention;
    private Tensor keys, values;

    private KVCache(boolean selfAttention) {
        this.selfAttention = selfAttention;
    }

    /**
     * A cache that grows by the new positions at every call (decoder self-attention).
     *
     * @return an empty cache
     */
    public static KVCache forSelfAttention() {
        return new KVCache(true);
    }

    /**
     * A cache filled once from the encoder memory and reused afterwards (decoder cross-attention).
     *
     * @return an empty cache
     */
    public static KVCache forCrossAttention() {
        return new KVCache(false);
    }

    /**
     * Whether this cache grows at every call (self-attention) or is filled once (cross-attention).
     *
     * @return true for a self-attention cache
     */
    public boolean isSelfAttention() {
        return selfAttention;
    }

    /**
     * Whether nothing is cached yet (or since {@link #clear()}).
     *
     * @return true when empty
     */
    public boolean isEmpty() {
        return keys == null;
    }

    /**
     * The number of cached key positions S (0 when empty).
     *
     * @return the cached length
     */
    public int length() {
        return keys == null ? 0 : keys.size(2);
    }

    /**
     * The batch size of the cached keys (-1 when empty).
     *
     * @return the batch size, or -1
     */
    public int batchSize() {
        return keys == null ? -1 : keys.size(0);
    }

    /**
     * Cached keys [B, numHeads, S, headDim], or null when empty.
     *
     * @return the keys, or null
     */
    public Tensor keys() {
        return keys;
    }

    /**
     * Cached values [B, numHeads, S, headDim], or null when empty.
     *
     * @return the values, or null
     */
    public Tensor values() {
        return values;
    }

    /** Forgets everything (a new batch of sentences). */
    public void clear() {
        keys = null;
        values = null;
    }

    /**
     * Keeps batch rows in the given order: row b becomes the old row batchIndices[b]. The batch size may
     * change (beam search expands each sentence to k beams, then follows the surviving hypotheses).
     *
     * @param batchIndices 1-D indices into the current batch rows, repeats allowed
     * @throws IllegalArgumentException when batchIndices is not 1-D
     * @throws IndexOutOfBoundsException when an index is out of range
     */
    public void reorder(IntTensor batchIndices) {
        if (keys == null) return;
        if (batchIndices.dim() != 1) {
            throw new IllegalArgumentException("KVCache.reorder: batchIndices must be 1-D, got shape " + Shape.str(batchIndices.shape()));
        }
        int b = keys.size(0);
        for (int i : batchIndices.data()) {
            if (i < 0 || i >= b) throw new IndexOutOfBoundsException("KVCache.reorder: batch index " + i + " is out of range for a cache of batch size " + b);
        }
        keys = keys.indexSelect(0, batchIndices);
        values = values.indexSelect(0, batchIndices);
    }

    /**
     * The keys and values to attend to, given the new positions' ones ([B, H, L, Dh]): for self-attention
     * the cached ones followed by the new ones (and they are cached); for cross-attention the cached ones,
     * or the given ones on the first call. Either k and v may be null for a filled cross-attention cache.
     */
    Tensor[] update(String who, Tensor k, Tensor v) {
        if (keys != null && k != null && (k.size(0) != keys.size(0) || k.size(1) != keys.size(1) || k.size(3) != keys.size(3))) {
            throw new IllegalArgumentException(who + ": new keys of shape " + Shape.str(k.shape()) + " [B, heads, L, headDim] do not fit the cached ones of shape "
                    + Shape.str(keys.shape()) + " (reorder() the cache when the batch changes, clear() it for a new batch)");
        }
        if (selfAttention) {
            keys = keys == null ? k : Tensor.cat(java.util.List.of(keys, k), 2);
            values = values == null ? v : Tensor.cat(java.util.List.of(values, v), 2);
        } else if (keys == null) {
            keys = k;
            values = v;
        }
        return new Tensor[] {keys, values};
    }

    @Override
    public String toString() {
        return "KVCache(" + (selfAttention ? "self-attention" : "cross-attention") + ", "
                + (keys == null ? "empty" : "keys " + Shape.str(keys.shape())) + ")";
    }
}
