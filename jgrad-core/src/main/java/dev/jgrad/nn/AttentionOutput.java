package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/**
 * What attention returns: the output, and the attention weights (PyTorch's attn_output_weights: the
 * softmax probabilities after dropout), or null when they were not asked for.
 */
public record AttentionOutput(Tensor output, Tensor weights) {}
