package dev.jgrad.nn;

import dev.jgrad.ops.RnnStep;
import dev.jgrad.ops.StepFunction;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * The vanilla (Elman) recurrent cell, one step at a time (torch.nn.RNNCell):
 * <pre>
 *   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)      (or relu)
 * </pre>
 * Backprop through many such steps multiplies by W_hh^T diag(tanh') once per step: the gradient shrinks or
 * grows geometrically with distance, which is what {@code jgrad gradflow} shows.
 */
@SuppressWarnings("this-escape")
public class RNNCell extends RecurrentCellBase {

    /** The cell's activation, PyTorch's {@code nonlinearity} argument. */
    public enum Nonlinearity {
        /** h' = tanh(...), PyTorch's default. */
        TANH,
        /** h' = relu(...). */
        RELU
    }

    /**
     * A cell with tanh and biases, initialised from the default generator.
     *
     * @param inputSize the features of each input, at least 1
     * @param hiddenSize the features of the hidden state, at least 1
     * @throws IllegalArgumentException when a size is below 1
     */
    public RNNCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, Nonlinearity.TANH, Generator.defaultGenerator());
    }

    /**
     * A cell; its weights are drawn from U(-1/sqrt(H), 1/sqrt(H)) as PyTorch's.
     *
     * @param inputSize the features of each input, at least 1
     * @param hiddenSize the features of the hidden state, at least 1
     * @param bias whether to learn the biases b_ih and b_hh
     * @param nonlinearity TANH or RELU
     * @param gen the random generator the initial weights are drawn from
     * @throws IllegalArgumentException when a size is below 1
     */
    public RNNCell(int inputSize, int hiddenSize, boolean bias, Nonlinearity nonlinearity, Generator gen) {
        super(stepFunction(nonlinearity), inputSize, hiddenSize, bias, gen);
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

    /** The fused step for a nonlinearity, shared with the multi-layer {@link RNN}. */
    static StepFunction stepFunction(Nonlinearity nonlinearity) {
        return nonlinearity == Nonlinearity.RELU ? RnnStep.RELU : RnnStep.TANH;
    }
}
