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
    /** The padding token, at id {@link #PAD_ID}. */
    public static final String PAD = "<pad>";
    /** The token of characters never seen in training, at id {@link #UNK_ID}. */
    public static final String UNK = "<unk>";
    /** The beginning-of-sentence token, at id {@link #BOS_ID}: the decoder's first input. */
    public static final String BOS = "<bos>";
    /** The end-of-sentence token, at id {@link #EOS_ID}: where generation stops. */
    public static final String EOS = "<eos>";
    /** The id of {@value #PAD}, ignored by the loss and masked in attention. */
    public static final int PAD_ID = 0;
    /** The id of {@value #UNK}. */
    public static final int UNK_ID = 1;
    /** The id of {@value #BOS}. */
    public static final int BOS_ID = 2;
    /** The id of {@value #EOS}. */
    public static final int EOS_ID = 3;
    /** The number of special tokens, which come first. */
    public static final int NUM_SPECIALS = 4;

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private SubwordVocabulary(List<String> tokens, Map<String, Integer> ids) {
        this.tokens = tokens;
        this.ids = ids;
    }

    /**
     * From all tokens in id order (e.g. a saved tokenizer's), checking the specials and that no token repeats.
     *
     * @param tokens all tokens in id order, the four specials first
     * @return the vocabulary
     * @throws IllegalArgumentException if the specials are not first, or a token is empty or repeats
     */
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

    /**
     * The number of tokens, specials included: the embedding's and the output layer's size.
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
     * @return its token (a subword with {@code ▁} for a leading space, or a special)
     * @throws IllegalArgumentException if {@code id} is out of range
     */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("subword vocabulary: id " + id + " is out of range [0, " + tokens.size() + ")");
        }
        return tokens.get(id);
    }

    /**
     * The id of a token, {@link #UNK_ID} if it is not in the vocabulary.
     *
     * @param token a subword or special
     * @return its id
     */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? UNK_ID : id;
    }

    /**
     * Whether a token has its own id.
     *
     * @param token a subword or special
     * @return true if it is in the vocabulary
     */
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /**
     * Whether an id is one of the four specials, which decoding skips or replaces.
     *
     * @param id a token id
     * @return true for ids 0 to 3
     */
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
