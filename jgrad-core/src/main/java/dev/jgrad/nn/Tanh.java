package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/** tanh elementwise (torch.nn.Tanh). */
public class Tanh extends Module implements UnaryModule {
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
