package dev.jgrad.tensor;

import java.util.SplittableRandom;

/**
 * A seeded source of random numbers, as torch.Generator. Every random op takes one explicitly or uses
 * the default, which {@link #manualSeed} resets, so that a seeded run is reproducible.
 */
public final class Generator {
    private static Generator defaultGenerator = new Generator(0x5eed);

    private SplittableRandom random;
    private double spareNormal;
    private boolean hasSpare;

    public Generator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** torch.manual_seed: reseeds the default generator. */
    public static synchronized void manualSeed(long seed) {
        defaultGenerator = new Generator(seed);
    }

    public static synchronized Generator defaultGenerator() {
        return defaultGenerator;
    }

    public void seed(long seed) {
        random = new SplittableRandom(seed);
        hasSpare = false;
    }

    /** Uniform in [0, 1). */
    public float nextFloat() {
        return (random.nextInt() >>> 8) * 0x1.0p-24f;
    }

    public double nextDouble() {
        return random.nextDouble();
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Standard normal (Marsaglia's polar method; the second value is kept for the next call). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareNormal;
        }
        double u, v, s;
        do {
            u = random.nextDouble() * 2 - 1;
            v = random.nextDouble() * 2 - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spareNormal = v * m;
        hasSpare = true;
        return u * m;
    }
}
