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
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final int PAD_ID = 0;
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
     * @param sentences tokenised training sentences
     * @param minFreq   a word needs at least this many occurrences to get an id (rarer words become {@value #UNK})
     * @param maxSize   at most this many entries including the two specials, or 0 for no limit
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

    /** Rebuilds a vocabulary from {@link #tokens()} (e.g. a checkpoint's), checking the two specials are in place. */
    public static Vocabulary of(List<String> tokens) {
        if (tokens.size() < 2 || !tokens.get(PAD_ID).equals(PAD) || !tokens.get(UNK_ID).equals(UNK)) {
            throw new IllegalArgumentException("vocabulary: must start with " + PAD + " and " + UNK + ", got "
                    + tokens.subList(0, Math.min(2, tokens.size())));
        }
        return new Vocabulary(tokens);
    }

    public int size() {
        return tokens.size();
    }

    /** All tokens in id order. */
    public List<String> tokens() {
        return Collections.unmodifiableList(tokens);
    }

    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("vocabulary: id " + id + " is out of range for " + tokens.size() + " tokens");
        }
        return tokens.get(id);
    }

    /** The id of a word, {@link #UNK_ID} for an unknown one. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? UNK_ID : id;
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    public int[] encode(List<String> words) {
        int[] out = new int[words.size()];
        for (int i = 0; i < out.length; i++) out[i] = id(words.get(i));
        return out;
    }

    /**
     * One string for storage (checkpoint metadata): tokens joined by newlines. The tokenizer never produces
     * a token with whitespace, so the split is unambiguous.
     */
    public String serialize() {
        for (String t : tokens) {
            if (t.isEmpty() || t.chars().anyMatch(c -> c == '\n' || c == '\r')) {
                throw new IllegalStateException("vocabulary: token '" + t + "' cannot be stored one per line");
            }
        }
        return String.join("\n", tokens);
    }

    public static Vocabulary deserialize(String text) {
        return of(List.of(text.split("\n", -1)));
    }
}
