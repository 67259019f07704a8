package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/** tanh elementwise (torch.nn.Tanh). */
public class Tanh extends Module implements UnaryModule {
    /** A tanh module (no parameters). */
    public Tanh() {}

    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
