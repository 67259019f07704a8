package dev.jgrad.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A simple, predictable word tokenizer for classification data:
 *
 * <ol>
 *   <li>lower-case (Locale.ROOT, when {@code lowercase} is on);</li>
 *   <li>a word is a maximal run of letters, digits, combining marks and apostrophes, so the contractions of
 *       already tokenised corpora such as SST-2 ("n't", "'s", "don't") stay whole;</li>
 *   <li>every other non-whitespace character (punctuation, symbols) is a token of its own, so "great!" and
 *       "great" share the word "great", and "well-made" is "well", "-", "made";</li>
 *   <li>whitespace only separates.</li>
 * </ol>
 *
 * Works on Unicode code points, so any language in any script tokenises the same way.
 */
public final class WordTokenizer {

    private final boolean lowercase;

    /**
     * A tokenizer as described above.
     *
     * @param lowercase lower-case the text (Locale.ROOT) before splitting it
     */
    public WordTokenizer(boolean lowercase) {
        this.lowercase = lowercase;
    }

    /**
     * Lower-casing on: the usual choice for small sentiment datasets.
     *
     * @return a lower-casing tokenizer
     */
    public static WordTokenizer lowercasing() {
        return new WordTokenizer(true);
    }

    /**
     * Whether the text is lower-cased first.
     *
     * @return the setting given at construction
     */
    public boolean lowercase() {
        return lowercase;
    }

    /**
     * The words and symbols of {@code text}, by the rules of the class comment.
     *
     * @param text any text
     * @return its tokens in order (a new mutable list), empty for blank text
     */
    public List<String> tokenize(String text) {
        String s = lowercase ? text.toLowerCase(Locale.ROOT) : text;
        List<String> tokens = new ArrayList<>();
        int i = 0, n = s.length();
        while (i < n) {
            int cp = s.codePointAt(i);
            int width = Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                i += width;
            } else if (isWordChar(cp)) {
                int start = i;
                while (i < n && isWordChar(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
                tokens.add(s.substring(start, i));
            } else {
                tokens.add(s.substring(i, i + width));
                i += width;
            }
        }
        return tokens;
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '\'' || cp == '\u2019'
                || Character.getType(cp) == Character.NON_SPACING_MARK
                || Character.getType(cp) == Character.COMBINING_SPACING_MARK;
    }
}
