package dev.jgrad.text;

/** A character that a tokenizer never saw in training, met where the caller asked for an error rather than {@code <unk>}. */
public final class UnknownCharacterException extends IllegalArgumentException {
    /** The unknown character, as a Unicode code point. */
    private final int codePoint;
    /** The char index of the character in {@link #text}. */
    private final int index;
    /** The text that contains the character. */
    private final String text;

    /**
     * An unknown character; the message shows the character, its code point and Unicode name, where it is
     * and in which text.
     *
     * @param codePoint the unknown character, as a Unicode code point
     * @param index     its char (UTF-16) index in {@code text}
     * @param text      the text being encoded
     * @param why       the end of the message, saying why it is an error (e.g. "was not seen in training")
     */
    public UnknownCharacterException(int codePoint, int index, String text, String why) {
        super("character '" + new String(Character.toChars(codePoint)) + "' (U+" + String.format("%04X", codePoint)
                + ", " + nameOf(codePoint) + ") at index " + index + " of \"" + text + "\" " + why);
        this.codePoint = codePoint;
        this.index = index;
        this.text = text;
    }

    private static String nameOf(int codePoint) {
        String name = Character.getName(codePoint);
        return name == null ? "unassigned" : name;
    }

    /**
     * The unknown character.
     *
     * @return its Unicode code point
     */
    public int codePoint() {
        return codePoint;
    }

    /**
     * The char index of the character in {@link #text()}.
     *
     * @return a UTF-16 index, from 0
     */
    public int index() {
        return index;
    }

    /**
     * The text that was being encoded.
     *
     * @return the whole text
     */
    public String text() {
        return text;
    }
}
