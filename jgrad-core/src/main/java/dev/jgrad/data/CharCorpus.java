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

    /** Reads a UTF-8 text file; it must hold at least two distinct characters and enough text for a window in each split. */
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

    public Path source() {
        return source;
    }

    public CharVocabulary vocabulary() {
        return vocabulary;
    }

    public int trainLength() {
        return train.length;
    }

    public int validationLength() {
        return validation.length;
    }

    /** {@code batch} random windows of {@code length} consecutive ids from the training or validation split: [batch, length]. */
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
