package dev.jgrad.optim;

import dev.jgrad.tensor.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay (torch.optim.AdamW, Loshchilov and Hutter): each step first shrinks
 * the weights, {@code p *= 1 - lr * weightDecay}, then applies the Adam update to the raw gradient, so
 * the decay is not rescaled by the adaptive denominator. The default weight decay is 1e-2, as in PyTorch.
 */
public class AdamW extends Adam {

    /**
     * PyTorch's AdamW defaults (betas 0.9, 0.999, eps 1e-8, weight decay 1e-2) with learning rate {@code lr}.
     *
     * @param lr the learning rate, {@code >= 0} (PyTorch's default 1e-3)
     * @return the options, to adjust with the with-methods
     * @throws IllegalArgumentException if {@code lr} is negative or NaN
     */
    public static Options options(double lr) {
        return Adam.options(lr).withWeightDecay(1e-2);
    }

    /**
     * AdamW with PyTorch's defaults and learning rate {@code lr}, as {@code torch.optim.AdamW(params, lr=lr)}.
     *
     * @param params the tensors to train, e.g. {@code model.parameters()}
     * @param lr     the learning rate, {@code >= 0}
     * @throws IllegalArgumentException if {@code lr} is invalid or a parameter is not a contiguous leaf,
     *                                  repeated or sharing memory
     */
    public AdamW(List<? extends Tensor> params, double lr) {
        this(params, options(lr));
    }

    /**
     * AdamW with the given hyperparameters for all parameters; start from {@link #options(double)} to get
     * AdamW's default weight decay rather than Adam's 0.
     *
     * @param params  the tensors to train
     * @param options the hyperparameters
     * @throws IllegalArgumentException if a parameter is not a contiguous leaf, repeated or sharing memory
     */
    public AdamW(List<? extends Tensor> params, Options options) {
        super(params, options, true);
    }

    /**
     * AdamW over several parameter groups (e.g. no weight decay for biases and norms).
     *
     * @param groups the groups, in order
     * @throws IllegalArgumentException if there is no parameter, or one is repeated, shares memory, is not
     *                                  a leaf or not contiguous
     */
    public AdamW(List<ParamGroup<Options>> groups) {
        super(groups, true);
    }
}
