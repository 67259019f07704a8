package dev.jgrad.train;

import java.nio.file.Path;

/**
 * Callbacks of a {@link Trainer} (Lightning's Callback): a progress bar, a loss plot, a log. Listeners are called in
 * the order they were added, on the training thread; every method does nothing by default.
 *
 * <p>At each step the order is: {@link #onStepEnd}, then if it evaluates {@link #onEvaluation}, then if it
 * checkpoints {@link #onCheckpoint}, then at an epoch's end {@link #onEpochEnd}.
 */
public interface TrainingListener {

    /**
     * The run is set up (and restored, when resuming) and about to train; also when there is nothing left to do.
     *
     * @param progress the run's state: its length, and where a resumed run starts
     */
    default void onFitStart(TrainingProgress progress) {}

    /**
     * Epoch {@code epoch} (from 0) starts.
     *
     * @param progress the run's state
     * @param epoch    the epoch starting, counting from 0
     */
    default void onEpochStart(TrainingProgress progress, long epoch) {}

    /**
     * A training step is done.
     *
     * @param progress the run's state, its step already counting this one
     * @param step     the step's loss, gradient norm, learning rate and metrics
     */
    default void onStepEnd(TrainingProgress progress, StepResult step) {}

    /**
     * An evaluation is done (and recorded in the progress).
     *
     * @param progress   the run's state, with this evaluation among {@link TrainingProgress#evaluations()}
     * @param evaluation the validation metrics just measured
     */
    default void onEvaluation(TrainingProgress progress, Evaluation evaluation) {}

    /**
     * A checkpoint was written to {@code directory}.
     *
     * @param progress  the run's state, {@link TrainingProgress#lastCheckpointStep()} being this checkpoint's step
     * @param directory the run directory the checkpoint is in
     */
    default void onCheckpoint(TrainingProgress progress, Path directory) {}

    /**
     * Epoch {@code epoch} (from 0) is done, after its evaluation and checkpoint.
     *
     * @param progress the run's state
     * @param epoch    the epoch just finished, counting from 0
     */
    default void onEpochEnd(TrainingProgress progress, long epoch) {}

    /**
     * The fit ended normally (also when stopped early, or with nothing left to do).
     *
     * @param progress the run's final state
     * @param result   what {@link Trainer#fit} is about to return
     */
    default void onFitEnd(TrainingProgress progress, FitResult result) {}

    /**
     * The fit failed with {@code error}, which the trainer throws on after the listeners saw it.
     *
     * @param progress the run's state when it failed
     * @param error    the failure (a {@link TrainingDivergedException}, an I/O error...); an exception a listener throws
     *                 here is added to it as suppressed
     */
    default void onException(TrainingProgress progress, Throwable error) {}
}
