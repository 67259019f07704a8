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

    /** The run is set up (and restored, when resuming) and about to train; also when there is nothing left to do. */
    default void onFitStart(TrainingProgress progress) {}

    /** Epoch {@code epoch} (from 0) starts. */
    default void onEpochStart(TrainingProgress progress, long epoch) {}

    /** A training step is done. */
    default void onStepEnd(TrainingProgress progress, StepResult step) {}

    /** An evaluation is done (and recorded in the progress). */
    default void onEvaluation(TrainingProgress progress, Evaluation evaluation) {}

    /** A checkpoint was written to {@code directory}. */
    default void onCheckpoint(TrainingProgress progress, Path directory) {}

    /** Epoch {@code epoch} (from 0) is done, after its evaluation and checkpoint. */
    default void onEpochEnd(TrainingProgress progress, long epoch) {}

    /** The fit ended normally (also when stopped early, or with nothing left to do). */
    default void onFitEnd(TrainingProgress progress, FitResult result) {}

    /** The fit failed with {@code error}, which the trainer throws on after the listeners saw it. */
    default void onException(TrainingProgress progress, Throwable error) {}
}
