package dev.jgrad.data;

import dev.jgrad.tensor.IntTensor;

/**
 * A padded batch of token sequences for a classifier.
 *
 * @param ids     [B, T] token ids, T the longest length in the batch, the rest of each row padding
 * @param lengths the real length of each row (what the recurrent layers need so padding changes nothing)
 * @param labels  [B] class of each row
 * @param indices position of each row in the dataset it came from (batches may be reordered by length)
 */
public record SequenceBatch(IntTensor ids, int[] lengths, IntTensor labels, int[] indices) {

    /**
     * The number of examples in the batch.
     *
     * @return B
     */
    public int size() {
        return lengths.length;
    }

    /**
     * Real tokens in the batch (padding excluded).
     *
     * @return the sum of {@link #lengths()}
     */
    public long tokens() {
        long n = 0;
        for (int len : lengths) n += len;
        return n;
    }
}
