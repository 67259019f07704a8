package dev.jgrad.inference;

import dev.jgrad.models.Translator.MaxLength;

/**
 * How {@link Translator} decodes; start from {@link #defaults()} (beam search) or {@link #greedy()}:
 * <pre>{@code TranslateOptions.defaults().withBeamSize(4).withLengthPenalty(1.0)}</pre>
 *
 * @param beamSize       hypotheses kept per sentence; 1 is greedy decoding
 * @param lengthPenalty  GNMT's alpha: finished hypotheses are ranked by log P / ((5 + length) / 6)^alpha; 0 ranks by
 *                       log P alone, which favours short outputs
 * @param maxLength      the longest output for a source of n tokens, {@code min(a n + b, the model's max_len)}
 * @param batchSentences sentences decoded together (sorted by length, so with little padding); it changes the speed,
 *                       and the results only by rounding
 */
public record TranslateOptions(int beamSize, double lengthPenalty, MaxLength maxLength, int batchSentences) implements java.io.Serializable {

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException if the beam size or batch is not positive, the length penalty is negative or
     *                                  not finite, or the maximum length is null
     */
    public TranslateOptions {
        if (beamSize < 1) throw new IllegalArgumentException("translate: the beam size must be at least 1, got " + beamSize);
        if (!(lengthPenalty >= 0) || Double.isInfinite(lengthPenalty)) {
            throw new IllegalArgumentException("translate: the length penalty must be a finite number >= 0, got " + lengthPenalty);
        }
        if (maxLength == null) throw new IllegalArgumentException("translate: the maximum length is null (MaxLength.defaults() is 1.5 n + 10)");
        if (batchSentences < 1) throw new IllegalArgumentException("translate: sentences per batch must be positive, got " + batchSentences);
    }

    /**
     * Beam search with 5 beams and length penalty 0.6, outputs of at most 1.5 n + 10 tokens, 32 sentences at a time.
     *
     * @return the default options (what {@code jgrad translate} uses)
     */
    public static TranslateOptions defaults() {
        return new TranslateOptions(5, 0.6, MaxLength.defaults(), 32);
    }

    /**
     * Greedy decoding (one beam), otherwise as {@link #defaults()}.
     *
     * @return greedy options
     */
    public static TranslateOptions greedy() {
        return defaults().withBeamSize(1);
    }

    /**
     * These options with another beam size (1: greedy).
     *
     * @param beamSize hypotheses kept per sentence, at least 1
     * @return new options
     */
    public TranslateOptions withBeamSize(int beamSize) {
        return new TranslateOptions(beamSize, lengthPenalty, maxLength, batchSentences);
    }

    /**
     * These options with another length penalty alpha.
     *
     * @param lengthPenalty GNMT's alpha, finite and {@code >= 0} (0.6 by default; 0 for none)
     * @return new options
     */
    public TranslateOptions withLengthPenalty(double lengthPenalty) {
        return new TranslateOptions(beamSize, lengthPenalty, maxLength, batchSentences);
    }

    /**
     * These options with outputs of at most {@code min(a n + b, max_len)} tokens for a source of n.
     *
     * @param a the factor on the source's length in tokens, {@code >= 0} (1.5 by default)
     * @param b the tokens added to it, at least 1 (10 by default)
     * @return new options
     * @throws IllegalArgumentException if {@code a} is negative or {@code b} is less than 1
     */
    public TranslateOptions withMaxLength(double a, int b) {
        return new TranslateOptions(beamSize, lengthPenalty, new MaxLength(a, b), batchSentences);
    }

    /**
     * These options with another number of sentences decoded together.
     *
     * @param batchSentences sentences per batch, at least 1
     * @return new options
     */
    public TranslateOptions withBatchSentences(int batchSentences) {
        return new TranslateOptions(beamSize, lengthPenalty, maxLength, batchSentences);
    }
}
