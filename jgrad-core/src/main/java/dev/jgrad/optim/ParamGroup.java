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
 *
 * @param <O> the optimiser's hyperparameter record, e.g. {@link Adam.Options}
 */
public final class ParamGroup<O extends Optimizer.Options<O>> {
    private final List<Tensor> params;
    private O options;

    /**
     * A group of {@code params} trained with {@code options}.
     *
     * @param params  the tensors of the group (copied; the optimiser checks they are contiguous leaves)
     * @param options the hyperparameters, validated now
     * @throws IllegalArgumentException if an argument or a parameter is null, or the options are inconsistent
     */
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

    /**
     * The same as the constructor, reading better inside {@code List.of(...)}.
     *
     * @param <O>     the optimiser's hyperparameter record
     * @param params  the tensors of the group
     * @param options their hyperparameters
     * @return the new group
     * @throws IllegalArgumentException as the constructor
     */
    public static <O extends Optimizer.Options<O>> ParamGroup<O> of(List<? extends Tensor> params, O options) {
        return new ParamGroup<>(params, options);
    }

    /**
     * The parameters of this group.
     *
     * @return an unmodifiable list
     */
    public List<Tensor> params() {
        return params;
    }

    /**
     * The group's current hyperparameters (as changed by schedulers).
     *
     * @return the options record
     */
    public O options() {
        return options;
    }

    /**
     * Replaces all hyperparameters of this group; they apply from the next step.
     *
     * @param options the new hyperparameters
     * @throws IllegalArgumentException if {@code options} is null or inconsistent
     */
    public void setOptions(O options) {
        if (options == null) throw new IllegalArgumentException("ParamGroup.setOptions: options must not be null");
        options.validate();
        this.options = options;
    }

    /**
     * The group's current learning rate, {@code param_groups[g]["lr"]}.
     *
     * @return the learning rate
     */
    public double lr() {
        return options.lr();
    }

    /**
     * Sets the group's learning rate, keeping the other hyperparameters; applies from the next step.
     * A scheduler overwrites it at its next step.
     *
     * @param lr the new learning rate, {@code >= 0}
     * @throws IllegalArgumentException if {@code lr} is negative or NaN
     */
    public void setLr(double lr) {
        options = options.withLr(lr);
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " tensors, " + options + ")";
    }
}
