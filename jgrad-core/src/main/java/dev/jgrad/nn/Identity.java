package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/** Returns its input unchanged (torch.nn.Identity): a placeholder, e.g. for a removed classification head. */
public class Identity extends Module implements UnaryModule {
    @Override
    public Tensor forward(Tensor x) {
        return x;
    }
}
