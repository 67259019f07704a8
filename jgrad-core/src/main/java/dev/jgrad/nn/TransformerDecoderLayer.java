package dev.jgrad.nn;

import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * One decoder block of "Attention Is All You Need" (torch.nn.TransformerDecoderLayer): masked
 * self-attention, attention over the encoder output (memory), then a position-wise feed-forward network,
 * each inside a residual connection with LayerNorm.
 *
 * <pre>
 * post-norm (default):  x = norm1(x + dropout1(self_attn(x)))
 *                       x = norm2(x + dropout2(multihead_attn(x, memory)))
 *                       x = norm3(x + dropout3(linear2(dropout(activation(linear1(x))))))
 * pre-norm (normFirst): x = x + dropout1(self_attn(norm1(x)))
 *                       x = x + dropout2(multihead_attn(norm2(x), memory))
 *                       x = x + dropout3(linear2(dropout(activation(linear1(norm3(x))))))
 * </pre>
 *
 * Children, in PyTorch's order and names: self_attn, multihead_attn, linear1, dropout, linear2, norm1,
 * norm2, norm3, dropout1, dropout2, dropout3. tgt is [T, B, dModel] and memory [S, B, dModel]
 * ([B, T, dModel] and [B, S, dModel] with batchFirst). Masks, causality and caches are {@link AttentionArgs},
 * one for the self-attention and one for the cross-attention: PyTorch's tgt_mask [T, T],
 * tgt_key_padding_mask [B, T] and tgt_is_causal are the self-attention's attnMask, keyPaddingMask and causal;
 * memory_mask [T, S], memory_key_padding_mask [B, S] and memory_is_causal the cross-attention's. For training
 * make the self-attention causal (or give it the attnMask {@link AttentionMask#causal}).
 *
 * <p>The layer returns the cross-attention weights too when the cross-attention args ask for them
 * ({@code needWeights()}): what each target position looked at in the memory.
 *
 * <p>Incremental decoding: give the self-attention a {@link KVCache#forSelfAttention()} and the cross-attention a
 * {@link KVCache#forCrossAttention()} cache (or use {@link TransformerDecoder} with a {@link DecoderCache}) and
 * only the new target positions; the self-attention's attnMask is then [new, all] and its keyPaddingMask [B, all].
 * With a causal self-attention the result equals the matching rows of the full causal computation.
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class TransformerDecoderLayer extends Module {
    private final TransformerLayerOptions options;
    private final MultiheadAttention selfAttn, multiheadAttn;
    private final Linear linear1, linear2;
    private final LayerNorm norm1, norm2, norm3;
    private final Dropout dropout, dropout1, dropout2, dropout3;

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
    public TransformerDecoderLayer(int dModel, int nhead) {
        this(options(dModel, nhead).build());
    }

    /**
     * A layer initialised from the default generator.
     *
     * @param options the layer's options, from {@link #options(int, int)}
     */
    public TransformerDecoderLayer(TransformerLayerOptions options) {
        this(options, Generator.defaultGenerator());
    }

    /**
     * A layer; each Linear starts as PyTorch's default, the attentions as in {@link MultiheadAttention}, the norms at
     * ones and zeros.
     *
     * @param options the layer's options, from {@link #options(int, int)}
     * @param gen the random generator the initial weights are drawn from
     */
    public TransformerDecoderLayer(TransformerLayerOptions options, Generator gen) {
        this.options = options;
        int d = options.dModel();
        selfAttn = registerModule("self_attn", new MultiheadAttention(options.attention(), gen));
        multiheadAttn = registerModule("multihead_attn", new MultiheadAttention(options.attention(), gen));
        linear1 = registerModule("linear1", new Linear(d, options.dimFeedforward(), true, gen));
        dropout = registerModule("dropout", new Dropout(options.dropout()));
        linear2 = registerModule("linear2", new Linear(options.dimFeedforward(), d, true, gen));
        norm1 = registerModule("norm1", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        norm2 = registerModule("norm2", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        norm3 = registerModule("norm3", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        dropout1 = registerModule("dropout1", new Dropout(options.dropout()));
        dropout2 = registerModule("dropout2", new Dropout(options.dropout()));
        dropout3 = registerModule("dropout3", new Dropout(options.dropout()));
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
     * The masked self-attention (child "self_attn").
     *
     * @return the attention module
     */
    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    /**
     * The attention over the memory (child "multihead_attn").
     *
     * @return the attention module
     */
    public MultiheadAttention multiheadAttn() {
        return multiheadAttn;
    }

    /**
     * No masks (note: not even causal).
     *
     * @param tgt the target sequence [T, B, dModel] ([B, T, dModel] batch-first)
     * @param memory the encoder output [S, B, dModel] ([B, S, dModel] batch-first)
     * @return the output, tgt's shape
     */
    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, AttentionArgs.NONE, AttentionArgs.NONE).output();
    }

    /**
     * The full forward.
     *
     * @param tgt            the target positions [T, B, dModel] ([B, T, dModel] batch-first); with a cache only the new ones
     * @param memory         the encoder output [S, B, dModel] ([B, S, dModel] batch-first); may be null once the
     *                       cross-attention cache is filled
     * @param selfAttention  the self-attention's masks, causality (with a cache: positions after the cached ones
     *                       plus the query's own) and {@link KVCache#forSelfAttention()} cache; no weights
     * @param crossAttention the cross-attention's masks, causality (hide memory position j from target position i
     *                       when j > i), {@link KVCache#forCrossAttention()} cache (memory is then projected once;
     *                       later calls may pass the same memory or null) and whether to return its weights
     * @return the layer's output, and the cross-attention weights when crossAttention asks for them (else null)
     */
    public AttentionOutput forward(Tensor tgt, Tensor memory, AttentionArgs selfAttention, AttentionArgs crossAttention) {
        String who = "TransformerDecoderLayer";
        AttentionArgs.checkForLayer(selfAttention, who, "selfAttention", true, false);
        AttentionArgs.checkForLayer(crossAttention, who, "crossAttention", false, true);
        // In training the intermediates are pooled (BufferPool): backward hands them back for the next step.
        try (BufferPool.Scope scratch = LayerScratch.open(selfAttention, crossAttention)) {
            AttentionOutput cross;
            Tensor out;
            if (options.normFirst()) {
                Tensor x = tgt.add(selfAttentionBlock(norm1.forward(tgt), selfAttention));
                cross = multiheadAttn.forward(norm2.forward(x), memory, memory, crossAttention);
                Tensor y = x.add(dropout2.forward(cross.output()));
                Tensor h = feedForwardBlock(norm3.forward(y));
                out = scratch.leave(() -> y.add(h));
            } else {
                Tensor x = norm1.forward(tgt.add(selfAttentionBlock(tgt, selfAttention)));
                cross = multiheadAttn.forward(x, memory, memory, crossAttention);
                Tensor y = norm2.forward(x.add(dropout2.forward(cross.output())));
                Tensor z = y.add(feedForwardBlock(y));
                out = scratch.leave(() -> norm3.forward(z));
            }
            return new AttentionOutput(out, cross.weights());
        }
    }

    private Tensor selfAttentionBlock(Tensor x, AttentionArgs args) {
        return dropout1.forward(selfAttn.forward(x, x, x, args).output());
    }

    private Tensor feedForwardBlock(Tensor x) {
        return dropout3.forward(linear2.forward(dropout.forward(options.activation().apply(linear1.forward(x)))));
    }

    /**
     * A new layer with the same options and a copy of this one's parameters and mode (copy.deepcopy).
     *
     * @return the copy
     */
    public TransformerDecoderLayer copy() {
        TransformerDecoderLayer c = new TransformerDecoderLayer(options, new Generator(0)); // its initial values are overwritten: leave the default stream alone
        c.loadStateDict(stateDict());
        c.train(isTraining());
        return c;
    }
}
