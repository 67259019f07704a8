package dev.jgrad.metrics;

import java.util.Arrays;

/**
 * BLEU's sufficient statistics for one sentence or, summed, for a corpus: hypothesis length, effective
 * reference length, and per n-gram order (index 0 for unigrams) the clipped matches and the hypothesis
 * n-grams. Corpus BLEU sums these over sentences and only then computes the score.
 *
 * @param hypLength the number of hypothesis words
 * @param refLength the effective reference length: per sentence the reference length closest to the
 *                  hypothesis length (the shorter on ties)
 * @param correct   per n-gram order, the hypothesis n-grams found in a reference (clipped by the largest
 *                  count in any one reference); copied
 * @param total     per n-gram order, the hypothesis n-grams; copied
 */
public record BleuStatistics(long hypLength, long refLength, long[] correct, long[] total) {

    /**
     * Copies the arrays, so statistics never change after construction.
     *
     * @throws IllegalArgumentException if {@code correct} and {@code total} differ in length
     */
    public BleuStatistics {
        if (correct.length != total.length) {
            throw new IllegalArgumentException("bleu statistics: " + correct.length + " match counts but "
                    + total.length + " totals");
        }
        correct = correct.clone();
        total = total.clone();
    }

    /**
     * Empty statistics, the start of a sum over sentences.
     *
     * @param maxNgramOrder the largest n-gram order (4 for standard BLEU)
     * @return statistics with every count 0
     */
    public static BleuStatistics zero(int maxNgramOrder) {
        return new BleuStatistics(0, 0, new long[maxNgramOrder], new long[maxNgramOrder]);
    }

    /**
     * The largest n-gram order counted.
     *
     * @return the length of {@link #correct()}
     */
    public int maxNgramOrder() {
        return correct.length;
    }

    /**
     * The clipped matches per order (index 0 for unigrams).
     *
     * @return a copy of the counts
     */
    @Override
    public long[] correct() {
        return correct.clone();
    }

    /**
     * The hypothesis n-grams per order (index 0 for unigrams).
     *
     * @return a copy of the counts
     */
    @Override
    public long[] total() {
        return total.clone();
    }

    /**
     * The sum of two sets of statistics, as corpus BLEU accumulates them.
     *
     * @param other statistics of the same n-gram order
     * @return new statistics with every count added
     * @throws IllegalArgumentException if the orders differ
     */
    public BleuStatistics plus(BleuStatistics other) {
        if (other.correct.length != correct.length) {
            throw new IllegalArgumentException("bleu statistics: cannot add statistics of n-gram order "
                    + other.correct.length + " to order " + correct.length);
        }
        long[] c = correct.clone(), t = total.clone();
        for (int i = 0; i < c.length; i++) {
            c[i] += other.correct[i];
            t[i] += other.total[i];
        }
        return new BleuStatistics(hypLength + other.hypLength, refLength + other.refLength, c, t);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BleuStatistics s && s.hypLength == hypLength && s.refLength == refLength
                && Arrays.equals(s.correct, correct) && Arrays.equals(s.total, total);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hypLength) * 31 + Long.hashCode(refLength) * 17 + Arrays.hashCode(correct) * 7 + Arrays.hashCode(total);
    }

    @Override
    public String toString() {
        return "BleuStatistics[hypLength=" + hypLength + ", refLength=" + refLength + ", correct="
                + Arrays.toString(correct) + ", total=" + Arrays.toString(total) + "]";
    }
}
