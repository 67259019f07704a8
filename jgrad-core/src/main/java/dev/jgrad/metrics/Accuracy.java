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

    /** Adds a batch of logits [B, C] (the prediction is the argmax) with targets [B]; returns the batch's correct count. */
    public int update(Tensor logits, IntTensor targets) {
        if (logits.dim() != 2 || targets.dim() != 1 || logits.size(0) != targets.size(0)) {
            throw new IllegalArgumentException("accuracy: expected logits [batch, classes] and targets [batch], got "
                    + Shape.str(logits.shape()) + " and " + Shape.str(targets.shape()));
        }
        return update(argmax(logits), targets.data());
    }

    /** Adds predicted and true classes, element by element; returns how many agree. */
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

    public long correct() {
        return correct;
    }

    public long total() {
        return total;
    }

    /** Fraction correct so far; NaN before any example. */
    public double value() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    public void reset() {
        correct = 0;
        total = 0;
    }

    /** Row-wise argmax of [B, C] scores; the first maximum wins ties, as torch.argmax. */
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
