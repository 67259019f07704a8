package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/**
 * What RNN, LSTM and GRU return: the top layer's output at every step, and the final state of every layer.
 *
 * @param output the top layer's outputs [T, B, directions * H] ([B, T, ...] when batch-first), zero at padding
 * @param state the final (h, c) of every layer and direction, each [layers * directions, B, H]
 */
public record RecurrentOutput(Tensor output, RecurrentState state) {}
