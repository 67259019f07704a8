package dev.jgrad.text;

/** A character that a tokenizer never saw in training, met where the caller asked for an error rather than {@code <unk>}. */
public final class UnknownCharacterException extends IllegalArgumentException {
    private final int codePoint;
    private final int index;
    private final String text;

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

    public int codePoint() {
        return codePoint;
    }

    /** The char index of the character in {@link #text()}. */
    public int index() {
        return index;
    }

    public String text() {
        return text;
    }
}
