package dev.jgrad.data;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Groups encoded sequences into padded {@link SequenceBatch}es.
 *
 * <p>For training, {@link #shuffled} buckets by length: it shuffles the whole dataset, cuts it into pools of
 * {@code batchSize * poolBatches} examples, sorts each pool by length and slices it into batches, then
 * shuffles the order of the batches. Each batch then holds sequences of similar length, so little time goes
 * into padding, while batches stay random from epoch to epoch (as torchtext's BucketIterator).
 */
public final class SequenceBatcher {

    private final int[][] sequences;
    private final int[] labels;
    private final int padId;

    /**
     * A batcher over a whole dataset (the arrays are not copied).
     *
     * @param sequences token ids of each example, each at least one token long
     * @param labels    class of each example
     * @param padId     id written into the padding positions
     * @throws IllegalArgumentException if the counts differ or a sequence is empty
     */
    public SequenceBatcher(int[][] sequences, int[] labels, int padId) {
        if (sequences.length != labels.length) {
            throw new IllegalArgumentException("batcher: " + sequences.length + " sequences but " + labels.length + " labels");
        }
        for (int i = 0; i < sequences.length; i++) {
            if (sequences[i].length == 0) throw new IllegalArgumentException("batcher: sequence " + i + " is empty (every example needs a token)");
        }
        this.sequences = sequences;
        this.labels = labels;
        this.padId = padId;
    }

    /**
     * The number of examples.
     *
     * @return the dataset size
     */
    public int size() {
        return sequences.length;
    }

    /**
     * One epoch of training batches: random, each of similar lengths (see the class comment).
     *
     * @param batchSize   examples per batch (the last batch of a pool may be smaller), at least 1
     * @param poolBatches batches per pool sorted by length, at least 1 (1 sorts nothing across batches;
     *                    larger pools pad less but mix less)
     * @param gen         the random source of both shuffles
     * @return every example once, in batches
     * @throws IllegalArgumentException if a size is below 1
     */
    public List<SequenceBatch> shuffled(int batchSize, int poolBatches, Generator gen) {
        checkBatchSize(batchSize);
        if (poolBatches < 1) throw new IllegalArgumentException("batcher: pool must hold at least one batch, got " + poolBatches);
        int n = sequences.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        shuffle(order, gen);
        int pool = batchSize * poolBatches;
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < n; start += pool) {
            Integer[] chunk = Arrays.copyOfRange(order, start, Math.min(n, start + pool));
            Arrays.sort(chunk, Comparator.comparingInt(i -> sequences[i].length));
            for (int b = 0; b < chunk.length; b += batchSize) {
                int[] idx = new int[Math.min(batchSize, chunk.length - b)];
                for (int k = 0; k < idx.length; k++) idx[k] = chunk[b + k];
                batches.add(idx);
            }
        }
        int[][] arr = batches.toArray(new int[0][]);
        shuffle(arr, gen);
        List<SequenceBatch> out = new ArrayList<>(arr.length);
        for (int[] idx : arr) out.add(collate(idx));
        return out;
    }

    /**
     * Every example once, for evaluation: in dataset order, or sorted by length when {@code sortByLength}
     * (faster; the batch's {@link SequenceBatch#indices()} say where each row belongs).
     *
     * @param batchSize    examples per batch, at least 1
     * @param sortByLength sort the examples by length first
     * @return every example once, in batches
     * @throws IllegalArgumentException if {@code batchSize} is below 1
     */
    public List<SequenceBatch> sequential(int batchSize, boolean sortByLength) {
        checkBatchSize(batchSize);
        int n = sequences.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (sortByLength) Arrays.sort(order, Comparator.comparingInt(i -> sequences[i].length));
        List<SequenceBatch> out = new ArrayList<>();
        for (int b = 0; b < n; b += batchSize) {
            int[] idx = new int[Math.min(batchSize, n - b)];
            for (int k = 0; k < idx.length; k++) idx[k] = order[b + k];
            out.add(collate(idx));
        }
        return out;
    }

    /**
     * The batch of the given examples, in that order, padded to the longest.
     *
     * @param indices positions in the dataset, at least one
     * @return the padded batch
     * @throws IllegalArgumentException if {@code indices} is empty
     */
    public SequenceBatch collate(int[] indices) {
        return collate(sequences, labels, indices, padId);
    }

    /**
     * The batch of the given examples of a dataset, in that order, padded to the longest (a DataLoader's
     * collate_fn with pad_sequence).
     *
     * @param sequences token ids of every example
     * @param labels    class of every example
     * @param indices   the examples to batch, at least one
     * @param padId     id written into the padding positions
     * @return ids [B, T], lengths, labels [B] and the indices
     * @throws IllegalArgumentException if {@code indices} is empty
     */
    public static SequenceBatch collate(int[][] sequences, int[] labels, int[] indices, int padId) {
        int B = indices.length;
        if (B == 0) throw new IllegalArgumentException("batcher: a batch needs at least one example");
        int T = 0;
        int[] lengths = new int[B], y = new int[B];
        for (int b = 0; b < B; b++) {
            lengths[b] = sequences[indices[b]].length;
            y[b] = labels[indices[b]];
            T = Math.max(T, lengths[b]);
        }
        int[] ids = new int[B * T];
        if (padId != 0) Arrays.fill(ids, padId);
        for (int b = 0; b < B; b++) System.arraycopy(sequences[indices[b]], 0, ids, b * T, lengths[b]);
        return new SequenceBatch(IntTensor.of(ids, B, T), lengths, IntTensor.of(y, B), indices.clone());
    }

    private static void checkBatchSize(int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batcher: batch size must be positive, got " + batchSize);
    }

    private static <T> void shuffle(T[] a, Generator gen) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1);
            T t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
