package dev.jgrad.nn;

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
 * ([B, S, dModel] with batchFirst, [S, dModel] unbatched). Masks are as for MultiheadAttention:
 * srcMask [S, S] or [B * nhead, S, S], srcKeyPaddingMask [B, S].
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class TransformerEncoderLayer extends Module implements UnaryModule {
    private final TransformerLayerOptions options;
    private final MultiheadAttention selfAttn;
    private final Linear linear1, linear2;
    private final LayerNorm norm1, norm2;
    private final Dropout dropout, dropout1, dropout2;

    /** PyTorch's defaults for everything else (see {@link TransformerLayerOptions#of}). */
    public TransformerEncoderLayer(int dModel, int nhead) {
        this(TransformerLayerOptions.of(dModel, nhead));
    }

    public TransformerEncoderLayer(TransformerLayerOptions options) {
        this(options, Generator.defaultGenerator());
    }

    public TransformerEncoderLayer(TransformerLayerOptions options, Generator gen) {
        this.options = options;
        int d = options.dModel();
        selfAttn = registerModule("self_attn", new MultiheadAttention(d, options.nhead(), options.dropout(), true, options.batchFirst(), gen));
        linear1 = registerModule("linear1", new Linear(d, options.dimFeedforward(), true, gen));
        dropout = registerModule("dropout", new Dropout(options.dropout()));
        linear2 = registerModule("linear2", new Linear(options.dimFeedforward(), d, true, gen));
        norm1 = registerModule("norm1", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        norm2 = registerModule("norm2", new LayerNorm(new int[] {d}, options.layerNormEps(), true));
        dropout1 = registerModule("dropout1", new Dropout(options.dropout()));
        dropout2 = registerModule("dropout2", new Dropout(options.dropout()));
    }

    public TransformerLayerOptions options() {
        return options;
    }

    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    /** No masks. */
    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null, false);
    }

    public Tensor forward(Tensor src, AttentionMask srcMask, AttentionMask srcKeyPaddingMask) {
        return forward(src, srcMask, srcKeyPaddingMask, false);
    }

    /** @param isCausal hide later positions from earlier ones (alone or together with srcMask) */
    public Tensor forward(Tensor src, AttentionMask srcMask, AttentionMask srcKeyPaddingMask, boolean isCausal) {
        Tensor x = src;
        if (options.normFirst()) {
            x = x.add(selfAttentionBlock(norm1.forward(x), srcMask, srcKeyPaddingMask, isCausal));
            x = x.add(feedForwardBlock(norm2.forward(x)));
        } else {
            x = norm1.forward(x.add(selfAttentionBlock(x, srcMask, srcKeyPaddingMask, isCausal)));
            x = norm2.forward(x.add(feedForwardBlock(x)));
        }
        return x;
    }

    private Tensor selfAttentionBlock(Tensor x, AttentionMask mask, AttentionMask keyPaddingMask, boolean isCausal) {
        Tensor a = selfAttn.forward(x, x, x, keyPaddingMask, false, mask, true, isCausal).output();
        return dropout1.forward(a);
    }

    private Tensor feedForwardBlock(Tensor x) {
        return dropout2.forward(linear2.forward(dropout.forward(options.activation().apply(linear1.forward(x)))));
    }

    /** A new layer with the same options and a copy of this one's parameters and mode (copy.deepcopy). */
    public TransformerEncoderLayer copy() {
        TransformerEncoderLayer c = new TransformerEncoderLayer(options, new Generator(0)); // its initial values are overwritten: leave the default stream alone
        c.loadStateDict(stateDict());
        c.train(isTraining());
        return c;
    }
}
