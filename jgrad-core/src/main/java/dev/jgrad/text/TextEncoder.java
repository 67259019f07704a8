package dev.jgrad.text;

import java.util.List;

/**
 * Text to token ids: a tokenizer and a vocabulary together, as a classifier needs them at training and at
 * prediction time alike. A text with no tokens becomes a single {@value Vocabulary#UNK}, so every example has
 * at least one step for the recurrent encoder.
 *
 * @param tokenizer  splits a text into words
 * @param vocabulary maps each word to its id (unknown words to {@link Vocabulary#UNK_ID})
 */
public record TextEncoder(WordTokenizer tokenizer, Vocabulary vocabulary) {

    /**
     * The token ids of one text.
     *
     * @param text a sentence or document
     * @return its word ids in order, at least one (a lone {@link Vocabulary#UNK_ID} for a text without words)
     */
    public int[] encode(String text) {
        List<String> words = tokenizer.tokenize(text);
        return words.isEmpty() ? new int[] {Vocabulary.UNK_ID} : vocabulary.encode(words);
    }

    /**
     * {@link #encode} for each text.
     *
     * @param texts the texts
     * @return one id array per text, in order (ragged: each as long as its text's tokens)
     */
    public int[][] encodeAll(List<String> texts) {
        int[][] out = new int[texts.size()][];
        for (int i = 0; i < out.length; i++) out[i] = encode(texts.get(i));
        return out;
    }

    /**
     * Fraction of tokens that are not in the vocabulary (a quick check that the data and vocabulary fit).
     *
     * @param encoded texts as returned by {@link #encodeAll}
     * @return the share of {@link Vocabulary#UNK_ID} among all ids, in [0, 1]; 0 when there are no ids
     */
    public double unknownRate(int[][] encoded) {
        long unk = 0, all = 0;
        for (int[] s : encoded) {
            for (int id : s) if (id == Vocabulary.UNK_ID) unk++;
            all += s.length;
        }
        return all == 0 ? 0 : (double) unk / all;
    }
}
