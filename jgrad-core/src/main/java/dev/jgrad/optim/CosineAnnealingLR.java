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

    public CosineAnnealingLR(Optimizer<?, ?> optimizer, int tMax, double etaMin) {
        if (tMax < 1) throw new IllegalArgumentException("CosineAnnealingLR: tMax must be at least 1, got " + tMax);
        if (!(etaMin >= 0)) throw new IllegalArgumentException("CosineAnnealingLR: etaMin must be >= 0, got " + etaMin);
        this.tMax = tMax;
        this.etaMin = etaMin;
        super(optimizer);
    }

    public CosineAnnealingLR(Optimizer<?, ?> optimizer, int tMax) {
        this(optimizer, tMax, 0);
    }

    @Override
    protected double lrAt(int group, double baseLr, int epoch) {
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
}
