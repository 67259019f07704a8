package dev.jgrad.nn;

import dev.jgrad.tensor.IntTensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The key/value caches of a whole {@link TransformerDecoder}: for every layer, one for self-attention
 * (grows by one position per step) and one for cross-attention (the projected encoder memory, computed
 * at the first step). Typical greedy or beam decoding:
 *
 * <pre>{@code
 * DecoderCache cache = decoder.newCache();
 * AttentionArgs causal = AttentionArgs.builder().causal().build();
 * AttentionArgs cross = AttentionArgs.builder().keyPaddingMask(memoryPadding).build();
 * try (var _ = GradMode.noGrad()) {
 *     for (int t = 0; t < maxLen; t++) {
 *         Tensor y = decoder.forward(embed(lastTokens, t), memory, causal, cross, cache);
 *         ... pick tokens; for beam search: cache.reorder(survivingBeamRows) ...
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #memoryOnly(int)} (or {@link TransformerDecoder#newMemoryCache()}) keeps only the cross-attention
 * caches: every call passes the whole target prefix, as without a cache, but each layer projects the encoder
 * memory's keys and values once instead of at every step. The output is bit for bit the uncached one.
 */
public final class DecoderCache {
    private final List<KVCache> selfAttention = new ArrayList<>(), crossAttention = new ArrayList<>();

    /**
     * Empty caches for a decoder of numLayers layers (see {@link TransformerDecoder#newCache()}).
     *
     * @param numLayers the decoder's layer count, at least 1
     * @throws IllegalArgumentException when numLayers is below 1
     */
    public DecoderCache(int numLayers) {
        this(numLayers, true);
    }

    private DecoderCache(int numLayers, boolean cacheSelfAttention) {
        if (numLayers < 1) throw new IllegalArgumentException("DecoderCache: numLayers must be positive, got " + numLayers);
        for (int i = 0; i < numLayers; i++) {
            selfAttention.add(cacheSelfAttention ? KVCache.forSelfAttention() : null);
            crossAttention.add(KVCache.forCrossAttention());
        }
    }

    /**
     * Cross-attention caches only, for decoding that recomputes the whole target prefix at every step (see the class
     * comment): the projected memory is reused, the self-attention is computed afresh, {@link #length()} stays 0.
     *
     * @param numLayers the decoder's layer count, at least 1
     * @return empty caches of the projected memory, one per layer
     * @throws IllegalArgumentException when numLayers is below 1
     */
    public static DecoderCache memoryOnly(int numLayers) {
        return new DecoderCache(numLayers, false);
    }

    /**
     * Whether only the memory is cached ({@link #memoryOnly(int)}): each call then passes the whole target prefix.
     *
     * @return true without self-attention caches
     */
    public boolean isMemoryOnly() {
        return selfAttention.getFirst() == null;
    }

    /**
     * The number of layers cached.
     *
     * @return the layer count
     */
    public int numLayers() {
        return selfAttention.size();
    }

    /**
     * The self-attention cache of one layer.
     *
     * @param layer the layer, in [0, numLayers)
     * @return the cache, or null for a {@link #memoryOnly(int)} cache
     * @throws IndexOutOfBoundsException when layer is out of range
     */
    public KVCache selfAttention(int layer) {
        return selfAttention.get(checkLayer(layer));
    }

    /**
     * The cross-attention cache of one layer.
     *
     * @param layer the layer, in [0, numLayers)
     * @return the cache
     * @throws IndexOutOfBoundsException when layer is out of range
     */
    public KVCache crossAttention(int layer) {
        return crossAttention.get(checkLayer(layer));
    }

    /**
     * How many target positions have been decoded (the length of the self-attention caches): where the next call's
     * positions start.
     *
     * @return the decoded length; 0 for a {@link #memoryOnly(int)} cache, whose calls pass the whole prefix
     */
    public int length() {
        return isMemoryOnly() ? 0 : selfAttention.getFirst().length();
    }

    /**
     * Reorders the batch rows of every cache (see {@link KVCache#reorder}).
     *
     * @param batchIndices 1-D indices into the current batch rows, repeats allowed
     * @throws IllegalArgumentException when batchIndices is not 1-D
     * @throws IndexOutOfBoundsException when an index is out of range
     */
    public void reorder(IntTensor batchIndices) {
        for (KVCache c : selfAttention) if (c != null) c.reorder(batchIndices);
        for (KVCache c : crossAttention) c.reorder(batchIndices);
    }

    /** Empties every cache (a new batch of sentences). */
    public void clear() {
        for (KVCache c : selfAttention) if (c != null) c.clear();
        for (KVCache c : crossAttention) c.clear();
    }

    private int checkLayer(int layer) {
        if (layer < 0 || layer >= selfAttention.size()) {
            throw new IndexOutOfBoundsException("DecoderCache: layer " + layer + " is out of range for " + selfAttention.size() + " layers");
        }
        return layer;
    }
}
