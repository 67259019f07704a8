package dev.jgrad.optim;

import dev.jgrad.tensor.Tensor;

import java.util.List;

/**
 * Some parameters and the hyperparameters they are trained with (one dict of torch's param_groups).
 * Several groups let earlier layers be fine-tuned with a lower learning rate than a new head:
 * <pre>{@code
 * var opts = Adam.options(1e-3);
 * var adam = new Adam(List.of(ParamGroup.of(backbone, opts.withLr(1e-5)), ParamGroup.of(head, opts)));
 * }</pre>
 * Schedulers change a group's learning rate with {@link #setLr}.
 */
public final class ParamGroup<O extends Optimizer.Options<O>> {
    private final List<Tensor> params;
    private O options;

    public ParamGroup(List<? extends Tensor> params, O options) {
        if (params == null) throw new IllegalArgumentException("ParamGroup: params must not be null");
        if (options == null) throw new IllegalArgumentException("ParamGroup: options must not be null");
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) == null) throw new IllegalArgumentException("ParamGroup: parameter " + i + " is null");
        }
        options.validate();
        this.params = List.copyOf(params);
        this.options = options;
    }

    public static <O extends Optimizer.Options<O>> ParamGroup<O> of(List<? extends Tensor> params, O options) {
        return new ParamGroup<>(params, options);
    }

    public List<Tensor> params() {
        return params;
    }

    public O options() {
        return options;
    }

    /** Replaces all hyperparameters of this group; they apply from the next step. */
    public void setOptions(O options) {
        if (options == null) throw new IllegalArgumentException("ParamGroup.setOptions: options must not be null");
        options.validate();
        this.options = options;
    }

    public double lr() {
        return options.lr();
    }

    public void setLr(double lr) {
        options = options.withLr(lr);
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " tensors, " + options + ")";
    }
}
