package dev.jgrad.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One evaluation of a run.
 *
 * @param step    steps done when it was made
 * @param epochs  epochs done then, fractional inside an epoch
 * @param metrics the validation metrics by name, in the task's order
 * @param best    whether the monitored metric is the best so far (false when nothing is monitored)
 * @param seconds how long the evaluation took (0 for evaluations restored from a checkpoint)
 */
public record Evaluation(long step, double epochs, Map<String, Double> metrics, boolean best, double seconds) {
    /** Copies {@code metrics} into an unmodifiable map that keeps the task's order. */
    public Evaluation {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * The metric {@code name}; fails, naming the metrics there are, if it was not measured.
     *
     * @param name a metric name as the task's {@link TrainingTask#validate()} returned it, e.g. {@code "loss"}
     * @return the metric's value
     * @throws IllegalArgumentException if this evaluation has no metric of that name
     */
    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) throw new IllegalArgumentException("Evaluation: no metric '" + name + "' (there are " + metrics.keySet() + ")");
        return v;
    }
}
