package dev.jgrad.train;

import java.util.Map;

/**
 * One finished training step, as listeners see it.
 *
 * @param step     steps done, this one included (so the first step is 1)
 * @param loss     this step's training loss
 * @param smoothed the smoothed training loss ({@link LossHistory#smoothed()})
 * @param gradNorm the gradients' global 2-norm before clipping
 * @param lr       the learning rate this step used (of the first parameter group)
 * @param units    what the step processed (tokens, images...)
 * @param metrics  the task's further per-step metrics
 */
public record StepResult(long step, float loss, double smoothed, double gradNorm, double lr, long units, Map<String, Double> metrics) {}
