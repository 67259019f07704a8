package dev.jgrad.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into the pieces that byte-pair merges stay within, keeping every character so that the text
 * can be rebuilt exactly (SentencePiece's convention):
 *
 * <ol>
 *   <li>every space (U+0020) becomes {@value #MARK_STRING} (U+2581), and one more {@value #MARK_STRING} is put
 *       in front of the text, so the first word looks like every other word;</li>
 *   <li>a piece is an optional {@value #MARK_STRING} followed by a run of letters, digits and combining marks,
 *       or by one other character (punctuation, symbol, tab...), or by nothing when another space or the end
 *       follows. So "Ein Hund." gives "▁Ein", "▁Hund", "." and "a  b" gives "▁a", "▁", "▁b".</li>
 * </ol>
 *
 * Joining the pieces, turning {@value #MARK_STRING} back into spaces and dropping the first character gives
 * the text back. A literal U+2581 in the text cannot be told from a space afterwards, so it becomes
 * {@link #RESERVED}, which no vocabulary holds (it is encoded as {@code <unk>}).
 */
public final class BpePreTokenizer {
    private BpePreTokenizer() {}

    /** U+2581 LOWER ONE EIGHTH BLOCK, the word-boundary mark. */
    public static final int MARK = 0x2581;
    /** {@link #MARK} as a one-character string, as it appears in tokens. */
    public static final String MARK_STRING = "\u2581";
    /** Stands for a literal U+2581 in the input; never a vocabulary symbol. */
    public static final int RESERVED = -1;

    /**
     * The pieces of the text as code points; none for the empty text.
     *
     * @param text any text
     * @return the pieces in order, each an array of code points (spaces as {@link #MARK}, a literal U+2581
     *         as {@link #RESERVED})
     */
    public static List<int[]> pieces(String text) {
        List<int[]> out = new ArrayList<>();
        if (text.isEmpty()) return out;
        int[] cps = new int[text.codePointCount(0, text.length()) + 1];
        cps[0] = MARK;
        int n = 1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            cps[n++] = cp == ' ' ? MARK : cp == MARK ? RESERVED : cp;
            i += Character.charCount(cp);
        }
        int i = 0;
        while (i < n) {
            int start = i;
            if (cps[i] == MARK) i++;
            if (i < n && cps[i] != MARK) {
                if (isWordChar(cps[i])) {
                    while (i < n && isWordChar(cps[i])) i++;
                } else {
                    i++;
                }
            }
            int[] piece = new int[i - start];
            System.arraycopy(cps, start, piece, 0, piece.length);
            out.add(piece);
        }
        return out;
    }

    /** Letters, digits and combining marks (so "Mädchen" stays one piece in either normal form). */
    static boolean isWordChar(int cp) {
        if (cp < 0) return false;
        if (Character.isLetterOrDigit(cp)) return true;
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }
}
