package dev.jgrad.train;

import dev.jgrad.optim.LRScheduler;
import dev.jgrad.optim.Optimizer;

/**
 * The optimizer of a run and its learning-rate schedule, stepped once per training step.
 *
 * @param optimizer the optimizer that updates the task's model parameters (Adam, SGD...)
 * @param scheduler the learning-rate schedule stepped after each optimizer step, built for {@code optimizer}; null for a
 *                  constant learning rate
 */
public record Optimization(Optimizer<?, ?> optimizer, LRScheduler scheduler) {
    /**
     * Checks the pair.
     *
     * @throws IllegalArgumentException if {@code optimizer} is null or {@code scheduler} was built for another optimizer
     */
    public Optimization {
        if (optimizer == null) throw new IllegalArgumentException("Optimization: optimizer must not be null");
        if (scheduler != null && scheduler.optimizer() != optimizer) {
            throw new IllegalArgumentException("Optimization: the scheduler was built for another optimizer");
        }
    }

    /**
     * An optimizer at its own, constant learning rate.
     *
     * @param optimizer the optimizer, not null
     * @return the optimizer without a schedule
     */
    public static Optimization of(Optimizer<?, ?> optimizer) {
        return new Optimization(optimizer, null);
    }
}
