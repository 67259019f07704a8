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

    /**
     * The name in sacreBLEU's signature and command line.
     *
     * @return "none", "floor", "add-k" or "exp"
     */
    public String signature() {
        return signature;
    }

    /**
     * Whether the method takes a value (floor and add-k).
     *
     * @return true for {@link #FLOOR} and {@link #ADD_K}
     */
    public boolean takesValue() {
        return !Double.isNaN(defaultValue);
    }

    /**
     * The value used when none is given; NaN for methods without one.
     *
     * @return 0.1 for floor, 1 for add-k, NaN otherwise
     */
    public double defaultValue() {
        return defaultValue;
    }

    /**
     * By signature name, as given on a command line (sacreBLEU's {@code --smooth-method}).
     *
     * @param name "exp", "floor", "add-k" or "none", in any case
     * @return the method
     * @throws IllegalArgumentException for any other name, listing the known ones
     */
    public static BleuSmoothing of(String name) {
        for (BleuSmoothing s : values()) if (s.signature.equals(name.toLowerCase(Locale.ROOT))) return s;
        throw new IllegalArgumentException("bleu: unknown smoothing method '" + name + "'; expected one of exp, floor, add-k, none");
    }
}
