package dev.jgrad.metrics;

import java.util.Arrays;

/**
 * A BLEU score with what it was computed from, printed as sacreBLEU prints it:
 * {@code BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)}.
 *
 * @param score      BLEU in [0, 100]
 * @param counts     clipped n-gram matches per order (before any add-k smoothing)
 * @param totals     hypothesis n-grams per order (before any add-k smoothing)
 * @param precisions the (smoothed) n-gram precisions in percent, 0 for orders past the last one with n-grams
 * @param bp         brevity penalty
 * @param hypLength  words in the hypotheses
 * @param refLength  effective reference length (closest reference per sentence, summed)
 * @param signature  sacreBLEU-style signature of the settings ({@code nrefs:1|case:mixed|...}), or "" when
 *                   computed from bare statistics
 */
public record BleuScore(double score, long[] counts, long[] totals, double[] precisions, double bp,
                        long hypLength, long refLength, String signature) {

    /** Copies the arrays, so a score never changes after construction. */
    public BleuScore {
        counts = counts.clone();
        totals = totals.clone();
        precisions = precisions.clone();
    }

    /**
     * The clipped n-gram matches per order.
     *
     * @return a copy
     */
    @Override
    public long[] counts() {
        return counts.clone();
    }

    /**
     * The hypothesis n-grams per order.
     *
     * @return a copy
     */
    @Override
    public long[] totals() {
        return totals.clone();
    }

    /**
     * The n-gram precisions in percent.
     *
     * @return a copy
     */
    @Override
    public double[] precisions() {
        return precisions.clone();
    }

    /**
     * hypothesis length / reference length, 0 when there is no reference word.
     *
     * @return the length ratio; below 1 the brevity penalty applies
     */
    public double ratio() {
        return refLength == 0 ? 0 : (double) hypLength / refLength;
    }

    /**
     * The part after the score: precisions, brevity penalty, ratio and lengths.
     *
     * @return e.g. {@code 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)}
     */
    public String verbose() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < precisions.length; i++) {
            if (i > 0) sb.append('/');
            sb.append(PythonText.fixed(precisions[i], 1));
        }
        return sb + " (BP = " + PythonText.fixed(bp, 3) + " ratio = " + PythonText.fixed(ratio(), 3)
                + " hyp_len = " + hypLength + " ref_len = " + refLength + ")";
    }

    /**
     * {@code BLEU = <score with width decimals> <verbose>}, sacreBLEU's {@code format(width)}.
     *
     * @param width the number of decimals of the score, in [0, 20] (sacreBLEU prints 2)
     * @return the line sacreBLEU prints
     * @throws IllegalArgumentException if {@code width} is out of range
     */
    public String format(int width) {
        if (width < 0 || width > 20) throw new IllegalArgumentException("bleu: width must be in [0, 20], got " + width);
        return "BLEU = " + PythonText.fixed(score, width) + " " + verbose();
    }

    /**
     * The score alone with width decimals, as sacreBLEU's {@code --score-only}.
     *
     * @param width the number of decimals, in [0, 20]
     * @return the score, rounded half-even as Python does
     * @throws IllegalArgumentException if {@code width} is out of range
     */
    public String formatScore(int width) {
        if (width < 0 || width > 20) throw new IllegalArgumentException("bleu: width must be in [0, 20], got " + width);
        return PythonText.fixed(score, width);
    }

    @Override
    public String toString() {
        return format(2);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BleuScore s && Double.compare(s.score, score) == 0 && Arrays.equals(s.counts, counts)
                && Arrays.equals(s.totals, totals) && Arrays.equals(s.precisions, precisions)
                && Double.compare(s.bp, bp) == 0 && s.hypLength == hypLength && s.refLength == refLength
                && s.signature.equals(signature);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(score) * 31 + Arrays.hashCode(counts) * 7 + signature.hashCode();
    }
}
