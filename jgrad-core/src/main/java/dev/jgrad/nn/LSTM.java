package dev.jgrad.nn;

import dev.jgrad.ops.LstmStep;
import dev.jgrad.tensor.Generator;

/**
 * Multi-layer LSTM (torch.nn.LSTM). The equations are in {@link LSTMCell}; this module stacks them over
 * layers, directions and time. Parameters: weight_ih_l{k} [4H, in], weight_hh_l{k} [4H, H], bias_ih_l{k},
 * bias_hh_l{k} in gate order i, f, g, o, plus _reverse for the backward direction.
 */
public class LSTM extends RNNBase {

    public LSTM(int inputSize, int hiddenSize) {
        this(options(inputSize, hiddenSize).build());
    }

    public LSTM(Options options) {
        this(options, Generator.defaultGenerator());
    }

    public LSTM(Options options, Generator gen) {
        super(LstmStep.INSTANCE, options, gen);
    }
}
