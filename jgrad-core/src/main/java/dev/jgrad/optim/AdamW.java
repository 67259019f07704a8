package dev.jgrad.optim;

import dev.jgrad.tensor.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay (torch.optim.AdamW, Loshchilov and Hutter): each step first shrinks
 * the weights, {@code p *= 1 - lr * weightDecay}, then applies the Adam update to the raw gradient, so
 * the decay is not rescaled by the adaptive denominator. The default weight decay is 1e-2, as in PyTorch.
 */
public class AdamW extends Adam {

    /** PyTorch's AdamW defaults (betas 0.9, 0.999, eps 1e-8, weight decay 1e-2) with learning rate {@code lr}. */
    public static Options options(double lr) {
        return Adam.options(lr).withWeightDecay(1e-2);
    }

    public AdamW(List<? extends Tensor> params, double lr) {
        this(params, options(lr));
    }

    public AdamW(List<? extends Tensor> params, Options options) {
        super(params, options, true);
    }

    public AdamW(List<ParamGroup<Options>> groups) {
        super(groups, true);
    }
}
