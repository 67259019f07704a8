package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/** max(x, 0) elementwise (torch.nn.ReLU). */
public class ReLU extends Module implements UnaryModule {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
