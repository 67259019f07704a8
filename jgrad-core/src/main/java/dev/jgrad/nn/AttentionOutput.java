package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/**
 * What attention returns: the output, and the attention weights (PyTorch's attn_output_weights: the
 * softmax probabilities after dropout), or null when they were not asked for ({@link AttentionArgs#needWeights()}).
 * {@link TransformerDecoderLayer} returns one too: its output, and the weights of its cross-attention.
 *
 * @param output the attention output, e.g. [B, L, E] for a batch-first MultiheadAttention
 * @param weights the attention weights, e.g. [B, L, S] (averaged over heads) or [B, heads, L, S]; null when not requested
 */
public record AttentionOutput(Tensor output, Tensor weights) {}
