package dev.jgrad.nn;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

/** Module form of {@link Functional#crossEntropy(Tensor, IntTensor, LossOptions)} (torch.nn.CrossEntropyLoss). */
public class CrossEntropyLoss extends Module {
    private final LossOptions options;

    public CrossEntropyLoss() {
        this(LossOptions.defaults());
    }

    public CrossEntropyLoss(LossOptions options) {
        this.options = options;
    }

    public LossOptions options() {
        return options;
    }

    /** logits [N, C] or [N, C, d1, ...] (or [C]); targets [N] or [N, d1, ...] (or 0-d). */
    public Tensor forward(Tensor logits, IntTensor targets) {
        return Functional.crossEntropy(logits, targets, options);
    }
}
