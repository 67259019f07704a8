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

    /** The model being trained: its parameters are clipped and measured, its state dict is checkpointed. */
    Module model();

    /**
     * The optimizer and its learning-rate schedule, built once the run's length is known (Lightning's
     * configure_optimizers). Called once per fit, after the model exists and before a checkpoint is restored.
     */
    Optimization configureOptimizers(long totalSteps);

    /** Steps in one pass over the training data (at least 1). */
    long stepsPerEpoch();

    /**
     * Step {@code step} (counting from 0 over the whole run): the batch's forward pass and its loss, a scalar. The
     * gradients were cleared just before; the trainer calls {@code backward()}.
     */
    StepOutput trainingStep(long step);

    /**
     * The validation metrics of the model as it is now, by name, in a fixed order; empty when the task has no
     * validation (then the trainer never evaluates). The trainer calls {@link #trainMode()} afterwards.
     */
    default Map<String, Double> validate() {
        return Map.of();
    }

    /**
     * Called before the first step of each epoch (epoch counting from 0), also when a run resumes at an epoch's start,
     * but not when it resumes inside an epoch (its state then comes from {@link #loadState}).
     */
    default void onEpochStart(long epoch) {}

    /** Puts the model in training mode: before the first step and after each evaluation. */
    default void trainMode() {
        model().train();
    }

    /** The settings a resumed run must repeat (everything that changes the computation), by name. */
    default Map<String, String> config() {
        return Map.of();
    }

    /** What rebuilds the model, for model.safetensors' metadata (the trainer adds {@code step}). */
    default Map<String, String> modelMetadata() {
        return Map.of();
    }

    /** Fails, with a message naming the difference, unless the checkpoint can be resumed by this task. */
    default void checkCheckpoint(TrainingCheckpoint checkpoint) {
        checkpoint.requireSameConfig(config());
    }

    /** Adds the task's own resume state (data position, generators, carried recurrent state) to a checkpoint. */
    default void saveState(TaskState state) {}

    /** Restores what {@link #saveState} saved, the run being at {@code step}. */
    default void loadState(TaskState state, long step) {}
}
