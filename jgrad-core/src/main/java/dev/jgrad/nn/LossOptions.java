package dev.jgrad.nn;

/**
 * Options of cross-entropy and NLL losses, with PyTorch's defaults: reduction MEAN, ignoreIndex -100
 * (targets equal to it contribute nothing, not even to the mean's denominator), labelSmoothing 0.
 *
 * @param reduction how the per-target losses are combined, not null
 * @param ignoreIndex a target value that contributes neither loss nor gradient
 * @param labelSmoothing the share s of the target's probability spread uniformly over all classes, in [0, 1]
 */
public record LossOptions(Reduction reduction, int ignoreIndex, double labelSmoothing) {
    /** PyTorch's default ignore_index, -100: never a class index, so nothing is ignored by default. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    /**
     * Validates the options.
     *
     * @param reduction how the per-target losses are combined, not null
     * @param ignoreIndex a target value that contributes neither loss nor gradient
     * @param labelSmoothing the label smoothing, in [0, 1]
     * @throws IllegalArgumentException when reduction is null or labelSmoothing is outside [0, 1]
     */
    public LossOptions {
        if (reduction == null) throw new IllegalArgumentException("LossOptions: reduction must not be null");
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("LossOptions: labelSmoothing must be between 0.0 and 1.0, got " + labelSmoothing);
        }
    }

    /**
     * PyTorch's defaults: MEAN, ignore index -100, no label smoothing.
     *
     * @return the default options
     */
    public static LossOptions defaults() {
        return new LossOptions(Reduction.MEAN, DEFAULT_IGNORE_INDEX, 0.0);
    }

    /**
     * A copy with another reduction.
     *
     * @param r the reduction, not null
     * @return the new options
     */
    public LossOptions withReduction(Reduction r) {
        return new LossOptions(r, ignoreIndex, labelSmoothing);
    }

    /**
     * A copy with another ignore index.
     *
     * @param index the target value to ignore
     * @return the new options
     */
    public LossOptions withIgnoreIndex(int index) {
        return new LossOptions(reduction, index, labelSmoothing);
    }

    /**
     * A copy with another label smoothing (0.1 is common for translation).
     *
     * @param smoothing the label smoothing, in [0, 1]
     * @return the new options
     */
    public LossOptions withLabelSmoothing(double smoothing) {
        return new LossOptions(reduction, ignoreIndex, smoothing);
    }
}
