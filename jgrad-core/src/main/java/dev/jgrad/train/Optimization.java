package dev.jgrad.train;

import dev.jgrad.optim.LRScheduler;
import dev.jgrad.optim.Optimizer;

/**
 * The optimizer of a run and its learning-rate schedule, stepped once per training step.
 *
 * @param scheduler null for a constant learning rate
 */
public record Optimization(Optimizer<?, ?> optimizer, LRScheduler scheduler) {
    public Optimization {
        if (optimizer == null) throw new IllegalArgumentException("Optimization: optimizer must not be null");
        if (scheduler != null && scheduler.optimizer() != optimizer) {
            throw new IllegalArgumentException("Optimization: the scheduler was built for another optimizer");
        }
    }

    /** An optimizer at its own, constant learning rate. */
    public static Optimization of(Optimizer<?, ?> optimizer) {
        return new Optimization(optimizer, null);
    }
}
