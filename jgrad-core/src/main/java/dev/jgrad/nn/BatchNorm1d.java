package dev.jgrad.nn;

import dev.jgrad.ops.BatchNormOp;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Locale;

/**
 * Batch normalisation over [N, C] or [N, C, L] inputs, per feature C (torch.nn.BatchNorm1d), as used in
 * SimCLR's projection head. Same state, names, defaults and semantics as {@link BatchNorm2d}: parameters
 * {@code weight}, {@code bias} [C] when affine; buffers {@code running_mean}, {@code running_var},
 * {@code num_batches_tracked} when trackRunningStats; batch statistics (biased variance for normalising,
 * unbiased for the running estimate) in training, running statistics in eval. The computation is
 * {@link BatchNormOp#batchNorm}.
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class BatchNorm1d extends Module implements UnaryModule {
    private final int numFeatures;
    private final double eps;
    private final Double momentum;
    private final boolean affine, trackRunningStats;

    /**
     * eps 1e-5, momentum 0.1, affine, tracking running statistics: PyTorch's defaults.
     *
     * @param numFeatures the channel count C, at least 1
     * @throws IllegalArgumentException when numFeatures is below 1
     */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /**
     * momentum may be null for a cumulative moving average.
     * As {@code nn.BatchNorm1d(num_features, eps, momentum, affine, track_running_stats)}.
     *
     * @param numFeatures the channel count C, at least 1
     * @param eps added to the variance before the square root, non-negative (PyTorch's default 1e-5)
     * @param momentum the running statistics' update factor in [0, 1] (default 0.1), or null
     * @param affine whether to learn a per-channel weight (ones) and bias (zeros)
     * @param trackRunningStats whether to keep running statistics for evaluation
     * @throws IllegalArgumentException when a value is out of range
     */
    public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures < 1) throw new IllegalArgumentException("BatchNorm1d: num_features must be positive, got " + numFeatures);
        if (!(eps >= 0)) throw new IllegalArgumentException("BatchNorm1d: eps must be non-negative, got " + eps);
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm1d: momentum must be in [0, 1] (or null for a cumulative average), got " + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        registerParameter("weight", affine ? new Parameter(Tensor.ones(numFeatures)) : null);
        registerParameter("bias", affine ? new Parameter(Tensor.zeros(numFeatures)) : null);
        registerBuffer("running_mean", trackRunningStats ? Tensor.zeros(numFeatures) : null);
        registerBuffer("running_var", trackRunningStats ? Tensor.ones(numFeatures) : null);
        registerBuffer("num_batches_tracked", trackRunningStats ? Tensor.scalar(0f) : null);
    }

    /**
     * [C] scale, or null without affine.
     *
     * @return the weight parameter, or null
     */
    public Parameter weight() {
        return ownParameter("weight");
    }

    /**
     * [C] shift, or null without affine.
     *
     * @return the bias parameter, or null
     */
    public Parameter bias() {
        return ownParameter("bias");
    }

    /**
     * [C], or null without trackRunningStats.
     *
     * @return the running mean buffer, or null
     */
    public Tensor runningMean() {
        return ownBuffer("running_mean");
    }

    /**
     * [C] (unbiased), or null without trackRunningStats.
     *
     * @return the running variance buffer, or null
     */
    public Tensor runningVar() {
        return ownBuffer("running_var");
    }

    /**
     * How many training batches updated the running statistics (0 without trackRunningStats).
     *
     * @return the count
     */
    public long numBatchesTracked() {
        Tensor t = ownBuffer("num_batches_tracked");
        return t == null ? 0 : (long) t.item();
    }

    /**
     * The channel count.
     *
     * @return num_features
     */
    public int numFeatures() {
        return numFeatures;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 2 && x.dim() != 3) {
            throw new IllegalArgumentException("BatchNorm1d: expected 2D or 3D input [N, C] or [N, C, L] (got " + x.dim() + "D input of shape "
                    + Shape.str(x.shape()) + ")");
        }
        if (x.size(1) != numFeatures) {
            throw new IllegalArgumentException("BatchNorm1d: expected input with " + numFeatures + " features (num_features), but got input of shape "
                    + Shape.str(x.shape()) + " with " + x.size(1));
        }
        boolean training = isTraining();
        int perFeature = x.size(0) * (x.dim() == 3 ? x.size(2) : 1);
        if (training && perFeature <= 1) {
            throw new IllegalArgumentException("BatchNorm1d: expected more than 1 value per channel when training, got input size " + Shape.str(x.shape()));
        }
        double factor = momentum == null ? 0.0 : momentum;
        Tensor count = ownBuffer("num_batches_tracked");
        if (training && trackRunningStats && count != null) {
            float[] d = count.storage();
            d[count.offset()] += 1f;
            if (momentum == null) factor = 1.0 / d[count.offset()];
        }
        boolean useBatchStats = training || runningMean() == null;
        boolean passRunning = !training || trackRunningStats;
        return BatchNormOp.batchNorm(x, passRunning ? runningMean() : null, passRunning ? runningVar() : null,
                weight(), bias(), useBatchStats, factor, eps);
    }

    @Override
    protected String extraRepr() {
        return String.format(Locale.ROOT, "%d, eps=%s, momentum=%s, affine=%s, track_running_stats=%s", numFeatures, pyFloat(eps),
                momentum == null ? "None" : pyFloat(momentum), affine ? "True" : "False", trackRunningStats ? "True" : "False");
    }

    private static String pyFloat(double v) {
        if (v != 0 && Math.abs(v) < 1e-4) {
            return String.format(Locale.ROOT, "%.15e", v).replaceAll("0+e", "e").replace(".e", "e");
        }
        String s = java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }
}
