package dev.jgrad.data;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * The characters of a text, sorted, each with an id (as nanoGPT's char-level data prep). Works on
 * Unicode code points, so any UTF-8 text is fine, not just ASCII.
 */
public final class CharVocabulary {
    private final int[] codePoints; // id -> code point, sorted
    private final String chars;

    private CharVocabulary(int[] codePoints) {
        this.codePoints = codePoints;
        this.chars = new String(codePoints, 0, codePoints.length);
    }

    public static CharVocabulary of(String text) {
        TreeSet<Integer> set = new TreeSet<>();
        text.codePoints().forEach(set::add);
        return new CharVocabulary(set.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Rebuilds a vocabulary from {@link #chars()}, e.g. from a checkpoint's metadata. */
    public static CharVocabulary fromChars(String chars) {
        int[] cps = chars.codePoints().toArray();
        for (int i = 1; i < cps.length; i++) {
            if (cps[i] <= cps[i - 1]) throw new IllegalArgumentException("vocabulary characters must be sorted and distinct");
        }
        return new CharVocabulary(cps);
    }

    public int size() {
        return codePoints.length;
    }

    /** All characters in id order (what a checkpoint stores to rebuild the vocabulary). */
    public String chars() {
        return chars;
    }

    public int id(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        if (i < 0) {
            throw new IllegalArgumentException("character " + describe(codePoint) + " is not in the vocabulary of " + size() + " characters");
        }
        return i;
    }

    public int[] encode(String text) {
        return text.codePoints().map(this::id).toArray();
    }

    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) sb.appendCodePoint(codePoints[id]);
        return sb.toString();
    }

    private static String describe(int cp) {
        return Character.isISOControl(cp) || Character.isWhitespace(cp)
                ? String.format("U+%04X", cp) : "'" + new String(Character.toChars(cp)) + "' (U+" + String.format("%04X", cp) + ")";
    }
}
