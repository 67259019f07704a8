package dev.jgrad.metrics;

import java.util.Locale;

/**
 * What BLEU does with an n-gram order that has no match, which would otherwise make the geometric mean zero
 * (Chen and Cherry, "A Systematic Comparison of Smoothing Techniques for Sentence-Level BLEU", WMT 2014);
 * names and defaults as in sacreBLEU.
 */
public enum BleuSmoothing {
    /** No smoothing: one order without matches makes BLEU zero. */
    NONE("none", Double.NaN),
    /** Method 1: a zero match count counts as {@code value} (default 0.1). */
    FLOOR("floor", 0.1),
    /** Method 2: {@code value} (default 1) is added to matches and totals of every order above 1. */
    ADD_K("add-k", 1),
    /**
     * Method 3, the default, NIST's (mteval-v13a): the k-th order without matches gets precision
     * {@code 1 / (2^k * total)}.
     */
    EXP("exp", Double.NaN);

    private final String signature;
    private final double defaultValue;

    BleuSmoothing(String signature, double defaultValue) {
        this.signature = signature;
        this.defaultValue = defaultValue;
    }

    public String signature() {
        return signature;
    }

    /** Whether the method takes a value (floor and add-k). */
    public boolean takesValue() {
        return !Double.isNaN(defaultValue);
    }

    /** The value used when none is given; NaN for methods without one. */
    public double defaultValue() {
        return defaultValue;
    }

    public static BleuSmoothing of(String name) {
        for (BleuSmoothing s : values()) if (s.signature.equals(name.toLowerCase(Locale.ROOT))) return s;
        throw new IllegalArgumentException("bleu: unknown smoothing method '" + name + "'; expected one of exp, floor, add-k, none");
    }
}
