package dev.jgrad.inference;

import dev.jgrad.models.CharLSTM;

/**
 * How {@link CharLanguageModel#sample} draws its characters; start from {@link #defaults()} and change what you need:
 * <pre>{@code SampleOptions.defaults().withLength(200).withTemperature(0.8).withTopK(10).withSeed(1)}</pre>
 *
 * @param length      characters to generate, {@code >= 0}
 * @param temperature below 1 sharper, above 1 more random; 0 always takes the most likely character
 * @param topK        draw only among the k most likely characters; 0 means all, 1 is greedy
 * @param seed        the random generator's seed, so that a call repeats exactly; null draws a new seed at each call
 */
public record SampleOptions(int length, double temperature, int topK, Long seed) implements java.io.Serializable {

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException if the length or top k is negative, or the temperature is negative or not finite
     */
    public SampleOptions {
        if (length < 0) throw new IllegalArgumentException("sample: the length must be >= 0, got " + length);
        new CharLSTM.Sampling(temperature, topK); // checks temperature and top-k, with its messages
    }

    /**
     * 500 characters at temperature 0.8 from all characters, with a new seed at each call (what {@code jgrad sample} does).
     *
     * @return the default options
     */
    public static SampleOptions defaults() {
        return new SampleOptions(500, 0.8, 0, null);
    }

    /**
     * Always the most likely character (temperature 0); no randomness, so no seed.
     *
     * @return greedy options, 500 characters long
     */
    public static SampleOptions greedy() {
        return defaults().withTemperature(0);
    }

    /**
     * These options with another number of characters to generate.
     *
     * @param length characters to generate, {@code >= 0}
     * @return new options
     */
    public SampleOptions withLength(int length) {
        return new SampleOptions(length, temperature, topK, seed);
    }

    /**
     * These options with another temperature (0: always the most likely character).
     *
     * @param temperature the divisor of the logits, {@code >= 0}: below 1 sharper, above 1 more random
     * @return new options
     */
    public SampleOptions withTemperature(double temperature) {
        return new SampleOptions(length, temperature, topK, seed);
    }

    /**
     * These options drawing among the {@code topK} most likely characters only (0: all).
     *
     * @param topK how many of the most likely characters to draw from, {@code >= 0}
     * @return new options
     */
    public SampleOptions withTopK(int topK) {
        return new SampleOptions(length, temperature, topK, seed);
    }

    /**
     * These options with a fixed seed: the same call then always gives the same text.
     *
     * @param seed the random generator's seed
     * @return new options
     */
    public SampleOptions withSeed(long seed) {
        return new SampleOptions(length, temperature, topK, seed);
    }

    /**
     * A new seed at each call (from the clock): samples differ from call to call.
     *
     * @return new options without a seed
     */
    public SampleOptions withRandomSeed() {
        return new SampleOptions(length, temperature, topK, null);
    }

    /** The temperature and top-k as the models' generate methods take them. */
    CharLSTM.Sampling sampling() {
        return new CharLSTM.Sampling(temperature, topK);
    }
}
