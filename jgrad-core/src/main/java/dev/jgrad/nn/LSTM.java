package dev.jgrad.nn;

import dev.jgrad.ops.LstmStep;
import dev.jgrad.tensor.Generator;

/**
 * Multi-layer LSTM (torch.nn.LSTM). The equations are in {@link LSTMCell}; this module stacks them over
 * layers, directions and time. Parameters: weight_ih_l{k} [4H, in], weight_hh_l{k} [4H, H], bias_ih_l{k},
 * bias_hh_l{k} in gate order i, f, g, o, plus _reverse for the backward direction.
 */
public class LSTM extends RNNBase {

    /**
     * One time-first layer with biases, initialised from the default generator.
     *
     * @param inputSize the features of each input step, at least 1
     * @param hiddenSize the features of the hidden state, at least 1
     * @throws IllegalArgumentException when a size is below 1
     */
    public LSTM(int inputSize, int hiddenSize) {
        this(options(inputSize, hiddenSize).build());
    }

    /**
     * A LSTM initialised from the default generator.
     *
     * @param options the layer's configuration, from {@link RNNBase#options(int, int)}
     */
    public LSTM(Options options) {
        this(options, Generator.defaultGenerator());
    }

    /**
     * A LSTM; its weights are drawn from U(-1/sqrt(H), 1/sqrt(H)) as PyTorch's.
     *
     * @param options the layer's configuration
     * @param gen the random generator the initial weights are drawn from
     */
    public LSTM(Options options, Generator gen) {
        super(LstmStep.INSTANCE, options, gen);
    }
}
