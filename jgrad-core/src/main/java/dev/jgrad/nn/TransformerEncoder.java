package dev.jgrad.nn;

import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.Tensor;

import java.util.function.IntFunction;

/**
 * A stack of {@link TransformerEncoderLayer}s with an optional final LayerNorm (torch.nn.TransformerEncoder).
 * Children: {@code layers} (layers.0, layers.1, ...) and {@code norm} when given, as in PyTorch.
 *
 * <p>Built from a prototype layer, every layer starts as a copy of it (PyTorch's deepcopy: identical
 * initial weights, which nn.Transformer then re-initialises); built from a factory, each layer is
 * initialised on its own. A pre-norm stack (normFirst) needs the final norm; nn.Transformer adds it.
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class TransformerEncoder extends Module implements UnaryModule {
    private final ModuleList<TransformerEncoderLayer> layers;
    private final LayerNorm norm;

    /**
     * numLayers copies of encoderLayer, then norm (may be null).
     *
     * @param encoderLayer the prototype layer, copied numLayers times (it is not itself a child)
     * @param numLayers the number of layers, at least 1
     * @param norm the final LayerNorm, or null
     * @throws IllegalArgumentException when numLayers is below 1
     */
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, LayerNorm norm) {
        this(i -> encoderLayer.copy(), numLayers, norm);
    }

    /**
     * Layers made by factory.apply(0 .. numLayers - 1), then norm (may be null).
     *
     * @param factory makes layer i, given i
     * @param numLayers the number of layers, at least 1
     * @param norm the final LayerNorm, or null
     * @throws IllegalArgumentException when numLayers is below 1
     */
    public TransformerEncoder(IntFunction<TransformerEncoderLayer> factory, int numLayers, LayerNorm norm) {
        if (numLayers < 1) throw new IllegalArgumentException("TransformerEncoder: num_layers must be positive, got " + numLayers);
        layers = registerModule("layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) layers.add(factory.apply(i));
        this.norm = norm == null ? null : registerModule("norm", norm);
    }

    /**
     * The layers (child "layers").
     *
     * @return the list of layers
     */
    public ModuleList<TransformerEncoderLayer> layers() {
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

    @Override
    public Tensor forward(Tensor src) {
        return forward(src, AttentionArgs.NONE);
    }

    /**
     * PyTorch's forward(src, mask, src_key_padding_mask, is_causal), with those given as every layer's
     * self-attention args (see {@link TransformerEncoderLayer#forward(Tensor, AttentionArgs)}). A cache belongs
     * to one layer, so these args hold none.
     *
     * @param src the input [S, B, dModel] ([B, S, dModel] batch-first, [S, dModel] unbatched)
     * @param selfAttention the masks and causality, the same for every layer, without cache or weights
     * @return the output, src's shape
     * @throws IllegalArgumentException when the args hold a cache or ask for weights, or a shape does not fit
     */
    public Tensor forward(Tensor src, AttentionArgs selfAttention) {
        if (selfAttention != null && selfAttention.cache() != null) {
            throw new IllegalArgumentException("TransformerEncoder: a KVCache serves one layer, not the whole stack; call the layers one by one");
        }
        // In training the outputs of all but the last step are pooled (BufferPool), as inside each layer.
        try (BufferPool.Scope scratch = LayerScratch.openForStack(layers, TransformerEncoderLayer.class, selfAttention)) {
            int inner = norm == null ? layers.size() - 1 : layers.size();
            Tensor x = src;
            for (int i = 0; i < inner; i++) x = layers.get(i).forward(x, selfAttention);
            Tensor y = x;
            return scratch.leave(() -> norm == null ? layers.get(inner).forward(y, selfAttention) : norm.forward(y));
        }
    }
}
