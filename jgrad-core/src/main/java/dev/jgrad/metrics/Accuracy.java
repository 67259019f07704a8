package dev.jgrad.metrics;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * Running classification accuracy (as torchmetrics' Accuracy): feed it batches of logits, or predictions,
 * and their targets; read the fraction correct so far.
 */
public final class Accuracy {
    private long correct;
    private long total;

    /** An empty accumulator: no example seen yet, so {@link #value()} is NaN. */
    public Accuracy() {}

    /**
     * Adds a batch of logits [B, C] (the prediction is the argmax) with targets [B]; returns the batch's correct count.
     *
     * @param logits  scores of shape [batch, classes] (logits or probabilities: only the argmax matters)
     * @param targets true class indices of shape [batch], each in [0, classes)
     * @return the number of rows whose argmax equals the target
     * @throws IllegalArgumentException if the shapes do not match [B, C] and [B]
     */
    public int update(Tensor logits, IntTensor targets) {
        if (logits.dim() != 2 || targets.dim() != 1 || logits.size(0) != targets.size(0)) {
            throw new IllegalArgumentException("accuracy: expected logits [batch, classes] and targets [batch], got "
                    + Shape.str(logits.shape()) + " and " + Shape.str(targets.shape()));
        }
        return update(argmax(logits), targets.data());
    }

    /**
     * Adds predicted and true classes, element by element; returns how many agree.
     *
     * @param predictions predicted class per example
     * @param targets     true class per example, as many as predictions
     * @return the number of equal pairs
     * @throws IllegalArgumentException if the lengths differ
     */
    public int update(int[] predictions, int[] targets) {
        if (predictions.length != targets.length) {
            throw new IllegalArgumentException("accuracy: " + predictions.length + " predictions but " + targets.length + " targets");
        }
        int c = 0;
        for (int i = 0; i < targets.length; i++) if (predictions[i] == targets[i]) c++;
        correct += c;
        total += targets.length;
        return c;
    }

    /**
     * The number of correct predictions so far.
     *
     * @return the count since construction or the last {@link #reset()}
     */
    public long correct() {
        return correct;
    }

    /**
     * The number of examples so far.
     *
     * @return the count since construction or the last {@link #reset()}
     */
    public long total() {
        return total;
    }

    /**
     * Fraction correct so far; NaN before any example.
     *
     * @return correct / total, in [0, 1]
     */
    public double value() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** Forgets every example, e.g. at the start of an epoch (torchmetrics' reset()). */
    public void reset() {
        correct = 0;
        total = 0;
    }

    /**
     * Row-wise argmax of [B, C] scores; the first maximum wins ties, as torch.argmax.
     *
     * @param scores a 2-D tensor of shape [batch, classes]
     * @return the index of each row's largest value, one per row
     */
    public static int[] argmax(Tensor scores) {
        int B = scores.size(0), C = scores.size(1);
        float[] v = scores.contiguous().toArray();
        int[] out = new int[B];
        for (int b = 0; b < B; b++) {
            int best = 0;
            for (int c = 1; c < C; c++) if (v[b * C + c] > v[b * C + best]) best = c;
            out[b] = best;
        }
        return out;
    }
}
