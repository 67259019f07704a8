package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Mini-batches of a {@link LabeledImages} dataset, a DataLoader for in-memory images: each call to
 * {@link #iterator()} is one epoch, in a fresh random order when shuffling.
 *
 * <p>The order comes from the batcher's own {@link Generator}, so a seed fixes every epoch's order, and
 * saving {@link #generator()}'s state resumes exactly. Each batch copies its images into a new contiguous
 * tensor [B, C, H, W] (outside autograd); the last, smaller batch is kept unless dropLast.
 *
 * <pre>{@code
 * ImageBatcher batches = new ImageBatcher(train, 64, true, false, 42);
 * for (int epoch = 0; epoch < 10; epoch++)
 *     for (ImageBatch b : batches) { Tensor logits = model.forward(b.images()); ... b.labels() ... }
 * }</pre>
 */
public final class ImageBatcher implements Iterable<ImageBatch> {
    private final LabeledImages data;
    private final int batchSize;
    private final boolean shuffle, dropLast;
    private final Generator gen;

    /**
     * Seeded: the same seed gives the same sequence of epochs.
     *
     * @param data      the dataset
     * @param batchSize images per batch, at least 1
     * @param shuffle   a fresh random order each epoch (training) rather than dataset order (evaluation)
     * @param dropLast  leave out the last batch when it is smaller than batchSize
     * @param seed      the seed of the batcher's own generator
     * @throws IllegalArgumentException if {@code batchSize} is below 1
     */
    public ImageBatcher(LabeledImages data, int batchSize, boolean shuffle, boolean dropLast, long seed) {
        this(data, batchSize, shuffle, dropLast, new Generator(seed));
    }

    /**
     * With a given generator, e.g. one restored from a checkpoint.
     *
     * @param data      the dataset
     * @param batchSize images per batch, at least 1
     * @param shuffle   a fresh random order each epoch rather than dataset order
     * @param dropLast  leave out the last batch when it is smaller than batchSize
     * @param gen       the generator of the epoch orders, advanced by each shuffled epoch
     * @throws IllegalArgumentException if {@code batchSize} is below 1
     */
    public ImageBatcher(LabeledImages data, int batchSize, boolean shuffle, boolean dropLast, Generator gen) {
        if (batchSize < 1) throw new IllegalArgumentException("ImageBatcher: batch size must be positive, got " + batchSize);
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.gen = gen;
    }

    /**
     * Batches per epoch.
     *
     * @return N / batchSize, rounded up unless dropLast
     */
    public int numBatches() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * Images per batch.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The dataset batched.
     *
     * @return the dataset given at construction
     */
    public LabeledImages data() {
        return data;
    }

    /**
     * The generator behind the shuffling (its state() / setState() save and restore the epoch order).
     *
     * @return the live generator
     */
    public Generator generator() {
        return gen;
    }

    /** One epoch. The order is drawn when the iterator is created. */
    @Override
    public Iterator<ImageBatch> iterator() {
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (shuffle) {
            for (int i = n - 1; i > 0; i--) { // Fisher-Yates
                int j = gen.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        int batches = numBatches();
        Tensor images = data.images().contiguous();
        float[] src = images.storage();
        int base = images.offset();
        int[] shape = images.shape(), labels = data.labels().data();
        int per = shape[1] * shape[2] * shape[3];
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public ImageBatch next() {
                if (!hasNext()) throw new NoSuchElementException("ImageBatcher: the epoch has " + batches + " batches");
                int from = next * batchSize, b = Math.min(batchSize, n - from);
                next++;
                float[] x = new float[b * per];
                int[] y = new int[b], idx = new int[b];
                for (int i = 0; i < b; i++) {
                    int k = order[from + i];
                    idx[i] = k;
                    y[i] = labels[k];
                    System.arraycopy(src, base + k * per, x, i * per, per);
                }
                return new ImageBatch(Tensor.of(x, b, shape[1], shape[2], shape[3]), IntTensor.of(y, b), idx);
            }
        };
    }
}
