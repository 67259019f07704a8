package dev.jgrad.train;

import java.util.Arrays;

/**
 * The training loss of every step of a run, and the one smoothing rule every progress display and plot uses: a
 * bias-corrected exponential moving average with {@link #BETA} 0.98 (as Adam corrects its moments), so the first
 * smoothed values are averages of the few losses there are rather than pulled towards zero.
 */
public final class LossHistory {
    /** Weight of the past in the moving average: about the last 50 steps count. */
    public static final double BETA = 0.98;

    private float[] losses = new float[64];
    private int size;
    private double ema, weight;

    /** An empty history, for the losses of a new run. */
    public LossHistory() {}

    /**
     * Appends the loss of the next step.
     *
     * @param loss the step's training loss (the scalar the step minimised)
     */
    public void add(float loss) {
        if (size == losses.length) losses = Arrays.copyOf(losses, size * 2);
        losses[size++] = loss;
        ema = BETA * ema + (1 - BETA) * loss;
        weight = BETA * weight + (1 - BETA);
    }

    /**
     * Steps recorded.
     *
     * @return how many losses were added
     */
    public int size() {
        return size;
    }

    /**
     * The loss of step {@code i} (counting from 0).
     *
     * @param i the step's index, in {@code [0, size())}
     * @return that step's loss
     * @throws IndexOutOfBoundsException if {@code i} is outside {@code [0, size())}
     */
    public float get(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("LossHistory: step " + i + " of " + size);
        return losses[i];
    }

    /**
     * All losses, one per step.
     *
     * @return a copy of the losses, oldest first, of length {@link #size()}
     */
    public float[] toArray() {
        return Arrays.copyOf(losses, size);
    }

    /**
     * The smoothed loss after the last step; NaN before any.
     *
     * @return the bias-corrected moving average of all losses so far
     */
    public double smoothed() {
        return size == 0 ? Double.NaN : ema / weight;
    }

    /**
     * The smoothed loss after every step, what a plot draws.
     *
     * @return a new array of length {@link #size()}: entry {@code i} is {@link #smoothed()} as it was after step {@code i}
     */
    public double[] smoothedAll() {
        double[] out = new double[size];
        double e = 0, w = 0;
        for (int i = 0; i < size; i++) {
            e = BETA * e + (1 - BETA) * losses[i];
            w = BETA * w + (1 - BETA);
            out[i] = e / w;
        }
        return out;
    }

    /**
     * The mean of the last {@code k} losses (fewer if there are fewer); NaN when empty.
     *
     * @param k how many of the most recent losses to average
     * @return their plain (unsmoothed) mean
     */
    public double tailMean(int k) {
        int n = Math.min(k, size);
        double s = 0;
        for (int i = size - n; i < size; i++) s += losses[i];
        return n == 0 ? Double.NaN : s / n;
    }
}
