package dev.jgrad.nn;

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

    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, LayerNorm norm) {
        this(i -> decoderLayer.copy(), numLayers, norm);
    }

    public TransformerDecoder(IntFunction<TransformerDecoderLayer> factory, int numLayers, LayerNorm norm) {
        if (numLayers < 1) throw new IllegalArgumentException("TransformerDecoder: num_layers must be positive, got " + numLayers);
        layers = registerModule("layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) layers.add(factory.apply(i));
        this.norm = norm == null ? null : registerModule("norm", norm);
    }

    public ModuleList<TransformerDecoderLayer> layers() {
        return layers;
    }

    public LayerNorm norm() {
        return norm;
    }

    /** An empty cache for this decoder's layers. */
    public DecoderCache newCache() {
        return new DecoderCache(layers.size());
    }

    /** No masks (note: not even causal). */
    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, AttentionArgs.NONE, AttentionArgs.NONE, null);
    }

    /** Without a cache; see {@link #forward(Tensor, Tensor, AttentionArgs, AttentionArgs, DecoderCache)}. */
    public Tensor forward(Tensor tgt, Tensor memory, AttentionArgs selfAttention, AttentionArgs crossAttention) {
        return forward(tgt, memory, selfAttention, crossAttention, null);
    }

    /**
     * PyTorch's forward(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask, tgt_is_causal,
     * memory_is_causal), with those given as every layer's self- and cross-attention args (see
     * {@link TransformerDecoderLayer#forward(Tensor, Tensor, AttentionArgs, AttentionArgs)}), and each layer's caches
     * taken from {@code cache} (or none when it is null). The args themselves hold no cache and ask for no weights: for
     * the cross-attention weights of one layer, run the layers one by one.
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
        Tensor x = tgt;
        for (int i = 0; i < layers.size(); i++) {
            AttentionArgs self = cache == null ? selfAttention : selfAttention.toBuilder().cache(cache.selfAttention(i)).build();
            AttentionArgs cross = cache == null ? crossAttention : crossAttention.toBuilder().cache(cache.crossAttention(i)).build();
            x = layers.get(i).forward(x, memory, self, cross).output();
        }
        return norm == null ? x : norm.forward(x);
    }
}
