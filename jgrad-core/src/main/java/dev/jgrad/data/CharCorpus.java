package dev.jgrad.data;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A text as character ids, split as nanoGPT does: the first 90% of the characters for training, the
 * last 10% for validation. Batches are random windows of consecutive characters.
 */
public final class CharCorpus {
    private final Path source;
    private final CharVocabulary vocabulary;
    private final int[] train;
    private final int[] validation;

    private CharCorpus(Path source, CharVocabulary vocabulary, int[] ids, double validationFraction) {
        this.source = source;
        this.vocabulary = vocabulary;
        int split = (int) (ids.length * (1 - validationFraction));
        this.train = java.util.Arrays.copyOfRange(ids, 0, split);
        this.validation = java.util.Arrays.copyOfRange(ids, split, ids.length);
    }

    /**
     * Reads a UTF-8 text file; it must hold at least two distinct characters and enough text for a window in each split.
     *
     * @param file      the corpus, e.g. tiny-shakespeare's input.txt
     * @param minWindow the longest window that will be asked for, in characters
     * @return the corpus, split 90/10
     * @throws IOException if the file cannot be read, is not UTF-8, has fewer than two distinct characters
     *                     or is too short for windows of {@code minWindow + 1} characters in the validation split
     */
    public static CharCorpus load(Path file, int minWindow) throws IOException {
        String text = TextFile.readUtf8(file);
        int n = text.codePointCount(0, text.length());
        CharVocabulary vocab = CharVocabulary.of(text);
        if (vocab.size() < 2) {
            throw new IOException(file + ": a language model needs at least two distinct characters, but the file has "
                    + (n == 0 ? "none (it is empty)" : "only " + vocab.size()));
        }
        int needed = (minWindow + 1) * 10;
        if (n < needed) {
            throw new IOException(file + ": " + n + " characters is too short: windows of " + (minWindow + 1)
                    + " characters need at least " + needed + " so that the last 10% (validation) holds one");
        }
        return new CharCorpus(file, vocab, vocab.encode(text), 0.1);
    }

    /**
     * The file the corpus was read from.
     *
     * @return its path
     */
    public Path source() {
        return source;
    }

    /**
     * The characters of the whole file (both splits).
     *
     * @return the vocabulary
     */
    public CharVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The size of the training split.
     *
     * @return characters in the first 90%
     */
    public int trainLength() {
        return train.length;
    }

    /**
     * The size of the validation split.
     *
     * @return characters in the last 10%
     */
    public int validationLength() {
        return validation.length;
    }

    /**
     * {@code batch} random windows of {@code length} consecutive ids from the training or validation split: [batch, length].
     *
     * @param fromTrain true for the training split, false for validation
     * @param gen       the random source of the starts, advanced by {@code batch} draws
     * @param batch     the number of windows
     * @param length    the window length in characters
     * @return the windows, of shape [batch, length]
     * @throws IllegalArgumentException if the split is shorter than {@code length}
     */
    public IntTensor windows(boolean fromTrain, Generator gen, int batch, int length) {
        int[] src = fromTrain ? train : validation;
        if (src.length < length) {
            throw new IllegalArgumentException("window of " + length + " characters is longer than the " + (fromTrain ? "training" : "validation")
                    + " split (" + src.length + ")");
        }
        int[] out = new int[batch * length];
        for (int b = 0; b < batch; b++) {
            int start = gen.nextInt(src.length - length + 1);
            System.arraycopy(src, start, out, b * length, length);
        }
        return IntTensor.of(out, batch, length);
    }
}
