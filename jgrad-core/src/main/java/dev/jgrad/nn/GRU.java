package dev.jgrad.nn;

import dev.jgrad.ops.GruStep;
import dev.jgrad.tensor.Generator;

/** Multi-layer GRU (torch.nn.GRU); the equations are in {@link GRUCell}. Gate order r, z, n. */
public class GRU extends RNNBase {

    /**
     * One time-first layer with biases, initialised from the default generator.
     *
     * @param inputSize the features of each input step, at least 1
     * @param hiddenSize the features of the hidden state, at least 1
     * @throws IllegalArgumentException when a size is below 1
     */
    public GRU(int inputSize, int hiddenSize) {
        this(options(inputSize, hiddenSize).build());
    }

    /**
     * A GRU initialised from the default generator.
     *
     * @param options the layer's configuration, from {@link RNNBase#options(int, int)}
     */
    public GRU(Options options) {
        this(options, Generator.defaultGenerator());
    }

    /**
     * A GRU; its weights are drawn from U(-1/sqrt(H), 1/sqrt(H)) as PyTorch's.
     *
     * @param options the layer's configuration
     * @param gen the random generator the initial weights are drawn from
     */
    public GRU(Options options, Generator gen) {
        super(GruStep.INSTANCE, options, gen);
    }
}
