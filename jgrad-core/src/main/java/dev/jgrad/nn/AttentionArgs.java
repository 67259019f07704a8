package dev.jgrad.nn;

/**
 * The optional arguments of one attention call: PyTorch's keyword arguments of
 * {@code MultiheadAttention.forward}, plus a {@link KVCache} for incremental decoding. Build them by name,
 * leaving out whatever keeps its default:
 *
 * <pre>{@code
 * mha.forward(q, k, v, AttentionArgs.builder().keyPaddingMask(padding).needWeights().build());
 * layer.forward(x, AttentionArgs.builder().causal().cache(cache).build());
 * }</pre>
 *
 * The Transformer layers take one of these per attention they run (the encoder layer's self-attention; the
 * decoder layer's self-attention and cross-attention), so PyTorch's {@code src_mask} is this {@code attnMask},
 * {@code tgt_key_padding_mask} the decoder self-attention's {@code keyPaddingMask}, {@code memory_is_causal}
 * the cross-attention's {@code causal}, and so on.
 *
 * @param keyPaddingMask     keys to ignore per batch row, [B, S] ([S] unbatched), or null (default)
 * @param attnMask           [L, S] or [B * numHeads, L, S] ({@link AttentionMask}: bool or additive), or null (default)
 * @param causal             hide key j from query i when j > i (with a self-attention cache: j > cached + i); needs no
 *                           attnMask and combines with one (default false)
 * @param needWeights        return the attention weights too. Unlike PyTorch's need_weights, false by default: ask for
 *                           them when you use them ({@link MultiheadAttention#forward(dev.jgrad.tensor.Tensor,
 *                           dev.jgrad.tensor.Tensor, dev.jgrad.tensor.Tensor)} does, as PyTorch's call without keywords)
 * @param averageAttnWeights the weights averaged over heads (default true) or per head
 * @param cache              keys and values of the earlier calls, which this call reads and extends, or null (default)
 */
public record AttentionArgs(AttentionMask keyPaddingMask, AttentionMask attnMask, boolean causal, boolean needWeights,
                            boolean averageAttnWeights, KVCache cache) {

    /** No masks, not causal, no weights, no cache. */
    public static final AttentionArgs NONE = builder().build();

    /**
     * A builder with every argument at its default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these arguments, to change some of them: {@code args.toBuilder().needWeights().build()}.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().keyPaddingMask(keyPaddingMask).attnMask(attnMask).causal(causal).needWeights(needWeights)
                .averageAttnWeights(averageAttnWeights).cache(cache);
    }

    /**
     * Checks the args a Transformer layer was given for one of its attentions: not null, a cache of the right kind
     * (self- or cross-attention), and no request for weights where the layer does not return them.
     *
     * @param who  the layer, for messages
     * @param name the parameter the args came in, for messages
     */
    static void checkForLayer(AttentionArgs args, String who, String name, boolean selfAttention, boolean weightsReturned) {
        if (args == null) throw new IllegalArgumentException(who + ": " + name + " must not be null (use AttentionArgs.NONE)");
        KVCache cache = args.cache();
        if (cache != null && cache.isSelfAttention() != selfAttention) {
            throw new IllegalArgumentException(who + ": the " + name + " cache must be made by KVCache."
                    + (selfAttention ? "forSelfAttention()" : "forCrossAttention()") + ", got " + cache);
        }
        if (args.needWeights() && !weightsReturned) {
            throw new IllegalArgumentException(who + ": returns no " + name + " weights; build its args without needWeights()");
        }
    }

    /** Collects the arguments by name; see {@link AttentionArgs} for their meaning and defaults. */
    public static final class Builder {
        private AttentionMask keyPaddingMask, attnMask;
        private boolean causal, needWeights, averageAttnWeights = true;
        private KVCache cache;

        private Builder() {}

        /**
         * Keys to ignore per batch row, [B, S].
         *
         * @param keyPaddingMask the mask (bool: nonzero = padding), or null
         * @return this builder
         */
        public Builder keyPaddingMask(AttentionMask keyPaddingMask) {
            this.keyPaddingMask = keyPaddingMask;
            return this;
        }

        /**
         * A mask over (query, key) pairs, [L, S] or [B * numHeads, L, S].
         *
         * @param attnMask the mask (bool or additive), or null
         * @return this builder
         */
        public Builder attnMask(AttentionMask attnMask) {
            this.attnMask = attnMask;
            return this;
        }

        /**
         * Each query sees only the keys up to its own position.
         *
         * @return this builder
         */
        public Builder causal() {
            return causal(true);
        }

        /**
         * Each query sees only the keys up to its own position when true (default false).
         *
         * @param causal true for causal attention
         * @return this builder
         */
        public Builder causal(boolean causal) {
            this.causal = causal;
            return this;
        }

        /**
         * Return the attention weights too.
         *
         * @return this builder
         */
        public Builder needWeights() {
            return needWeights(true);
        }

        /**
         * Return the attention weights too when true (default false).
         *
         * @param needWeights true to return the weights
         * @return this builder
         */
        public Builder needWeights(boolean needWeights) {
            this.needWeights = needWeights;
            return this;
        }

        /**
         * Weights averaged over heads, [B, L, S], when true (the default); per head, [B, numHeads, L, S], when false.
         *
         * @param averageAttnWeights true to average over heads
         * @return this builder
         */
        public Builder averageAttnWeights(boolean averageAttnWeights) {
            this.averageAttnWeights = averageAttnWeights;
            return this;
        }

        /**
         * Keys and values of the earlier calls (see {@link KVCache}), or null.
         *
         * @param cache the cache, or null
         * @return this builder
         */
        public Builder cache(KVCache cache) {
            this.cache = cache;
            return this;
        }

        /**
         * The arguments collected so far.
         *
         * @return the arguments
         */
        public AttentionArgs build() {
            return new AttentionArgs(keyPaddingMask, attnMask, causal, needWeights, averageAttnWeights, cache);
        }
    }
}
