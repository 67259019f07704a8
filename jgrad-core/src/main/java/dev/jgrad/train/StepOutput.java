package dev.jgrad.train;

import dev.jgrad.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one {@link TrainingTask#trainingStep} produced.
 *
 * @param loss    the scalar to minimise, still attached to its graph
 * @param units   what the step processed (tokens, images, sentences), for throughput
 * @param metrics more per-step numbers to show (a training accuracy, say), by name; may be empty
 */
public record StepOutput(Tensor loss, long units, Map<String, Double> metrics) {
    /**
     * Checks the loss and copies {@code metrics} (null meaning none) into an unmodifiable map.
     *
     * @throws IllegalArgumentException if {@code loss} is null or not a single number
     */
    public StepOutput {
        if (loss == null) throw new IllegalArgumentException("StepOutput: loss must not be null");
        if (loss.numel() != 1) throw new IllegalArgumentException("StepOutput: the loss must be a scalar, got shape " + java.util.Arrays.toString(loss.shape()));
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics == null ? Map.of() : metrics));
    }

    /**
     * A loss and the units it covered, without further metrics.
     *
     * @param loss  the step's scalar loss, attached to its graph
     * @param units what the step processed (tokens, images, sentences)
     * @return the step's output with no metrics
     */
    public static StepOutput of(Tensor loss, long units) {
        return new StepOutput(loss, units, Map.of());
    }
}
