package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;

/** Multi-layer Elman RNN with tanh or relu (torch.nn.RNN); the equation is in {@link RNNCell}. */
public class RNN extends RNNBase {

    public RNN(int inputSize, int hiddenSize) {
        this(options(inputSize, hiddenSize).build());
    }

    /** tanh, PyTorch's default nonlinearity. */
    public RNN(Options options) {
        this(options, RNNCell.Nonlinearity.TANH);
    }

    public RNN(Options options, RNNCell.Nonlinearity nonlinearity) {
        this(options, nonlinearity, Generator.defaultGenerator());
    }

    public RNN(Options options, RNNCell.Nonlinearity nonlinearity, Generator gen) {
        super(RNNCell.stepFunction(nonlinearity), options, gen);
    }
}
