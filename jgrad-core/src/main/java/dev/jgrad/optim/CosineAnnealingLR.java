package dev.jgrad.optim;

/**
 * Anneals the learning rate from its base to {@code etaMin} along half a cosine over {@code tMax} steps,
 * in closed form: etaMin + (base - etaMin) * (1 + cos(pi * epoch / tMax)) / 2 (torch's
 * CosineAnnealingLR without restarts). Past tMax the cosine continues, rising again, as PyTorch's
 * closed form does; stop stepping, or pick tMax as the total number of steps.
 */
public class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    /**
     * As torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max, eta_min).
     *
     * @param optimizer the optimiser to schedule
     * @param tMax      the number of steps of the half cosine, usually the total number of steps; at least 1
     * @param etaMin    the learning rate reached at step tMax, {@code >= 0}
     * @throws IllegalArgumentException if {@code tMax} is below 1 or {@code etaMin} negative or NaN
     */
    public CosineAnnealingLR(Optimizer<?, ?> optimizer, int tMax, double etaMin) {
        if (tMax < 1) throw new IllegalArgumentException("CosineAnnealingLR: tMax must be at least 1, got " + tMax);
        if (!(etaMin >= 0)) throw new IllegalArgumentException("CosineAnnealingLR: etaMin must be >= 0, got " + etaMin);
        this.tMax = tMax;
        this.etaMin = etaMin;
        super(optimizer);
    }

    /**
     * Anneals to 0 (PyTorch's default eta_min).
     *
     * @param optimizer the optimiser to schedule
     * @param tMax      the number of steps of the half cosine, at least 1
     * @throws IllegalArgumentException if {@code tMax} is below 1
     */
    public CosineAnnealingLR(Optimizer<?, ?> optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    @Override
    protected double lrAt(int group, double baseLr, int epoch) {
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
}
