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

    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, null, null, null, null, false, false, null);
    }

    /** PyTorch's forward(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask). */
    public Tensor forward(Tensor tgt, Tensor memory, AttentionMask tgtMask, AttentionMask memoryMask,
                          AttentionMask tgtKeyPaddingMask, AttentionMask memoryKeyPaddingMask) {
        return forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, false, false, null);
    }

    /** The full forward; see {@link TransformerDecoderLayer#forward(Tensor, Tensor, AttentionMask, AttentionMask, AttentionMask, AttentionMask, boolean, boolean, KVCache, KVCache)}. */
    public Tensor forward(Tensor tgt, Tensor memory, AttentionMask tgtMask, AttentionMask memoryMask,
                          AttentionMask tgtKeyPaddingMask, AttentionMask memoryKeyPaddingMask,
                          boolean tgtIsCausal, boolean memoryIsCausal, DecoderCache cache) {
        if (cache != null && cache.numLayers() != layers.size()) {
            throw new IllegalArgumentException("TransformerDecoder: the cache has " + cache.numLayers() + " layers, the decoder " + layers.size());
        }
        Tensor x = tgt;
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal,
                    cache == null ? null : cache.selfAttention(i), cache == null ? null : cache.crossAttention(i));
        }
        return norm == null ? x : norm.forward(x);
    }
}
