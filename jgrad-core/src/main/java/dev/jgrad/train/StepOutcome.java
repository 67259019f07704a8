package dev.jgrad.train;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one optimizer step did, as a {@link TrainingStrategy} reports it to the {@link Trainer} (which adds the step
 * number and the smoothed loss to make the {@link StepResult} listeners see). Serializable, so that a step taken in
 * another process can report it.
 *
 * @param loss     the step's training loss (of the whole global batch)
 * @param gradNorm the gradients' global 2-norm before clipping
 * @param lr       the learning rate the step used (of the first parameter group)
 * @param units    what the step processed (tokens, images...)
 * @param metrics  the task's further per-step metrics, by name
 */
public record StepOutcome(float loss, double gradNorm, double lr, long units, Map<String, Double> metrics) implements Serializable {
    /** Copies the metrics (an absent map is an empty one). */
    public StepOutcome {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics == null ? Map.of() : metrics));
    }
}
