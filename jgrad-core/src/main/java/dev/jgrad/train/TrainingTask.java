package dev.jgrad.train;

import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.nn.Module;

import java.util.Map;

/**
 * What to train and how, for a {@link Trainer} (the role of PyTorch Lightning's LightningModule): the model, its
 * optimizer, one training step's loss, the validation metrics, and whatever else a checkpoint must hold so that a
 * resumed run continues exactly as if it had never stopped.
 *
 * <p>The trainer owns the loop: for each step it clears the gradients, calls {@link #trainingStep}, back-propagates
 * the loss, clips and measures the gradients, steps the optimizer and the schedule, then evaluates and checkpoints
 * when its options say so.
 *
 * <p><b>Exact resume.</b> A step's batch must be a function of the step number and of state the task saves in
 * {@link #saveState} (a data generator, a recurrent state carried between windows). The trainer itself saves the
 * model, the optimizer, the scheduler, the default generator (dropout), the loss history and the evaluations.
 */
public interface TrainingTask {

    /**
     * The model being trained: its parameters are clipped and measured, its state dict is checkpointed.
     *
     * @return the same module on every call
     */
    Module model();

    /**
     * The optimizer and its learning-rate schedule, built once the run's length is known (Lightning's
     * configure_optimizers). Called once per fit, after the model exists and before a checkpoint is restored.
     *
     * @param totalSteps the run's length in steps, for a schedule that ends with it (a cosine decay)
     * @return the optimizer over {@link #model()}'s parameters and its schedule, if any
     */
    Optimization configureOptimizers(long totalSteps);

    /**
     * Steps in one pass over the training data (at least 1).
     *
     * @return batches per epoch
     */
    long stepsPerEpoch();

    /**
     * Step {@code step} (counting from 0 over the whole run): the batch's forward pass and its loss, a scalar. The
     * gradients were cleared just before; the trainer calls {@code backward()}.
     *
     * @param step the step's index over the whole run, from which the batch follows (so a resumed run sees the same batches)
     * @return the step's scalar loss, still attached to its graph, and what it processed
     */
    StepOutput trainingStep(long step);

    /**
     * The validation metrics of the model as it is now, by name, in a fixed order; empty when the task has no
     * validation (then the trainer never evaluates). The trainer calls {@link #trainMode()} afterwards.
     *
     * @return the metrics by name, the same names in the same order every time (e.g. {@code loss}, {@code accuracy})
     */
    default Map<String, Double> validate() {
        return Map.of();
    }

    /**
     * Called before the first step of each epoch (epoch counting from 0), also when a run resumes at an epoch's start,
     * but not when it resumes inside an epoch (its state then comes from {@link #loadState}).
     *
     * @param epoch the epoch starting, counting from 0 (a task may reshuffle its data for it)
     */
    default void onEpochStart(long epoch) {}

    /** Puts the model in training mode: before the first step and after each evaluation. */
    default void trainMode() {
        model().train();
    }

    /**
     * The settings a resumed run must repeat (everything that changes the computation), by name.
     *
     * @return the settings, written into each checkpoint and compared by {@link #checkCheckpoint}; empty by default
     */
    default Map<String, String> config() {
        return Map.of();
    }

    /**
     * What rebuilds the model, for model.safetensors' metadata (the trainer adds {@code step}).
     *
     * @return metadata entries (architecture, sizes, vocabulary...) a loader needs; empty by default
     */
    default Map<String, String> modelMetadata() {
        return Map.of();
    }

    /**
     * Fails, with a message naming the difference, unless the checkpoint can be resumed by this task.
     *
     * @param checkpoint the run directory's checkpoint, about to be restored
     * @throws IllegalArgumentException if its settings differ from {@link #config()}
     */
    default void checkCheckpoint(TrainingCheckpoint checkpoint) {
        checkpoint.requireSameConfig(config());
    }

    /**
     * Adds the task's own resume state (data position, generators, carried recurrent state) to a checkpoint.
     *
     * @param state the checkpoint's task entries, empty, to be filled
     */
    default void saveState(TaskState state) {}

    /**
     * Restores what {@link #saveState} saved, the run being at {@code step}.
     *
     * @param state the restored checkpoint's entries
     * @param step  the steps the checkpoint had done; the next {@link #trainingStep} is this one
     */
    default void loadState(TaskState state, long step) {}
}
