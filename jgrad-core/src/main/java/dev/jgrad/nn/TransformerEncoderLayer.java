package dev.jgrad.nn;

import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * One encoder block of "Attention Is All You Need" (torch.nn.TransformerEncoderLayer): self-attention,
 * then a position-wise feed-forward network, each inside a residual connection with LayerNorm.
 *
 * <pre>
 * post-norm (default, the paper):  x = norm1(x + dropout1(self_attn(x)))
 *                                  x = norm2(x + dropout2(linear2(dropout(activation(linear1(x))))))
 * pre-norm (normFirst):            x = x + dropout1(self_attn(norm1(x)))
 *                                  x = x + dropout2(linear2(dropout(activation(linear1(norm2(x))))))
 * </pre>
 *
 * Children, in PyTorch's order and names: self_attn ({@link MultiheadAttention}, with attention dropout),
 * linear1, dropout, linear2, norm1, norm2, dropout1, dropout2. Input and output are [S, B, dModel]
 * ([B, S, dModel] with batchFirst, [S, dModel] unbatched). Masks, causality and a {@link KVCache} are
 * the self-attention's {@link AttentionArgs}: PyTorch's src_mask [S, S] or [B * nhead, S, S] is its attnMask,
 * src_key_padding_mask [B, S] its keyPaddingMask and is_causal its causal.
 *
 * <p>With causal self-attention and a self-attention cache, this is the block of a decoder-only (GPT) model
 * ({@code normFirst} for GPT-2's layout): feed the new positions only, and the cache supplies the keys and values
 * of the earlier ones.
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class TransformerEncoderLayer extends Module implements UnaryModule {
    private final TransformerLayerOptions options;
    private final MultiheadAttention selfAttn;
    private final Linear linear1, linear2;
    private final LayerNorm norm1, norm2;
    private final Dropout dropout, dropout1, dropout2;

    /**
     * The options of a layer of this width and head count, with PyTorch's defaults for the rest (see
     * {@link TransformerLayerOptions}), to change by name.
     *
     * @param dModel the model width, at least 1
     * @param nhead the number of attention heads, dividing dModel
     * @return a builder; {@code build()} checks the values
     */
    public static TransformerLayerOptions.Builder options(int dModel, int nhead) {
        return new TransformerLayerOptions.Builder(dModel, nhead);
    }

    /**
     * PyTorch's defaults for everything else (see {@link TransformerLayerOptions}).
     *
     * @param dModel the model width, at least 1
     * @param nhead the number of attention heads, dividing dModel
     * @throws IllegalArgumentException when the sizes do not fit
     */
    public TransformerEncoderLayer(int dModel, int nhead) {
        this(options(dModel, nhead).build());
    }

    /**
     * A layer initialised from the default generator.
     *
     * @param options the layer's options, from {@link #options(int, int)}
     */
    public TransformerEncoderLayer(TransformerLayerOptions options) {
        this(options, Generator.defaultGenerator());
    }

    /**
     * A layer; each Linear starts as PyTorch's default, the attention as in {@link MultiheadAttention}, the norms at
     * ones and zeros.
     *
     * @param options the layer's options, from {@link #options(int, int)}
     * @param gen the random generator the initial weights are drawn from
     */
    public TransformerEncoderLayer(TransformerLayerOptions options, Generator gen) {
        this.options = options;
        int d = options.dModel();
        selfAttn = registerModule("self_attn", new MultiheadAttention(options.attention(), gen));
        linear1 = registerModule("linear1", new Linear(d, options.dimFeedforward(), true, gen));
        dropout = registerModule("dropout", new Dropout(options.dropout()));
        linear2 = registerModule("linear2", new Linear(options.dimFeedforward(), d, true, gen));
        norm1 = registerModule("norm1", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        norm2 = registerModule("norm2", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        dropout1 = registerModule("dropout1", new Dropout(options.dropout()));
        dropout2 = registerModule("dropout2", new Dropout(options.dropout()));
    }

    /**
     * The options the layer was built with.
     *
     * @return the options
     */
    public TransformerLayerOptions options() {
        return options;
    }

    /**
     * The self-attention (child "self_attn").
     *
     * @return the attention module
     */
    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    /** No masks. */
    @Override
    public Tensor forward(Tensor src) {
        return forward(src, AttentionArgs.NONE);
    }

    /**
     * PyTorch's forward(src, src_mask, src_key_padding_mask, is_causal).
     *
     * @param src           the input [S, B, dModel] ([B, S, dModel] batch-first, [S, dModel] unbatched)
     * @param selfAttention the self-attention's masks, causality and cache; with a {@link KVCache#forSelfAttention()}
     *                      cache, src holds only the positions after the cached ones. The layer returns no attention
     *                      weights, so these args must not ask for them.
     * @return the output, src's shape
     * @throws IllegalArgumentException when the args are null, hold a cross-attention cache or ask for weights, or a
     *                                  shape does not fit
     */
    public Tensor forward(Tensor src, AttentionArgs selfAttention) {
        AttentionArgs.checkForLayer(selfAttention, "TransformerEncoderLayer", "selfAttention", true, false);
        // In training the intermediates are pooled (BufferPool): backward hands them back for the next step.
        try (BufferPool.Scope scratch = LayerScratch.open(selfAttention)) {
            if (options.normFirst()) {
                Tensor x = src.add(selfAttentionBlock(norm1.forward(src), selfAttention));
                Tensor h = feedForwardBlock(norm2.forward(x));
                return scratch.leave(() -> x.add(h));
            }
            Tensor x = norm1.forward(src.add(selfAttentionBlock(src, selfAttention)));
            Tensor y = x.add(feedForwardBlock(x));
            return scratch.leave(() -> norm2.forward(y));
        }
    }

    private Tensor selfAttentionBlock(Tensor x, AttentionArgs args) {
        return dropout1.forward(selfAttn.forward(x, x, x, args).output());
    }

    private Tensor feedForwardBlock(Tensor x) {
        return dropout2.forward(linear2.forward(dropout.forward(options.activation().apply(linear1.forward(x)))));
    }

    /**
     * A new layer with the same options and a copy of this one's parameters and mode (copy.deepcopy).
     *
     * @return the copy
     */
    public TransformerEncoderLayer copy() {
        TransformerEncoderLayer c = new TransformerEncoderLayer(options, new Generator(0)); // its initial values are overwritten: leave the default stream alone
        c.loadStateDict(stateDict());
        c.train(isTraining());
        return c;
    }
}
