package dev.jgrad.models;

import dev.jgrad.nn.Dropout;
import dev.jgrad.nn.KVCache;
import dev.jgrad.nn.LayerNorm;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.MultiheadAttention;
import dev.jgrad.nn.TransformerLayerOptions;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * One block of a decoder-only (GPT) Transformer: causal self-attention, then a feed-forward network, each
 * behind a LayerNorm inside a residual connection (pre-norm, as GPT-2 and nanoGPT):
 *
 * <pre>
 * x = x + dropout1(self_attn(norm1(x), causal))
 * x = x + dropout2(linear2(dropout(activation(linear1(norm2(x))))))
 * </pre>
 *
 * This is {@link dev.jgrad.nn.TransformerEncoderLayer} with normFirst and isCausal, with the same children
 * in the same order (self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2), so the state
 * dicts are interchangeable; it exists because the encoder layer takes no {@link KVCache}, and sampling
 * one character at a time should not recompute the whole context at every step.
 *
 * <p>Input and output are [B, T, dModel] (batch first).
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public final class GPTBlock extends Module {
    private final TransformerLayerOptions options;
    private final MultiheadAttention selfAttn;
    private final Linear linear1, linear2;
    private final LayerNorm norm1, norm2;
    private final Dropout dropout, dropout1, dropout2;

    /** @param options must be batch-first and pre-norm (the only layout this block computes) */
    public GPTBlock(TransformerLayerOptions options, Generator gen) {
        if (!options.batchFirst() || !options.normFirst()) {
            throw new IllegalArgumentException("GPTBlock: options must have batchFirst and normFirst set, got " + options);
        }
        this.options = options;
        int d = options.dModel();
        selfAttn = registerModule("self_attn", new MultiheadAttention(d, options.nhead(), options.dropout(), true, true, gen));
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

    public Linear linear1() {
        return linear1;
    }

    /** The feed-forward network's output projection, which writes into the residual stream. */
    public Linear linear2() {
        return linear2;
    }

    /**
     * x [B, T, dModel]: with a self-attention cache, the T new positions that follow the cached ones (whose
     * keys and values are appended to it); without one, a whole sequence from position 0.
     */
    public Tensor forward(Tensor x, KVCache cache) {
        Tensor h = norm1.forward(x);
        x = x.add(dropout1.forward(selfAttn.forward(h, h, h, null, false, null, true, true, cache).output()));
        Tensor f = linear2.forward(dropout.forward(options.activation().apply(linear1.forward(norm2.forward(x)))));
        return x.add(dropout2.forward(f));
    }
}
