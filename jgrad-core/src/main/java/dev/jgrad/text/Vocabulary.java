package dev.jgrad.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Word to id and back. Id 0 is {@value #PAD} (padding, which the embedding keeps at zero) and id 1 is
 * {@value #UNK} (any word not in the vocabulary); the words of the training data follow, most frequent
 * first, ties in alphabetical order, so the same data always gives the same ids.
 */
public final class Vocabulary {
    /** The padding token, at id {@link #PAD_ID}. */
    public static final String PAD = "<pad>";
    /** The token of every word not in the vocabulary, at id {@link #UNK_ID}. */
    public static final String UNK = "<unk>";
    /** The id of {@value #PAD}: padded positions of a batch, which the embedding keeps at zero. */
    public static final int PAD_ID = 0;
    /** The id of {@value #UNK}. */
    public static final int UNK_ID = 1;

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> tokens) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.putIfAbsent(tokens.get(i), i) != null) {
                throw new IllegalArgumentException("vocabulary: token '" + tokens.get(i) + "' appears twice (ids "
                        + ids.get(tokens.get(i)) + " and " + i + ")");
            }
        }
    }

    /**
     * Builds the vocabulary of training sentences (torchtext's build_vocab_from_iterator with min_freq and
     * max_tokens): the specials, then the words by decreasing frequency, ties alphabetically.
     *
     * @param sentences tokenised training sentences
     * @param minFreq   a word needs at least this many occurrences to get an id (rarer words become {@value #UNK})
     * @param maxSize   at most this many entries including the two specials, or 0 for no limit
     * @return the vocabulary
     * @throws IllegalArgumentException if {@code minFreq} is below 1 or {@code maxSize} is 1 or negative
     */
    public static Vocabulary build(Iterable<? extends List<String>> sentences, int minFreq, int maxSize) {
        if (minFreq < 1) throw new IllegalArgumentException("vocabulary: min frequency must be at least 1, got " + minFreq);
        if (maxSize != 0 && maxSize < 2) {
            throw new IllegalArgumentException("vocabulary: max size must be 0 (no limit) or at least 2 (" + PAD + " and " + UNK + "), got " + maxSize);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> sentence : sentences) for (String w : sentence) counts.merge(w, 1, Integer::sum);
        counts.remove(PAD);
        counts.remove(UNK);
        List<Map.Entry<String, Integer>> entries = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) if (e.getValue() >= minFreq) entries.add(e);
        entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<String> tokens = new ArrayList<>(entries.size() + 2);
        tokens.add(PAD);
        tokens.add(UNK);
        for (Map.Entry<String, Integer> e : entries) {
            if (maxSize != 0 && tokens.size() >= maxSize) break;
            tokens.add(e.getKey());
        }
        return new Vocabulary(tokens);
    }

    /**
     * Rebuilds a vocabulary from {@link #tokens()} (e.g. a checkpoint's), checking the two specials are in place.
     *
     * @param tokens all tokens in id order, {@value #PAD} and {@value #UNK} first
     * @return the vocabulary
     * @throws IllegalArgumentException if the specials are not first or a token repeats
     */
    public static Vocabulary of(List<String> tokens) {
        if (tokens.size() < 2 || !tokens.get(PAD_ID).equals(PAD) || !tokens.get(UNK_ID).equals(UNK)) {
            throw new IllegalArgumentException("vocabulary: must start with " + PAD + " and " + UNK + ", got "
                    + tokens.subList(0, Math.min(2, tokens.size())));
        }
        return new Vocabulary(tokens);
    }

    /**
     * The number of tokens, specials included: the embedding's number of rows.
     *
     * @return the size
     */
    public int size() {
        return tokens.size();
    }

    /**
     * All tokens in id order.
     *
     * @return an unmodifiable list
     */
    public List<String> tokens() {
        return Collections.unmodifiableList(tokens);
    }

    /**
     * The token of an id.
     *
     * @param id an id in [0, size())
     * @return its token
     * @throws IllegalArgumentException if {@code id} is out of range
     */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("vocabulary: id " + id + " is out of range for " + tokens.size() + " tokens");
        }
        return tokens.get(id);
    }

    /**
     * The id of a word, {@link #UNK_ID} for an unknown one.
     *
     * @param token a word as the tokenizer produced it
     * @return its id
     */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? UNK_ID : id;
    }

    /**
     * Whether a word has its own id.
     *
     * @param token a word
     * @return true if it is in the vocabulary (the specials are)
     */
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /**
     * The ids of words, unknown ones as {@link #UNK_ID}.
     *
     * @param words tokenised text
     * @return one id per word
     */
    public int[] encode(List<String> words) {
        int[] out = new int[words.size()];
        for (int i = 0; i < out.length; i++) out[i] = id(words.get(i));
        return out;
    }

    /**
     * One string for storage (checkpoint metadata): tokens joined by newlines. The tokenizer never produces
     * a token with whitespace, so the split is unambiguous.
     *
     * @return the tokens joined by newlines, for {@link #deserialize}
     * @throws IllegalStateException if a token is empty or holds a line break
     */
    public String serialize() {
        for (String t : tokens) {
            if (t.isEmpty() || t.chars().anyMatch(c -> c == '\n' || c == '\r')) {
                throw new IllegalStateException("vocabulary: token '" + t + "' cannot be stored one per line");
            }
        }
        return String.join("\n", tokens);
    }

    /**
     * The vocabulary of a string written by {@link #serialize()}.
     *
     * @param text tokens joined by newlines
     * @return the vocabulary
     * @throws IllegalArgumentException if the specials are not first or a token repeats
     */
    public static Vocabulary deserialize(String text) {
        return of(List.of(text.split("\n", -1)));
    }
}
