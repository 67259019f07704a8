package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/** What RNN, LSTM and GRU return: the top layer's output at every step, and the final state of every layer. */
public record RecurrentOutput(Tensor output, RecurrentState state) {}
