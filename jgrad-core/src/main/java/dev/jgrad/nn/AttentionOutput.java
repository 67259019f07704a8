package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/**
 * What attention returns: the output, and the attention weights (PyTorch's attn_output_weights: the
 * softmax probabilities after dropout), or null when they were not asked for ({@link AttentionArgs#needWeights()}).
 * {@link TransformerDecoderLayer} returns one too: its output, and the weights of its cross-attention.
 */
public record AttentionOutput(Tensor output, Tensor weights) {}
