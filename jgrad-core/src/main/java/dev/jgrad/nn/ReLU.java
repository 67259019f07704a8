package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/** max(x, 0) elementwise (torch.nn.ReLU). */
public class ReLU extends Module implements UnaryModule {
    /** A ReLU module (no parameters; PyTorch's inplace option does not apply). */
    public ReLU() {}

    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
