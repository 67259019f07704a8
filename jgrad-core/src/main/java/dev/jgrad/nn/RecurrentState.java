package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/**
 * The state a recurrent layer carries between steps: h, and for the LSTM the cell state c (null otherwise).
 * For the multi-layer modules both are [numLayers * numDirections, batch, hidden], as in PyTorch.
 *
 * @param h the hidden state
 * @param c the LSTM's cell state, of h's shape, or null for RNN and GRU
 */
public record RecurrentState(Tensor h, Tensor c) {

    /**
     * Both tensors detached: truncated backprop through time carries the values, not the graph, into the next batch.
     *
     * @return a new state over the same values, outside the graph
     */
    public RecurrentState detach() {
        return new RecurrentState(h.detach(), c == null ? null : c.detach());
    }
}
