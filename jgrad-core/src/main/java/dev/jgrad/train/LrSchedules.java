package dev.jgrad.train;

import java.util.function.IntToDoubleFunction;

/**
 * Learning-rate factors for {@link dev.jgrad.optim.LambdaLR}, as functions of the steps done, so that a resumed run
 * continues its schedule exactly.
 */
public final class LrSchedules {
    private LrSchedules() {}

    /**
     * Always 1: the optimizer's own learning rate.
     *
     * @return a factor function that ignores the steps done
     */
    public static IntToDoubleFunction constant() {
        return done -> 1.0;
    }

    /**
     * A linear warm-up over {@code warmupSteps} (the factor reaching 1 at the last warm-up step), then a cosine decay to
     * {@code minRatio} at {@code totalSteps} (nanoGPT's). The warm-up is shortened to leave at least one step of decay.
     *
     * @param warmupSteps steps of linear warm-up from {@code 1/warmupSteps} to 1; 0 for none
     * @param totalSteps  the run's length in steps, where the decay ends
     * @param minRatio    the final factor, in [0, 1] (0.1 decays to a tenth of the base learning rate)
     * @return the factor as a function of the steps done, for {@link dev.jgrad.optim.LambdaLR}
     * @throws IllegalArgumentException if {@code warmupSteps} is negative or {@code minRatio} is outside [0, 1]
     */
    public static IntToDoubleFunction warmupCosine(int warmupSteps, long totalSteps, double minRatio) {
        if (warmupSteps < 0) throw new IllegalArgumentException("warmupCosine: warmupSteps must be >= 0, got " + warmupSteps);
        if (!(minRatio >= 0 && minRatio <= 1)) throw new IllegalArgumentException("warmupCosine: minRatio must be in [0, 1], got " + minRatio);
        int w = (int) Math.min(warmupSteps, Math.max(0, totalSteps - 1));
        return done -> {
            if (done < w) return (done + 1.0) / w;
            double progress = Math.min(1.0, (done - w) / (double) Math.max(1, totalSteps - w));
            return minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }
}
