package dev.jgrad.nn;

/**
 * Options of cross-entropy and NLL losses, with PyTorch's defaults: reduction MEAN, ignoreIndex -100
 * (targets equal to it contribute nothing, not even to the mean's denominator), labelSmoothing 0.
 */
public record LossOptions(Reduction reduction, int ignoreIndex, double labelSmoothing) {
    public static final int DEFAULT_IGNORE_INDEX = -100;

    public LossOptions {
        if (reduction == null) throw new IllegalArgumentException("LossOptions: reduction must not be null");
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("LossOptions: labelSmoothing must be between 0.0 and 1.0, got " + labelSmoothing);
        }
    }

    public static LossOptions defaults() {
        return new LossOptions(Reduction.MEAN, DEFAULT_IGNORE_INDEX, 0.0);
    }

    public LossOptions withReduction(Reduction r) {
        return new LossOptions(r, ignoreIndex, labelSmoothing);
    }

    public LossOptions withIgnoreIndex(int index) {
        return new LossOptions(reduction, index, labelSmoothing);
    }

    public LossOptions withLabelSmoothing(double smoothing) {
        return new LossOptions(reduction, ignoreIndex, smoothing);
    }
}
