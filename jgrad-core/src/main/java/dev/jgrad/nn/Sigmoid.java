package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/** 1 / (1 + exp(-x)) elementwise (torch.nn.Sigmoid). */
public class Sigmoid extends Module implements UnaryModule {
    /** A sigmoid module (no parameters). */
    public Sigmoid() {}

    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
