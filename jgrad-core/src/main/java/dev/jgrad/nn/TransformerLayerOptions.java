package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

import java.util.Locale;

/**
 * The constructor arguments of nn.TransformerEncoderLayer and nn.TransformerDecoderLayer (which take the
 * same ones), in PyTorch's order. {@link #of(int, int)} gives PyTorch's defaults; change them with the
 * with-methods: {@code TransformerLayerOptions.of(512, 8).withDropout(0.1).withBatchFirst(true)}.
 *
 * @param dModel         embedding size of the inputs and outputs
 * @param nhead          attention heads (must divide dModel)
 * @param dimFeedforward hidden size of the position-wise feed-forward network (default 2048)
 * @param dropout        residual, feed-forward and attention dropout (default 0.1)
 * @param activation     of the feed-forward network (default RELU)
 * @param layerNormEps   eps of every LayerNorm (default 1e-5)
 * @param batchFirst     inputs [batch, seq, feature] instead of [seq, batch, feature] (default false)
 * @param normFirst      pre-norm (LayerNorm before attention and feed-forward, inside the residual branch)
 *                       instead of the paper's post-norm (default false)
 */
public record TransformerLayerOptions(int dModel, int nhead, int dimFeedforward, double dropout, Activation activation,
                                      double layerNormEps, boolean batchFirst, boolean normFirst) {

    /** The feed-forward activation: PyTorch's "relu" or "gelu" (exact, erf form). */
    public enum Activation {
        RELU, GELU;

        public Tensor apply(Tensor x) {
            return this == RELU ? x.relu() : x.gelu();
        }

        /** From PyTorch's names "relu" and "gelu". */
        public static Activation of(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "relu" -> RELU;
                case "gelu" -> GELU;
                default -> throw new IllegalArgumentException("activation should be relu/gelu, not " + name);
            };
        }
    }

    public TransformerLayerOptions {
        if (dModel < 1 || nhead < 1 || dimFeedforward < 1) {
            throw new IllegalArgumentException("Transformer layer: d_model, nhead and dim_feedforward must be positive, got "
                    + dModel + ", " + nhead + ", " + dimFeedforward);
        }
        if (dModel % nhead != 0) {
            throw new IllegalArgumentException("Transformer layer: d_model " + dModel + " must be divisible by nhead " + nhead);
        }
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("Transformer layer: dropout must be in [0, 1), got " + dropout);
        if (activation == null) throw new IllegalArgumentException("Transformer layer: activation must not be null");
        if (!(layerNormEps > 0)) throw new IllegalArgumentException("Transformer layer: layer_norm_eps must be positive, got " + layerNormEps);
    }

    /** PyTorch's defaults: dim_feedforward 2048, dropout 0.1, relu, eps 1e-5, sequence-first, post-norm. */
    public static TransformerLayerOptions of(int dModel, int nhead) {
        return new TransformerLayerOptions(dModel, nhead, 2048, 0.1, Activation.RELU, 1e-5, false, false);
    }

    public TransformerLayerOptions withDimFeedforward(int d) { return new TransformerLayerOptions(dModel, nhead, d, dropout, activation, layerNormEps, batchFirst, normFirst); }
    public TransformerLayerOptions withDropout(double p) { return new TransformerLayerOptions(dModel, nhead, dimFeedforward, p, activation, layerNormEps, batchFirst, normFirst); }
    public TransformerLayerOptions withActivation(Activation a) { return new TransformerLayerOptions(dModel, nhead, dimFeedforward, dropout, a, layerNormEps, batchFirst, normFirst); }
    public TransformerLayerOptions withActivation(String a) { return withActivation(Activation.of(a)); }
    public TransformerLayerOptions withLayerNormEps(double e) { return new TransformerLayerOptions(dModel, nhead, dimFeedforward, dropout, activation, e, batchFirst, normFirst); }
    public TransformerLayerOptions withBatchFirst(boolean b) { return new TransformerLayerOptions(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, b, normFirst); }
    public TransformerLayerOptions withNormFirst(boolean b) { return new TransformerLayerOptions(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, b); }
}
