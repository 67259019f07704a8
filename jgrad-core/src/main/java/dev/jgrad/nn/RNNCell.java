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

    public enum Nonlinearity { TANH, RELU }

    public RNNCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, Nonlinearity.TANH, Generator.defaultGenerator());
    }

    public RNNCell(int inputSize, int hiddenSize, boolean bias, Nonlinearity nonlinearity, Generator gen) {
        super(stepFunction(nonlinearity), inputSize, hiddenSize, bias, gen);
    }

    /** One step: x [batch, input] (or [input]) and the previous h (zeros when null) to the next h. */
    public Tensor forward(Tensor x, Tensor h) {
        return step(x, h == null ? null : new RecurrentState(h, null)).h();
    }

    /** The fused step for a nonlinearity, shared with the multi-layer {@link RNN}. */
    static StepFunction stepFunction(Nonlinearity nonlinearity) {
        return nonlinearity == Nonlinearity.RELU ? RnnStep.RELU : RnnStep.TANH;
    }
}
