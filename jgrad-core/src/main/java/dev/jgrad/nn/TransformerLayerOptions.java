package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

import java.util.Locale;

/**
 * The constructor arguments of nn.TransformerEncoderLayer and nn.TransformerDecoderLayer (which take the
 * same ones, and nn.Transformer with them). Make them by name from the layer (or the Transformer) they are for,
 * which gives PyTorch's defaults for whatever is left out:
 * {@code TransformerEncoderLayer.options(512, 8).dropout(0.1).batchFirst().normFirst().build()}.
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
        /** max(x, 0), PyTorch's default. */
        RELU,
        /** The exact GELU, x * Phi(x) (BERT's and GPT's choice). */
        GELU;

        /**
         * Applies the activation elementwise.
         *
         * @param x the feed-forward network's hidden values
         * @return relu(x) or gelu(x)
         */
        public Tensor apply(Tensor x) {
            return this == RELU ? x.relu() : x.gelu();
        }

        /**
         * From PyTorch's names "relu" and "gelu".
         *
         * @param name "relu" or "gelu", in any case
         * @return the activation
         * @throws IllegalArgumentException for any other name
         */
        public static Activation of(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "relu" -> RELU;
                case "gelu" -> GELU;
                default -> throw new IllegalArgumentException("activation should be relu/gelu, not " + name);
            };
        }
    }

    /**
     * Checks the values.
     *
     * @param dModel embedding size, at least 1
     * @param nhead attention heads, at least 1, dividing dModel
     * @param dimFeedforward feed-forward hidden size, at least 1
     * @param dropout dropout, in [0, 1)
     * @param activation the feed-forward activation, not null
     * @param layerNormEps the LayerNorms' eps, positive
     * @param batchFirst whether inputs are batch-first
     * @param normFirst whether the layers are pre-norm
     * @throws IllegalArgumentException when a value is out of range
     */
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

    /**
     * The options of the layer's attentions: its width, heads, dropout and layout, with biases.
     *
     * @return the attention options
     */
    public MultiheadAttention.Options attention() {
        return MultiheadAttention.options(dModel, nhead).dropout(dropout).batchFirst(batchFirst).build();
    }

    /**
     * Collects the optional arguments by name, starting from PyTorch's defaults (dim_feedforward 2048, dropout 0.1,
     * relu, eps 1e-5, sequence-first, post-norm); {@link #build()} checks them all.
     */
    public static final class Builder {
        private final int dModel, nhead;
        private int dimFeedforward = 2048;
        private double dropout = 0.1, layerNormEps = 1e-5;
        private Activation activation = Activation.RELU;
        private boolean batchFirst, normFirst;

        Builder(int dModel, int nhead) {
            this.dModel = dModel;
            this.nhead = nhead;
        }

        /**
         * Hidden size of the feed-forward network (default 2048).
         *
         * @param dimFeedforward the hidden size, at least 1
         * @return this builder
         */
        public Builder dimFeedforward(int dimFeedforward) {
            this.dimFeedforward = dimFeedforward;
            return this;
        }

        /**
         * Residual, feed-forward and attention dropout (default 0.1).
         *
         * @param dropout the probability, in [0, 1)
         * @return this builder
         */
        public Builder dropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * The feed-forward activation (default RELU).
         *
         * @param activation RELU or GELU
         * @return this builder
         */
        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        /**
         * The feed-forward activation by PyTorch's name, "relu" or "gelu".
         *
         * @param activation "relu" or "gelu"
         * @return this builder
         * @throws IllegalArgumentException for any other name
         */
        public Builder activation(String activation) {
            return activation(Activation.of(activation));
        }

        /**
         * eps of every LayerNorm (default 1e-5).
         *
         * @param layerNormEps the eps, positive
         * @return this builder
         */
        public Builder layerNormEps(double layerNormEps) {
            this.layerNormEps = layerNormEps;
            return this;
        }

        /**
         * Inputs and outputs [batch, seq, feature].
         *
         * @return this builder
         */
        public Builder batchFirst() {
            return batchFirst(true);
        }

        /**
         * Inputs and outputs [batch, seq, feature] when true, [seq, batch, feature] when false (the default).
         *
         * @param batchFirst true for batch-first inputs and outputs
         * @return this builder
         */
        public Builder batchFirst(boolean batchFirst) {
            this.batchFirst = batchFirst;
            return this;
        }

        /**
         * Pre-norm: LayerNorm before each sub-layer, inside the residual branch.
         *
         * @return this builder
         */
        public Builder normFirst() {
            return normFirst(true);
        }

        /**
         * Pre-norm when true, the paper's post-norm when false (the default).
         *
         * @param normFirst true for pre-norm
         * @return this builder
         */
        public Builder normFirst(boolean normFirst) {
            this.normFirst = normFirst;
            return this;
        }

        /**
         * The options collected so far, checked.
         *
         * @return the options
         * @throws IllegalArgumentException when a value is out of range
         */
        public TransformerLayerOptions build() {
            return new TransformerLayerOptions(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst);
        }
    }
}
