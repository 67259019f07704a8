package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/** Mean squared error (torch.nn.MSELoss); see {@link Functional#mseLoss(Tensor, Tensor, Reduction)}. */
public class MSELoss extends Module {
    private final Reduction reduction;

    public MSELoss() {
        this(Reduction.MEAN);
    }

    public MSELoss(Reduction reduction) {
        this.reduction = reduction;
    }

    public Tensor forward(Tensor input, Tensor target) {
        return Functional.mseLoss(input, target, reduction);
    }
}
