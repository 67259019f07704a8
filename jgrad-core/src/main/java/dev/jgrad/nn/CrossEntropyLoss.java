package dev.jgrad.nn;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

/** Module form of {@link Functional#crossEntropy(Tensor, IntTensor, LossOptions)} (torch.nn.CrossEntropyLoss). */
public class CrossEntropyLoss extends Module {
    private final LossOptions options;

    /** PyTorch's defaults: mean reduction, ignore index -100, no label smoothing. */
    public CrossEntropyLoss() {
        this(LossOptions.defaults());
    }

    /**
     * A loss with the given options.
     *
     * @param options the reduction, ignore index and label smoothing
     */
    public CrossEntropyLoss(LossOptions options) {
        this.options = options;
    }

    /**
     * The loss's options.
     *
     * @return the options
     */
    public LossOptions options() {
        return options;
    }

    /**
     * logits [N, C] or [N, C, d1, ...] (or [C]); targets [N] or [N, d1, ...] (or 0-d).
     *
     * @param logits unnormalised scores, classes along dim 1
     * @param targets class indices in [0, C), or the ignore index
     * @return the loss: a scalar, or one per target with {@link Reduction#NONE}
     * @throws IllegalArgumentException when the shapes do not match
     * @throws IndexOutOfBoundsException when a target is neither a class index nor the ignore index
     */
    public Tensor forward(Tensor logits, IntTensor targets) {
        return Functional.crossEntropy(logits, targets, options);
    }
}
