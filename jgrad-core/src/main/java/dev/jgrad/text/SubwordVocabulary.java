package dev.jgrad.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Subword token to id and back, for translation models: {@value #PAD}=0, {@value #UNK}=1, {@value #BOS}=2,
 * {@value #EOS}=3, then the learnt tokens. (The classifiers' {@link Vocabulary} has no BOS/EOS; both put
 * padding at 0 and unknown at 1.)
 */
public final class SubwordVocabulary {
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String BOS = "<bos>";
    public static final String EOS = "<eos>";
    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;
    public static final int BOS_ID = 2;
    public static final int EOS_ID = 3;
    /** The number of special tokens, which come first. */
    public static final int NUM_SPECIALS = 4;

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private SubwordVocabulary(List<String> tokens, Map<String, Integer> ids) {
        this.tokens = tokens;
        this.ids = ids;
    }

    /** From all tokens in id order (e.g. a saved tokenizer's), checking the specials and that no token repeats. */
    public static SubwordVocabulary of(List<String> tokens) {
        List<String> specials = List.of(PAD, UNK, BOS, EOS);
        if (tokens.size() < NUM_SPECIALS || !tokens.subList(0, NUM_SPECIALS).equals(specials)) {
            throw new IllegalArgumentException("subword vocabulary: must start with " + specials + ", got "
                    + tokens.subList(0, Math.min(NUM_SPECIALS, tokens.size())));
        }
        Map<String, Integer> ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t == null || t.isEmpty()) throw new IllegalArgumentException("subword vocabulary: token " + i + " is empty");
            Integer before = ids.putIfAbsent(t, i);
            if (before != null) {
                throw new IllegalArgumentException("subword vocabulary: token '" + t + "' appears twice (ids " + before + " and " + i + ")");
            }
        }
        return new SubwordVocabulary(List.copyOf(tokens), ids);
    }

    /** The four specials alone; {@link Builder} adds the rest. */
    static Builder builder() {
        return new Builder();
    }

    /** Appends tokens while a tokenizer is learnt. */
    static final class Builder {
        private final List<String> tokens = new ArrayList<>(List.of(PAD, UNK, BOS, EOS));
        private final Map<String, Integer> ids = new HashMap<>(Map.of(PAD, PAD_ID, UNK, UNK_ID, BOS, BOS_ID, EOS, EOS_ID));

        /** The id of the token, added at the end if new. */
        int add(String token) {
            Integer id = ids.get(token);
            if (id != null) return id;
            tokens.add(token);
            ids.put(token, tokens.size() - 1);
            return tokens.size() - 1;
        }

        int size() {
            return tokens.size();
        }

        String token(int id) {
            return tokens.get(id);
        }

        SubwordVocabulary build() {
            return new SubwordVocabulary(List.copyOf(tokens), new HashMap<>(ids));
        }
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
            throw new IllegalArgumentException("subword vocabulary: id " + id + " is out of range [0, " + tokens.size() + ")");
        }
        return tokens.get(id);
    }

    /** The id of a token, {@link #UNK_ID} if it is not in the vocabulary. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? UNK_ID : id;
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    public static boolean isSpecial(int id) {
        return id >= 0 && id < NUM_SPECIALS;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubwordVocabulary v && v.tokens.equals(tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }

    @Override
    public String toString() {
        return "SubwordVocabulary[" + tokens.size() + " tokens]";
    }
}
