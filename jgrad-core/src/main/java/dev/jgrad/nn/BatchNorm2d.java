package dev.jgrad.nn;

import dev.jgrad.ops.BatchNormOp;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Locale;

/**
 * Batch normalisation over [N, C, H, W] inputs, per channel (torch.nn.BatchNorm2d).
 *
 * <p>State, with PyTorch's names so that checkpoints load as they are: parameters {@code weight} (ones)
 * and {@code bias} (zeros) [C] when affine; buffers {@code running_mean} (zeros), {@code running_var}
 * (ones) [C] and {@code num_batches_tracked} (a 0-d count, stored as float: jgrad tensors are float32;
 * exact up to 2^24 batches) when trackRunningStats, in that order in stateDict().
 *
 * <p>In training mode the output is normalised with the batch's mean and biased variance, and (with
 * trackRunningStats) the running statistics move towards the batch's: running = (1 - momentum) * running +
 * momentum * batch, with the unbiased variance for running_var; num_batches_tracked counts the batches.
 * A null momentum gives the cumulative average (momentum 1 / num_batches_tracked), as PyTorch's None.
 * In eval mode the running statistics are used, unless trackRunningStats is off, in which case batch
 * statistics are always used. The computation is {@link BatchNormOp#batchNorm}.
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class BatchNorm2d extends Module implements UnaryModule {
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
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /**
     * momentum may be null for a cumulative moving average.
     * As {@code nn.BatchNorm2d(num_features, eps, momentum, affine, track_running_stats)}.
     *
     * @param numFeatures the channel count C, at least 1
     * @param eps added to the variance before the square root, non-negative (PyTorch's default 1e-5)
     * @param momentum the running statistics' update factor in [0, 1] (default 0.1), or null
     * @param affine whether to learn a per-channel weight (ones) and bias (zeros)
     * @param trackRunningStats whether to keep running statistics for evaluation
     * @throws IllegalArgumentException when a value is out of range
     */
    public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures < 1) throw new IllegalArgumentException("BatchNorm2d: num_features must be positive, got " + numFeatures);
        if (!(eps >= 0)) throw new IllegalArgumentException("BatchNorm2d: eps must be non-negative, got " + eps);
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm2d: momentum must be in [0, 1] (or null for a cumulative average), got " + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        if (affine) {
            registerParameter("weight", new Parameter(Tensor.ones(numFeatures)));
            registerParameter("bias", new Parameter(Tensor.zeros(numFeatures)));
        } else {
            registerParameter("weight", null);
            registerParameter("bias", null);
        }
        if (trackRunningStats) {
            registerBuffer("running_mean", Tensor.zeros(numFeatures));
            registerBuffer("running_var", Tensor.ones(numFeatures));
            registerBuffer("num_batches_tracked", Tensor.scalar(0f));
        } else {
            registerBuffer("running_mean", null);
            registerBuffer("running_var", null);
            registerBuffer("num_batches_tracked", null);
        }
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

    /**
     * The term added to the variance.
     *
     * @return eps
     */
    public double eps() {
        return eps;
    }

    /**
     * null means a cumulative moving average.
     * The running statistics' update factor.
     *
     * @return momentum, or null
     */
    public Double momentum() {
        return momentum;
    }

    @Override
    public Tensor forward(Tensor x) {
        return apply(x, false, null);
    }

    /**
     * relu(forward(x)) as one op ({@link BatchNormOp#batchNormRelu}): a residual network's conv-BN-ReLU.
     *
     * @param x the input [N, C, H, W]
     * @return the activated output, x's shape
     * @throws IllegalArgumentException when x is not [N, C, H, W] with C = numFeatures, or has one value per channel in training
     */
    public Tensor forwardRelu(Tensor x) {
        return apply(x, true, null);
    }

    /**
     * relu(forward(x) + residual) as one op, residual of x's shape: where a residual block meets its shortcut.
     *
     * @param x the input [N, C, H, W]
     * @param residual the shortcut, of x's shape, not null
     * @return the activated output, x's shape
     * @throws IllegalArgumentException when residual is null or a shape does not fit
     */
    public Tensor forwardAddRelu(Tensor x, Tensor residual) {
        if (residual == null) throw new IllegalArgumentException("BatchNorm2d.forwardAddRelu: the residual is null");
        return apply(x, true, residual);
    }

    private Tensor apply(Tensor x, boolean relu, Tensor residual) {
        if (x.dim() != 4) {
            throw new IllegalArgumentException("BatchNorm2d: expected 4D input [N, C, H, W] (got " + x.dim() + "D input of shape "
                    + Shape.str(x.shape()) + ")");
        }
        if (x.size(1) != numFeatures) {
            throw new IllegalArgumentException("BatchNorm2d: expected input with " + numFeatures + " channels (num_features), but got input of shape "
                    + Shape.str(x.shape()) + " with " + x.size(1) + " channels");
        }
        boolean training = isTraining();
        if (training && x.size(0) * x.size(2) * x.size(3) <= 1) { // before counting the batch
            throw new IllegalArgumentException("BatchNorm2d: expected more than 1 value per channel when training, got input size "
                    + Shape.str(x.shape()));
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
        if (relu) {
            return BatchNormOp.batchNormRelu(x, residual, passRunning ? runningMean() : null, passRunning ? runningVar() : null,
                    weight(), bias(), useBatchStats, factor, eps);
        }
        return BatchNormOp.batchNorm(x, passRunning ? runningMean() : null, passRunning ? runningVar() : null,
                weight(), bias(), useBatchStats, factor, eps);
    }

    @Override
    protected String extraRepr() {
        return String.format(Locale.ROOT, "%d, eps=%s, momentum=%s, affine=%s, track_running_stats=%s", numFeatures, pyFloat(eps),
                momentum == null ? "None" : pyFloat(momentum), affine ? "True" : "False", trackRunningStats ? "True" : "False");
    }

    /** Python's repr of a float: 1e-05, 0.1. */
    private static String pyFloat(double v) {
        if (v != 0 && Math.abs(v) < 1e-4) {
            return String.format(Locale.ROOT, "%.15e", v).replaceAll("0+e", "e").replace(".e", "e");
        }
        String s = java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }
}
