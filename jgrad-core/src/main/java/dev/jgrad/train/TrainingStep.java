package dev.jgrad.train;

import dev.jgrad.nn.Module;
import dev.jgrad.optim.ClipGrad;
import dev.jgrad.optim.Optimizer;

import java.util.Locale;

/**
 * The two halves of one training step, as every {@link TrainingStrategy} takes it, in this process or on a
 * data-parallel worker: {@link #computeGradients} (clear, forward, backward) and {@link #apply} (clip and measure the
 * gradients, refuse a non-finite loss or norm, step the optimizer and the schedule). A data-parallel strategy puts
 * the combined gradients of its workers between the two; the arithmetic of each half is the same everywhere.
 */
public final class TrainingStep {
    private TrainingStep() {}

    /**
     * Clears the gradients of {@code task}'s model, runs {@link TrainingTask#trainingStep} for {@code step} and
     * back-propagates its loss: each parameter's {@code grad} is then the gradient of the step's batch.
     *
     * @param task      what is trained
     * @param optimizer the optimizer whose parameters' gradients are cleared first
     * @param step      the step, counting from 0
     * @return the task's output for the step (its loss, already back-propagated)
     */
    public static StepOutput computeGradients(TrainingTask task, Optimizer<?, ?> optimizer, long step) {
        optimizer.zeroGrad();
        StepOutput out = task.trainingStep(step);
        out.loss().backward();
        return out;
    }

    /**
     * Clips the gradients in {@code model}'s parameters to a global 2-norm of {@code gradientClip} (0: only measures
     * it), then steps the optimizer and the schedule.
     *
     * @param model        the model whose parameters' gradients are clipped
     * @param optimization the optimizer and schedule to step
     * @param gradientClip the largest global 2-norm, or 0 to only measure it
     * @param step         the step being applied (counting from 0), for the message of a divergence
     * @param loss         the step's loss, checked to be finite
     * @param units        what the step processed (tokens, images)
     * @param metrics      the task's further metrics of the step
     * @return the step's loss, gradient norm, learning rate, units and metrics
     * @throws TrainingDivergedException before the optimizer applies anything, when the loss or the norm is not finite
     */
    public static StepOutcome apply(Module model, Optimization optimization, double gradientClip, long step, float loss, long units,
                                    java.util.Map<String, Double> metrics) {
        // The norm before clipping; an infinite bound only measures it.
        double gradNorm = ClipGrad.clipGradNorm(model.parameters(), gradientClip > 0 ? gradientClip : Double.POSITIVE_INFINITY);
        if (!Float.isFinite(loss) || !Double.isFinite(gradNorm)) {
            throw new TrainingDivergedException(step + 1, String.format(Locale.ROOT, "step %d: the training loss is %s and the gradient norm %s",
                    step + 1, loss, gradNorm));
        }
        Optimizer<?, ?> optimizer = optimization.optimizer();
        double lr = optimizer.paramGroups().getFirst().lr();
        optimizer.step();
        if (optimization.scheduler() != null) optimization.scheduler().step();
        return new StepOutcome(loss, gradNorm, lr, units, metrics);
    }
}
