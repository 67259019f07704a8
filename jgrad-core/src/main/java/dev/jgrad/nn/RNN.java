package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;

/** Multi-layer Elman RNN with tanh or relu (torch.nn.RNN); the equation is in {@link RNNCell}. */
public class RNN extends RNNBase {

    /**
     * One time-first layer with tanh and biases, initialised from the default generator.
     *
     * @param inputSize the features of each input step, at least 1
     * @param hiddenSize the features of the hidden state, at least 1
     * @throws IllegalArgumentException when a size is below 1
     */
    public RNN(int inputSize, int hiddenSize) {
        this(options(inputSize, hiddenSize).build());
    }

    /**
     * tanh, PyTorch's default nonlinearity.
     *
     * @param options the layer's configuration, from {@link RNNBase#options(int, int)}
     */
    public RNN(Options options) {
        this(options, RNNCell.Nonlinearity.TANH);
    }

    /**
     * An RNN initialised from the default generator.
     *
     * @param options the layer's configuration
     * @param nonlinearity TANH or RELU
     */
    public RNN(Options options, RNNCell.Nonlinearity nonlinearity) {
        this(options, nonlinearity, Generator.defaultGenerator());
    }

    /**
     * An RNN; its weights are drawn from U(-1/sqrt(H), 1/sqrt(H)) as PyTorch's.
     *
     * @param options the layer's configuration
     * @param nonlinearity TANH or RELU
     * @param gen the random generator the initial weights are drawn from
     */
    public RNN(Options options, RNNCell.Nonlinearity nonlinearity, Generator gen) {
        super(RNNCell.stepFunction(nonlinearity), options, gen);
    }
}
