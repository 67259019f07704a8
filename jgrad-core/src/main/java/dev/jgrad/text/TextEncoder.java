package dev.jgrad.text;

import java.util.List;

/**
 * Text to token ids: a tokenizer and a vocabulary together, as a classifier needs them at training and at
 * prediction time alike. A text with no tokens becomes a single {@value Vocabulary#UNK}, so every example has
 * at least one step for the recurrent encoder.
 */
public record TextEncoder(WordTokenizer tokenizer, Vocabulary vocabulary) {

    public int[] encode(String text) {
        List<String> words = tokenizer.tokenize(text);
        return words.isEmpty() ? new int[] {Vocabulary.UNK_ID} : vocabulary.encode(words);
    }

    public int[][] encodeAll(List<String> texts) {
        int[][] out = new int[texts.size()][];
        for (int i = 0; i < out.length; i++) out[i] = encode(texts.get(i));
        return out;
    }

    /** Fraction of tokens that are not in the vocabulary (a quick check that the data and vocabulary fit). */
    public double unknownRate(int[][] encoded) {
        long unk = 0, all = 0;
        for (int[] s : encoded) {
            for (int id : s) if (id == Vocabulary.UNK_ID) unk++;
            all += s.length;
        }
        return all == 0 ? 0 : (double) unk / all;
    }
}
