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
    public StepOutput {
        if (loss == null) throw new IllegalArgumentException("StepOutput: loss must not be null");
        if (loss.numel() != 1) throw new IllegalArgumentException("StepOutput: the loss must be a scalar, got shape " + java.util.Arrays.toString(loss.shape()));
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics == null ? Map.of() : metrics));
    }

    /** A loss and the units it covered, without further metrics. */
    public static StepOutput of(Tensor loss, long units) {
        return new StepOutput(loss, units, Map.of());
    }
}
