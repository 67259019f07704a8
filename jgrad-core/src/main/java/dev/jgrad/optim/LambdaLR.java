package dev.jgrad.optim;

import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * The learning rate is the base rate times {@code factor(epoch)}, epoch counting from 0 at construction
 * (torch's LambdaLR). One function for all groups, or one per group.
 */
public class LambdaLR extends LRScheduler {
    private final List<IntToDoubleFunction> factors;

    /**
     * One factor function for every group.
     *
     * @param optimizer the optimiser to schedule
     * @param factor    maps the epoch (from 0) to the multiplier of the base rate; must return a finite value
     * @throws IllegalArgumentException if {@code factor} is null
     */
    public LambdaLR(Optimizer<?, ?> optimizer, IntToDoubleFunction factor) {
        if (factor == null) throw new IllegalArgumentException("LambdaLR: factor must not be null");
        this.factors = List.of(factor);
        super(optimizer);
    }

    /**
     * One factor per parameter group, in order.
     *
     * @param optimizer the optimiser to schedule
     * @param factors   one function per parameter group, mapping the epoch (from 0) to a finite multiplier
     * @throws IllegalArgumentException if the number of functions differs from the number of groups
     */
    public LambdaLR(Optimizer<?, ?> optimizer, List<IntToDoubleFunction> factors) {
        if (optimizer != null && (factors == null || factors.size() != optimizer.paramGroups().size())) {
            throw new IllegalArgumentException("LambdaLR: expected " + optimizer.paramGroups().size() + " factor functions (one per parameter group), got "
                    + (factors == null ? "null" : factors.size()));
        }
        this.factors = factors == null ? List.of() : List.copyOf(factors);
        super(optimizer);
    }

    @Override
    protected double lrAt(int group, double baseLr, int epoch) {
        double f = factors.get(factors.size() == 1 ? 0 : group).applyAsDouble(epoch);
        if (!Double.isFinite(f)) {
            throw new IllegalStateException("LambdaLR: the factor for group " + group + " at epoch " + epoch + " is " + f);
        }
        return baseLr * f;
    }
}
