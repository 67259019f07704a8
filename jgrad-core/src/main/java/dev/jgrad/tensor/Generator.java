package dev.jgrad.tensor;

import dev.jgrad.kernels.Parallel;

/**
 * A seeded source of random numbers, as torch.Generator. Every random op takes one explicitly or uses
 * the default, which {@link #manualSeed} resets, so that a seeded run is reproducible. Its whole state is
 * two numbers ({@link #state()}), so a checkpoint can save it and a resumed run continues the same stream.
 *
 * <p>The algorithm is SplitMix64 (Steele, Lea and Flood, 2014), the generator behind java.util.SplittableRandom.
 */
public final class Generator {
    private static final long GAMMA = 0x9e3779b97f4a7c15L;
    private static Generator defaultGenerator = new Generator(0x5eed);

    private long seed;
    private double spareNormal;
    private boolean hasSpare;

    /**
     * A generator started from a seed, as {@code torch.Generator().manual_seed(seed)}: the same seed gives the
     * same stream.
     *
     * @param seed any value; it is mixed first, so nearby seeds give unrelated streams
     */
    public Generator(long seed) {
        seed(seed);
    }

    /**
     * torch.manual_seed: replaces the default generator with a fresh one from this seed. Generators already
     * handed out by {@link #defaultGenerator()} are unaffected.
     *
     * @param seed the seed of the new default generator
     */
    public static synchronized void manualSeed(long seed) {
        defaultGenerator = new Generator(seed);
    }

    /**
     * The generator random ops use when none is given (torch.default_generator); seeded with a fixed value
     * until {@link #manualSeed} is called, so even an unseeded program is reproducible.
     *
     * @return the current default generator
     */
    public static synchronized Generator defaultGenerator() {
        return defaultGenerator;
    }

    /**
     * Restarts this generator's stream from a seed, as {@code Generator.manual_seed}; a kept second Gaussian
     * is discarded.
     *
     * @param seed the new seed
     */
    public void seed(long seed) {
        this.seed = mix64(seed);
        hasSpare = false;
    }

    /**
     * The complete state: the counter, and the Gaussian kept from the last pair (NaN if none). As
     * {@code Generator.get_state}.
     *
     * @return a new two-element array: the counter, then the raw bits of the kept Gaussian (or of NaN if none)
     */
    public long[] state() {
        return new long[] {seed, hasSpare ? Double.doubleToRawLongBits(spareNormal) : Double.doubleToRawLongBits(Double.NaN)};
    }

    /**
     * Restores a state from {@link #state()}, as {@code Generator.set_state}: the stream continues exactly where
     * the saved one was.
     *
     * @param state the two numbers {@link #state()} returned
     * @throws IllegalArgumentException if {@code state} does not have exactly two values
     */
    public void setState(long[] state) {
        if (state.length != 2) throw new IllegalArgumentException("Generator state has 2 values, got " + state.length);
        seed = state[0];
        double spare = Double.longBitsToDouble(state[1]);
        hasSpare = !Double.isNaN(spare);
        spareNormal = hasSpare ? spare : 0;
    }

    /**
     * The next 64 random bits; every other draw is derived from these.
     *
     * @return a uniformly distributed long
     */
    public long nextLong() {
        return mix64(seed += GAMMA);
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * Uniform in [0, 1), 24 random bits (every float in the range a multiple of 2^-24, each equally likely).
     *
     * @return the next uniform float, at least 0 and below 1
     */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /**
     * Fills out[from, to) with exactly what that many {@link #nextFloat()} calls would return, in order, and
     * advances the generator past them. SplitMix64's k-th value depends only on the counter plus k steps, so
     * long runs (dropout masks) are split across cores without changing the stream.
     *
     * @param out  the array filled
     * @param from the first index written (inclusive)
     * @param to   the end of the range written (exclusive)
     * @throws IndexOutOfBoundsException if [from, to) is not a range inside {@code out}
     */
    public void nextFloats(float[] out, int from, int to) {
        java.util.Objects.checkFromToIndex(from, to, out.length);
        long base = seed;
        Parallel.forRange(to - from, FLOATS_GRAIN, (a, b) -> {
            for (int i = a; i < b; i++) out[from + i] = (mix64(base + GAMMA * (i + 1L)) >>> 40) * 0x1.0p-24f;
        });
        seed = base + GAMMA * (long) (to - from);
    }

    /**
     * Reserves the next n {@link #nextFloat()} draws and advances the generator past them; the returned
     * {@link FloatDraws} produces any part of them, on any thread, so an op can consume its draws chunk by chunk
     * without storing them all.
     *
     * @param n how many draws to reserve, 0 or more
     * @return the reserved draws
     * @throws IllegalArgumentException if n is negative
     */
    public FloatDraws reserveFloats(long n) {
        if (n < 0) throw new IllegalArgumentException("reserveFloats: n must be >= 0, got " + n);
        FloatDraws draws = new FloatDraws(seed, n);
        seed += GAMMA * n;
        return draws;
    }

    /**
     * n consecutive draws of one generator (see {@link #reserveFloats}).
     *
     * @param base  the generator's counter just before the first reserved draw
     * @param count how many draws are reserved
     */
    public record FloatDraws(long base, long count) {
        /**
         * Writes draws [first, first + len) to out[outOff, outOff + len): the values the generator's
         * {@link Generator#nextFloat()} would have returned for those draws. Safe to call from several threads at once.
         *
         * @param out    the array filled
         * @param outOff index in {@code out} of the first value written
         * @param first  index of the first draw, counted from the first reserved one
         * @param len    number of draws written
         * @throws IndexOutOfBoundsException if [first, first + len) is not inside [0, count)
         */
        public void fill(float[] out, int outOff, long first, int len) {
            if (first < 0 || len < 0 || first + len > count) {
                throw new IndexOutOfBoundsException("draws [" + first + ", " + (first + len) + ") of " + count);
            }
            long z = base + GAMMA * (first + 1);
            for (int i = 0; i < len; i++, z += GAMMA) out[outOff + i] = (mix64(z) >>> 40) * 0x1.0p-24f;
        }
    }

    /** Draws per thread below which {@link #nextFloats} stays on the calling thread. */
    private static final int FLOATS_GRAIN = 1 << 15;

    /**
     * Uniform in [0, 1), 53 random bits.
     *
     * @return the next uniform double, at least 0 and below 1
     */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Uniform in [0, bound), without modulo bias (draws that would favour small values are rejected and redrawn).
     *
     * @param bound the number of possible values, at least 1
     * @return the next integer, at least 0 and below {@code bound}
     * @throws IllegalArgumentException if bound is not positive
     */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        long limit = (1L << 32) - ((1L << 32) % bound);
        long r;
        do {
            r = nextLong() >>> 32;
        } while (r >= limit);
        return (int) (r % bound);
    }

    /**
     * Standard normal (Marsaglia's polar method; the second value is kept for the next call, and is part of
     * {@link #state()}).
     *
     * @return the next draw from N(0, 1)
     */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareNormal;
        }
        double u, v, s;
        do {
            u = nextDouble() * 2 - 1;
            v = nextDouble() * 2 - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spareNormal = v * m;
        hasSpare = true;
        return u * m;
    }
}
