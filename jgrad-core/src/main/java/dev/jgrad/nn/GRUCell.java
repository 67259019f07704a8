package dev.jgrad.nn;

import dev.jgrad.ops.GruStep;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * Gated recurrent unit (Cho et al., 2014), one step at a time (torch.nn.GRUCell), with PyTorch's equations:
 * <pre>
 *   r = sigm(W_ir x + b_ir + W_hr h + b_hr)          reset gate
 *   z = sigm(W_iz x + b_iz + W_hz h + b_hz)          update gate
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))    candidate
 *   h' = (1 - z) * n + z * h
 * </pre>
 * Weights are stacked in the order r, z, n. Note that r multiplies W_hn h + b_hn, bias included.
 */
@SuppressWarnings("this-escape")
public class GRUCell extends RecurrentCellBase {

    /**
     * A cell with biases, initialised from the default generator.
     *
     * @param inputSize the features of each input, at least 1
     * @param hiddenSize the features of the hidden state, at least 1
     * @throws IllegalArgumentException when a size is below 1
     */
    public GRUCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, Generator.defaultGenerator());
    }

    /**
     * A cell; its weights are drawn from U(-1/sqrt(H), 1/sqrt(H)) as PyTorch's.
     *
     * @param inputSize the features of each input, at least 1
     * @param hiddenSize the features of the hidden state, at least 1
     * @param bias whether to learn the biases b_ih and b_hh
     * @param gen the random generator the initial weights are drawn from
     * @throws IllegalArgumentException when a size is below 1
     */
    public GRUCell(int inputSize, int hiddenSize, boolean bias, Generator gen) {
        super(GruStep.INSTANCE, inputSize, hiddenSize, bias, gen);
    }

    /**
     * One step: x [batch, input] (or [input]) and the previous h (zeros when null) to the next h.
     *
     * @param x the input [batch, input] or [input]
     * @param h the previous hidden state [batch, hidden] (or [hidden]), or null for zeros
     * @return the next hidden state, h's shape
     * @throws IllegalArgumentException when a shape does not fit
     */
    public Tensor forward(Tensor x, Tensor h) {
        return step(x, h == null ? null : new RecurrentState(h, null)).h();
    }

}
