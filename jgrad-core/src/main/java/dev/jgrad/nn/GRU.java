package dev.jgrad.nn;

import dev.jgrad.ops.GruStep;
import dev.jgrad.tensor.Generator;

/** Multi-layer GRU (torch.nn.GRU); the equations are in {@link GRUCell}. Gate order r, z, n. */
public class GRU extends RNNBase {

    public GRU(int inputSize, int hiddenSize) {
        this(options(inputSize, hiddenSize).build());
    }

    public GRU(Options options) {
        this(options, Generator.defaultGenerator());
    }

    public GRU(Options options, Generator gen) {
        super(GruStep.INSTANCE, options, gen);
    }
}
