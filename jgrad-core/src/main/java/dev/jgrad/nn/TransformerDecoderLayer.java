package dev.jgrad.nn;

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
 * ([B, T, dModel] and [B, S, dModel] with batchFirst). Masks: tgtMask [T, T], memoryMask [T, S],
 * tgtKeyPaddingMask [B, T], memoryKeyPaddingMask [B, S]. For training pass tgtIsCausal = true (or
 * tgtMask = {@link AttentionMask#causal}).
 *
 * <p>Incremental decoding: pass a self-attention and a cross-attention {@link KVCache} (or use
 * {@link TransformerDecoder} with a {@link DecoderCache}) and only the new target positions; tgtMask is
 * then [new, all] and tgtKeyPaddingMask [B, all]. With tgtIsCausal the result equals the matching rows
 * of the full causal computation.
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class TransformerDecoderLayer extends Module {
    private final TransformerLayerOptions options;
    private final MultiheadAttention selfAttn, multiheadAttn;
    private final Linear linear1, linear2;
    private final LayerNorm norm1, norm2, norm3;
    private final Dropout dropout, dropout1, dropout2, dropout3;

    public TransformerDecoderLayer(int dModel, int nhead) {
        this(TransformerLayerOptions.of(dModel, nhead));
    }

    public TransformerDecoderLayer(TransformerLayerOptions options) {
        this(options, Generator.defaultGenerator());
    }

    public TransformerDecoderLayer(TransformerLayerOptions options, Generator gen) {
        this.options = options;
        int d = options.dModel();
        selfAttn = registerModule("self_attn", new MultiheadAttention(d, options.nhead(), options.dropout(), true, options.batchFirst(), gen));
        multiheadAttn = registerModule("multihead_attn", new MultiheadAttention(d, options.nhead(), options.dropout(), true, options.batchFirst(), gen));
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

    public TransformerLayerOptions options() {
        return options;
    }

    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    public MultiheadAttention multiheadAttn() {
        return multiheadAttn;
    }

    /** No masks (note: not even causal). */
    public Tensor forward(Tensor tgt, Tensor memory) {
        return forward(tgt, memory, null, null, null, null, false, false, null, null);
    }

    /** PyTorch's forward(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask). */
    public Tensor forward(Tensor tgt, Tensor memory, AttentionMask tgtMask, AttentionMask memoryMask,
                          AttentionMask tgtKeyPaddingMask, AttentionMask memoryKeyPaddingMask) {
        return forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, false, false, null, null);
    }

    /**
     * The full forward.
     *
     * @param tgtIsCausal    hide later target positions in self-attention (with a cache: positions after
     *                       the cached ones plus the query's own)
     * @param memoryIsCausal hide memory position j from target position i when j > i
     * @param selfAttnCache  a {@link KVCache#forSelfAttention()} cache, or null
     * @param crossAttnCache a {@link KVCache#forCrossAttention()} cache, or null (memory is then projected
     *                       once; later calls may pass the same memory or null)
     */
    public Tensor forward(Tensor tgt, Tensor memory, AttentionMask tgtMask, AttentionMask memoryMask,
                          AttentionMask tgtKeyPaddingMask, AttentionMask memoryKeyPaddingMask,
                          boolean tgtIsCausal, boolean memoryIsCausal, KVCache selfAttnCache, KVCache crossAttnCache) {
        checkCache("selfAttnCache", selfAttnCache, true);
        checkCache("crossAttnCache", crossAttnCache, false);
        Tensor x = tgt;
        if (options.normFirst()) {
            x = x.add(selfAttentionBlock(norm1.forward(x), tgtMask, tgtKeyPaddingMask, tgtIsCausal, selfAttnCache));
            x = x.add(crossAttentionBlock(norm2.forward(x), memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal, crossAttnCache));
            x = x.add(feedForwardBlock(norm3.forward(x)));
        } else {
            x = norm1.forward(x.add(selfAttentionBlock(x, tgtMask, tgtKeyPaddingMask, tgtIsCausal, selfAttnCache)));
            x = norm2.forward(x.add(crossAttentionBlock(x, memory, memoryMask, memoryKeyPaddingMask, memoryIsCausal, crossAttnCache)));
            x = norm3.forward(x.add(feedForwardBlock(x)));
        }
        return x;
    }

    private static void checkCache(String name, KVCache cache, boolean self) {
        if (cache != null && cache.isSelfAttention() != self) {
            throw new IllegalArgumentException("TransformerDecoderLayer: " + name + " must be made by KVCache."
                    + (self ? "forSelfAttention()" : "forCrossAttention()") + ", got " + cache);
        }
    }

    private Tensor selfAttentionBlock(Tensor x, AttentionMask mask, AttentionMask keyPaddingMask, boolean isCausal, KVCache cache) {
        return dropout1.forward(selfAttn.forward(x, x, x, keyPaddingMask, false, mask, true, isCausal, cache).output());
    }

    private Tensor crossAttentionBlock(Tensor x, Tensor memory, AttentionMask mask, AttentionMask keyPaddingMask, boolean isCausal,
                                       KVCache cache) {
        return dropout2.forward(multiheadAttn.forward(x, memory, memory, keyPaddingMask, false, mask, true, isCausal, cache).output());
    }

    private Tensor feedForwardBlock(Tensor x) {
        return dropout3.forward(linear2.forward(dropout.forward(options.activation().apply(linear1.forward(x)))));
    }

    /** A new layer with the same options and a copy of this one's parameters and mode (copy.deepcopy). */
    public TransformerDecoderLayer copy() {
        TransformerDecoderLayer c = new TransformerDecoderLayer(options, new Generator(0)); // its initial values are overwritten: leave the default stream alone
        c.loadStateDict(stateDict());
        c.train(isTraining());
        return c;
    }
}
