package dev.jgrad.inference;

import dev.jgrad.metrics.Accuracy;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A classifier's answer for one input: the predicted class (the highest score, ties to the lower index), its name,
 * and the probability of every class (the softmax of the scores).
 *
 * @param label         the predicted class index
 * @param name          the class's name (a text classifier's classes are named by their index: "0", "1", ...)
 * @param probabilities one per class, summing to 1; the array is the caller's (a copy)
 */
public record Prediction(int label, String name, float[] probabilities) {

    /**
     * Checks the label and copies the probabilities.
     *
     * @throws IllegalArgumentException if {@code label} is not an index of {@code probabilities}
     */
    public Prediction {
        if (label < 0 || label >= probabilities.length) {
            throw new IllegalArgumentException("Prediction: label " + label + " is not one of the " + probabilities.length + " classes");
        }
        probabilities = probabilities.clone();
    }

    /** One prediction per row of class scores [B, classes]: argmax of the scores, softmax for the probabilities. */
    static List<Prediction> fromScores(Tensor scores, List<String> names) {
        int[] labels = Accuracy.argmax(scores);
        int classes = scores.size(1);
        float[] p = scores.softmax(1).contiguous().toArray();
        List<Prediction> out = new ArrayList<>(labels.length);
        for (int b = 0; b < labels.length; b++) {
            out.add(new Prediction(labels[b], names.get(labels[b]), Arrays.copyOfRange(p, b * classes, (b + 1) * classes)));
        }
        return out;
    }

    /**
     * The probability of the predicted class.
     *
     * @return {@code probabilities()[label()]}, in [0, 1]
     */
    public float probability() {
        return probabilities[label];
    }

    /**
     * The probability of every class.
     *
     * @return a copy, one per class, summing to 1
     */
    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }

    /** Same label, name and probabilities, bit for bit. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p && p.label == label && p.name.equals(name) && Arrays.equals(p.probabilities, probabilities);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * label + name.hashCode()) + Arrays.hashCode(probabilities);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Prediction(%s, p=%.4f)", name, probability());
    }
}
