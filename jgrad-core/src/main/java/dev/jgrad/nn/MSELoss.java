package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/** Mean squared error (torch.nn.MSELoss); see {@link Functional#mseLoss(Tensor, Tensor, Reduction)}. */
public class MSELoss extends Module {
    private final Reduction reduction;

    /** The mean over all elements (PyTorch's default reduction). */
    public MSELoss() {
        this(Reduction.MEAN);
    }

    /**
     * A loss with the given reduction.
     *
     * @param reduction MEAN, SUM, or NONE for the elementwise squares
     */
    public MSELoss(Reduction reduction) {
        this.reduction = reduction;
    }

    /**
     * The squared error between predictions and targets.
     *
     * @param input the predictions, any shape
     * @param target the targets, of input's shape exactly
     * @return the loss: a scalar, or input's shape with {@link Reduction#NONE}
     * @throws IllegalArgumentException when the shapes differ
     */
    public Tensor forward(Tensor input, Tensor target) {
        return Functional.mseLoss(input, target, reduction);
    }
}
