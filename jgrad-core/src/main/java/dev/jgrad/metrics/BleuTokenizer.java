package dev.jgrad.metrics;

import java.util.Locale;

/** How BLEU splits a sentence into words before counting n-grams; names as in sacreBLEU's {@code --tokenize}. */
public enum BleuTokenizer {
    /** mteval-v13a, sacreBLEU's default: see {@link Tokenizer13a}. */
    THIRTEEN_A("13a"),
    /** No tokenization: words are whatever whitespace separates (for text tokenized beforehand). */
    NONE("none"),
    /** Every character is a word (whitespace only separates). */
    CHAR("char");

    private final String signature;

    BleuTokenizer(String signature) {
        this.signature = signature;
    }

    /**
     * The name in sacreBLEU's signature and command line ("13a", "none", "char").
     *
     * @return the signature name
     */
    public String signature() {
        return signature;
    }

    /**
     * The tokenized line, tokens separated by spaces (whitespace is split again afterwards).
     *
     * @param line one sentence
     * @return the sentence with its tokens separated by spaces
     */
    public String tokenize(String line) {
        return switch (this) {
            case THIRTEEN_A -> Tokenizer13a.tokenize(line);
            case NONE -> line;
            case CHAR -> {
                StringBuilder sb = new StringBuilder(line.length() * 2);
                line.codePoints().forEach(cp -> {
                    if (!sb.isEmpty()) sb.append(' ');
                    sb.appendCodePoint(cp);
                });
                yield sb.toString();
            }
        };
    }

    /**
     * By signature name, as given on a command line.
     *
     * @param name "13a", "none" or "char", in any case
     * @return the tokenizer
     * @throws IllegalArgumentException for any other name, listing the known ones
     */
    public static BleuTokenizer of(String name) {
        for (BleuTokenizer t : values()) if (t.signature.equals(name.toLowerCase(Locale.ROOT))) return t;
        throw new IllegalArgumentException("bleu: unknown tokenizer '" + name + "'; expected one of 13a, none, char");
    }
}
