package dev.jgrad.nn;

import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.Tensor;

import java.util.function.IntFunction;

/**
 * A stack of {@link TransformerDecoderLayer}s with an optional final LayerNorm (torch.nn.TransformerDecoder).
 * Children: {@code layers} (layers.0, ...) and {@code norm} when given. Built from a prototype (copies,
 * as PyTorch's deepcopy) or from a factory, like {@link TransformerEncoder}.
 *
 * <p>For incremental decoding pass a {@link DecoderCache} from {@link #newCache()} and only the new
 * target positions (see DecoderCache for the loop).
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class TransformerDecoder extends Module {
    private final ModuleList<TransformerDecoderLayer> layers;
    private final LayerNorm norm;

    /**
     * numLayers copies of decoderLayer, then norm.
     *
     * @param decoderLayer the prototype layer, copied numLayers times (it is not itself a child)
     * @param numLayers the number of layers, at least 1
     * @param norm the final LayerNorm, or null
     * @throws IllegalArgumentException when numLayers is below 1
     */
    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, LayerNorm norm) {
        this(i -> decoderLayer.copy(), numLayers, norm);
    }

    /**
     * Layers made by factory.apply(0 .. numLayers - 1), then norm.
     *
     * @param factory makes layer i, given i
     * @param numLayers the number of layers, at least 1
     * @param norm the final LayerNorm, or null
     * @throws IllegalArgumentException when numLayers is below 1
     */
    public TransformerDecoder(IntFunction<TransformerDecoderLayer> factory, int numLayers, LayerNorm norm) {
        if (numLayers < 1) throw new IllegalArgumentException("TransformerDecoder: num_layers must be positive, got " + numLayers);
        layers = registerModule("layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) layers.add(factory.apply(i));
        this.norm = norm == null ? null : registerModule("norm", norm);
    }

    /**
     * The layers (child "layers").
     *
     * @return the list of layers
     */
    public ModuleList<TransformerDecoderLayer> layers() {
        return layers;
    }

    /**
     * The final LayerNorm, or null.
     *
     * @return the norm, or null
     */
    public LayerNorm norm() {
        return norm;
    }

    /**
     * An empty cache for this decoder's layers.
     *
     * @return a new, empty cache with one self- and one cross-attention cache per layer
     */
    public DecoderCache newCache() {
        return new DecoderCache(layers.size());
    }

    /**
     * An empty cache of the projected encoder memory only, for decoding that passes the whole target prefix at every
     * step (see {@link DecoderCache#memoryOnly(int)}): the output is the uncached one, bit for bit.
     *
     * @return a new, empty cache with one cross-attention cache per layer
     */
    public DecoderCache newMemoryCache() {
        return DecoderCache.memoryOnly(layers.size());
    }

    /**
     * No masks (note: not even causal).
     *
     * @param tgt the target sequence [T, B, dModel] ([B, T, dModel] batch-first)
     * @param memory the encoder output [S, B, dModel] ([B, S, dModel] batch-first)
     * @return the output, tgt's shape
     */
    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, AttentionArgs.NONE, AttentionArgs.NONE, null);
    }

    /**
     * Without a cache; see {@link #forward(Tensor, Tensor, AttentionArgs, AttentionArgs, DecoderCache)}.
     *
     * @param tgt the target sequence [T, B, dModel] ([B, T, dModel] batch-first)
     * @param memory the encoder output [S, B, dModel] ([B, S, dModel] batch-first)
     * @param selfAttention the self-attention's masks and causality, for every layer
     * @param crossAttention the cross-attention's masks and causality, for every layer
     * @return the output, tgt's shape
     * @throws IllegalArgumentException when the args hold a cache or ask for weights, or a shape does not fit
     */
    public Tensor forward(Tensor tgt, Tensor memory, AttentionArgs selfAttention, AttentionArgs crossAttention) {
        return forward(tgt, memory, selfAttention, crossAttention, null);
    }

    /**
     * PyTorch's forward(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask, tgt_is_causal,
     * memory_is_causal), with those given as every layer's self- and cross-attention args (see
     * {@link TransformerDecoderLayer#forward(Tensor, Tensor, AttentionArgs, AttentionArgs)}), and each layer's caches
     * taken from {@code cache} (or none when it is null). The args themselves hold no cache and ask for no weights: for
     * the cross-attention weights of one layer, run the layers one by one.
     *
     * @param tgt the target positions [T, B, dModel] ([B, T, dModel] batch-first); with a cache only the new ones
     * @param memory the encoder output [S, B, dModel]; may be null once the cross-attention caches are filled
     * @param selfAttention the self-attention's masks and causality, for every layer, without cache or weights
     * @param crossAttention the cross-attention's masks and causality, for every layer, without cache or weights
     * @param cache the layers' key/value caches, from {@link #newCache()}, or null
     * @return the output, tgt's shape
     * @throws IllegalArgumentException when the args hold a cache or ask for weights, the cache has another layer count,
     *         or a shape does not fit
     */
    public Tensor forward(Tensor tgt, Tensor memory, AttentionArgs selfAttention, AttentionArgs crossAttention, DecoderCache cache) {
        String who = "TransformerDecoder";
        for (AttentionArgs args : new AttentionArgs[] {selfAttention, crossAttention}) {
            if (args != null && args.cache() != null) {
                throw new IllegalArgumentException(who + ": a KVCache serves one layer, not the whole stack; pass a DecoderCache (newCache())");
            }
        }
        AttentionArgs.checkForLayer(selfAttention, who, "selfAttention", true, false);
        AttentionArgs.checkForLayer(crossAttention, who, "crossAttention", false, false);
        if (cache != null && cache.numLayers() != layers.size()) {
            throw new IllegalArgumentException(who + ": the cache has " + cache.numLayers() + " layers, the decoder " + layers.size());
        }
        // In training (no cache) the outputs of all but the last step are pooled (BufferPool), as inside each layer.
        boolean pool = cache == null;
        try (BufferPool.Scope scratch = pool ? LayerScratch.openForStack(layers, TransformerDecoderLayer.class, selfAttention, crossAttention)
                : BufferPool.open(false)) {
            int inner = norm == null ? layers.size() - 1 : layers.size();
            Tensor x = tgt;
            for (int i = 0; i < inner; i++) x = layer(i, x, memory, selfAttention, crossAttention, cache);
            Tensor y = x;
            return scratch.leave(() -> norm == null ? layer(inner, y, memory, selfAttention, crossAttention, cache) : norm.forward(y));
        }
    }

    /** Layer i on x, with its caches from {@code cache} when there is one. */
    private Tensor layer(int i, Tensor x, Tensor memory, AttentionArgs selfAttention, AttentionArgs crossAttention, DecoderCache cache) {
        AttentionArgs self = cache == null || cache.isMemoryOnly() ? selfAttention : selfAttention.toBuilder().cache(cache.selfAttention(i)).build();
        AttentionArgs cross = cache == null ? crossAttention : crossAttention.toBuilder().cache(cache.crossAttention(i)).build();
        return layers.get(i).forward(x, memory, self, cross).output();
    }
}
