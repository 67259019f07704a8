package dev.jgrad.optim;

/**
 * The schedule of "Attention Is All You Need" (section 5.3): linear warmup, then decay with the inverse
 * square root of the step,
 * <pre>
 * rate(k) = factor * dModel^-0.5 * min(k^-0.5, k * warmupSteps^-1.5)
 * </pre>
 * for the k-th optimizer step, k counted from 1. It peaks at k = warmupSteps with
 * factor * (dModel * warmupSteps)^-0.5 (7.0e-4 for dModel 512, warmup 4000).
 *
 * <p>The paper uses rate(k) as the learning rate itself: build the optimizer with lr 1.0 (the paper's Adam
 * has betas 0.9, 0.98 and eps 1e-9), and the group's lr is exactly rate(k). Any other base rate scales
 * the schedule (lr = base * rate(k)), i.e. this is LambdaLR with factor e -> rate(e + 1). {@code factor}
 * is the Annotated Transformer's scale (default 1); that code evaluates rate(max(e, 1)), which repeats
 * rate(1) for the first two steps, where this evaluates rate(e + 1) and never does.
 */
public class TransformerLR extends LRScheduler {
    private final int dModel;
    private final int warmupSteps;
    private final double factor;

    /**
     * The schedule for a model of width {@code dModel}.
     *
     * @param optimizer   the optimiser to schedule, built with lr 1.0 to follow the paper exactly
     * @param dModel      the model's embedding size (512 in the paper's base model), at least 1
     * @param warmupSteps the step at which the rate peaks (4000 in the paper), at least 1
     * @param factor      a positive multiplier of the whole schedule (the Annotated Transformer's {@code factor})
     * @throws IllegalArgumentException if a size is below 1 or {@code factor} is not positive and finite
     */
    public TransformerLR(Optimizer<?, ?> optimizer, int dModel, int warmupSteps, double factor) {
        if (dModel < 1) throw new IllegalArgumentException("TransformerLR: dModel must be at least 1, got " + dModel);
        if (warmupSteps < 1) throw new IllegalArgumentException("TransformerLR: warmupSteps must be at least 1, got " + warmupSteps);
        if (!(factor > 0) || Double.isInfinite(factor)) throw new IllegalArgumentException("TransformerLR: factor must be positive and finite, got " + factor);
        this.dModel = dModel;
        this.warmupSteps = warmupSteps;
        this.factor = factor;
        super(optimizer);
    }

    /**
     * The paper's schedule, with factor 1.
     *
     * @param optimizer   the optimiser to schedule, built with lr 1.0 to follow the paper exactly
     * @param dModel      the model's embedding size, at least 1
     * @param warmupSteps the step at which the rate peaks, at least 1
     * @throws IllegalArgumentException if a size is below 1
     */
    public TransformerLR(Optimizer<?, ?> optimizer, int dModel, int warmupSteps) {
        this(optimizer, dModel, warmupSteps, 1.0);
    }

    /**
     * rate(step) for optimizer step {@code step} {@code >= 1}.
     *
     * @param step        the optimizer step, from 1
     * @param dModel      the model's embedding size
     * @param warmupSteps the step at which the rate peaks
     * @param factor      the multiplier of the whole schedule
     * @return the learning rate factor of that step
     * @throws IllegalArgumentException if {@code step} is below 1
     */
    public static double rate(long step, int dModel, int warmupSteps, double factor) {
        if (step < 1) throw new IllegalArgumentException("TransformerLR.rate: steps count from 1, got " + step);
        return factor * Math.pow(dModel, -0.5) * Math.min(Math.pow(step, -0.5), step * Math.pow(warmupSteps, -1.5));
    }

    @Override
    protected double lrAt(int group, double baseLr, int epoch) {
        return baseLr * rate(epoch + 1L, dModel, warmupSteps, factor);
    }
}
