package dev.jgrad.optim;

/** Decays the learning rate by {@code gamma} every {@code stepSize} steps: base * gamma^floor(epoch / stepSize) (torch's StepLR). */
public class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    /**
     * As torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma).
     *
     * @param optimizer the optimiser to schedule
     * @param stepSize  the number of steps between decays, at least 1
     * @param gamma     the factor applied at each decay, e.g. 0.1
     * @throws IllegalArgumentException if {@code stepSize} is below 1 or {@code gamma} is not finite
     */
    public StepLR(Optimizer<?, ?> optimizer, int stepSize, double gamma) {
        if (stepSize < 1) throw new IllegalArgumentException("StepLR: stepSize must be at least 1, got " + stepSize);
        if (!Double.isFinite(gamma)) throw new IllegalArgumentException("StepLR: gamma must be finite, got " + gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        super(optimizer);
    }

    /**
     * gamma 0.1, as PyTorch's default.
     *
     * @param optimizer the optimiser to schedule
     * @param stepSize  the number of steps between decays, at least 1
     * @throws IllegalArgumentException if {@code stepSize} is below 1
     */
    public StepLR(Optimizer<?, ?> optimizer, int stepSize) {
        this(optimizer, stepSize, 0.1);
    }

    @Override
    protected double lrAt(int group, double baseLr, int epoch) {
        return baseLr * Math.pow(gamma, epoch / stepSize);
    }
}
