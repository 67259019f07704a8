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

    /**
     * The vocabulary of a text: each distinct code point, sorted.
     *
     * @param text the training text
     * @return its vocabulary
     */
    public static CharVocabulary of(String text) {
        TreeSet<Integer> set = new TreeSet<>();
        text.codePoints().forEach(set::add);
        return new CharVocabulary(set.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Rebuilds a vocabulary from {@link #chars()}, e.g. from a checkpoint's metadata.
     *
     * @param chars all characters in id order
     * @return the vocabulary
     * @throws IllegalArgumentException if the characters are not sorted and distinct
     */
    public static CharVocabulary fromChars(String chars) {
        int[] cps = chars.codePoints().toArray();
        for (int i = 1; i < cps.length; i++) {
            if (cps[i] <= cps[i - 1]) throw new IllegalArgumentException("vocabulary characters must be sorted and distinct");
        }
        return new CharVocabulary(cps);
    }

    /**
     * The number of characters: the model's input and output size.
     *
     * @return the size
     */
    public int size() {
        return codePoints.length;
    }

    /**
     * All characters in id order (what a checkpoint stores to rebuild the vocabulary).
     *
     * @return the characters as one string
     */
    public String chars() {
        return chars;
    }

    /**
     * The id of a character.
     *
     * @param codePoint a Unicode code point
     * @return its id, in [0, size())
     * @throws IllegalArgumentException if the character is not in the vocabulary
     */
    public int id(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        if (i < 0) {
            throw new IllegalArgumentException("character " + describe(codePoint) + " is not in the vocabulary of " + size() + " characters");
        }
        return i;
    }

    /**
     * The ids of a text's characters.
     *
     * @param text text made only of the vocabulary's characters
     * @return one id per code point
     * @throws IllegalArgumentException at the first character not in the vocabulary
     */
    public int[] encode(String text) {
        return text.codePoints().map(this::id).toArray();
    }

    /**
     * The text of ids, e.g. a model's samples.
     *
     * @param ids ids in [0, size())
     * @return the characters, concatenated
     * @throws ArrayIndexOutOfBoundsException if an id is out of range
     */
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
