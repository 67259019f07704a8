package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/** Returns its input unchanged (torch.nn.Identity): a placeholder, e.g. for a removed classification head. */
public class Identity extends Module implements UnaryModule {
    /** An identity module (PyTorch's Identity takes and ignores arguments; this one takes none). */
    public Identity() {}

    @Override
    public Tensor forward(Tensor x) {
        return x;
    }
}
