package dev.jgrad.train;

import java.io.IOException;
import java.io.Serializable;

/**
 * Builds a replica of a {@link TrainingTask} for one worker of a data-parallel run, possibly in another process on
 * another machine (hence serializable: keep what it captures small, e.g. options and a path, not a model).
 * The replica of {@link Shard} {@code s} must compute, at every step, the loss of rows {@code s.from(B)} to
 * {@code s.to(B)} of the global batch of B rows that the {@link Shard#WHOLE} task would take, as a mean over its
 * units ({@link StepOutput#units()}): then the units-weighted mean of the shards' gradients is the gradient of the
 * global batch. Its model starts from any weights (the strategy sets them).
 */
@FunctionalInterface
public interface TaskFactory extends Serializable {

    /**
     * A fresh task that trains on {@code shard} of each global batch, with its model built.
     *
     * @param shard which rows of each global batch the task takes
     * @return the task
     * @throws IOException if its data cannot be read
     */
    TrainingTask create(Shard shard) throws IOException;
}
