package dev.jgrad.optim;

/**
 * Ramps the learning rate linearly up to its base over the first {@code warmupSteps} optimizer steps,
 * then holds it: the k-th optimizer step (k = 1, 2, ...) uses base * min(1, k / warmupSteps).
 *
 * <p>Steps count from 1, so the first update is made at base / warmupSteps rather than wasted at rate
 * 0, and the full rate is reached at step warmupSteps. It equals
 * {@code LambdaLR(e -> min(1, (e + 1) / warmup))} (LambdaLR's epoch counts from 0). To follow the warmup
 * with a decay, use a {@link LambdaLR} with the product of both factors.
 */
public class LinearWarmup extends LRScheduler {
    private final int warmupSteps;

    /**
     * A warmup to the groups' current learning rates.
     *
     * @param optimizer   the optimiser to schedule
     * @param warmupSteps the number of optimizer steps to reach the base rate, at least 1
     * @throws IllegalArgumentException if {@code warmupSteps} is below 1
     */
    public LinearWarmup(Optimizer<?, ?> optimizer, int warmupSteps) {
        if (warmupSteps < 1) throw new IllegalArgumentException("LinearWarmup: warmupSteps must be at least 1, got " + warmupSteps);
        this.warmupSteps = warmupSteps;
        super(optimizer);
    }

    /**
     * The factor applied to the base rate at optimizer step {@code step} (counted from 1), for combining
     * the warmup with a decay in a {@link LambdaLR}.
     *
     * @param step        the optimizer step, from 1
     * @param warmupSteps the length of the warmup, at least 1
     * @return {@code min(1, step / warmupSteps)}
     */
    public static double factor(long step, int warmupSteps) {
        return Math.min(1.0, (double) step / warmupSteps);
    }

    @Override
    protected double lrAt(int group, double baseLr, int epoch) {
        return baseLr * factor(epoch + 1L, warmupSteps);
    }
}
