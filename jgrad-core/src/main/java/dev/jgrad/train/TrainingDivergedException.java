package dev.jgrad.train;

/**
 * A step's loss or gradient norm was NaN or infinite. The run stops before the optimizer applies that step and
 * without saving, so the last checkpoint (if any) is still the last good state.
 */
public final class TrainingDivergedException extends IllegalStateException {
    /** The step (counting from 1) whose loss or gradient norm was not finite; part of the serialized form. */
    private final long step;

    TrainingDivergedException(long step, String message) {
        super(message);
        this.step = step;
    }

    /**
     * The step (counting from 1) whose loss or gradient norm was not finite.
     *
     * @return that step, the one that was not applied
     */
    public long step() {
        return step;
    }
}
