package dev.jgrad.data;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;

/**
 * Training batches as nanoGPT makes them for a Transformer: {@code batch} windows of {@code length}
 * consecutive tokens, each starting at a uniformly random position of the sequence, with the targets the
 * inputs shifted by one token. Unlike {@link StreamBatches} nothing is carried from one batch to the next:
 * the model sees no context beyond a window, so a window may start anywhere.
 *
 * <p>The starts come from the given {@link Generator} alone (one {@code nextInt} per row), so saving and
 * restoring its state resumes the same sequence of batches.
 */
public final class RandomWindows {
    private final int[] ids;
    private final int batch, length;
    private final Generator gen;

    /**
     * Windows over {@code ids}.
     *
     * @param ids    the token ids of the whole split (not copied)
     * @param batch  the number of windows per batch, at least 1
     * @param length the window length in tokens (the model's context, nanoGPT's block_size), at least 1
     * @param gen    the generator the starts are drawn from
     * @param what names the sequence in messages ("training split")
     * @throws IllegalArgumentException if the sequence is shorter than one window plus its last target
     */
    public RandomWindows(int[] ids, int batch, int length, Generator gen, String what) {
        if (batch < 1) throw new IllegalArgumentException("batch must be positive, got " + batch);
        if (length < 1) throw new IllegalArgumentException("window length must be positive, got " + length);
        if (ids.length < length + 1L) {
            throw new IllegalArgumentException("the " + what + " has " + ids.length + " tokens, too few for windows of " + length
                    + " (each needs " + (length + 1L) + ": its inputs and the target of the last one); use a shorter window or a longer text");
        }
        this.ids = ids;
        this.batch = batch;
        this.length = length;
        this.gen = gen;
    }

    /**
     * The number of windows per batch.
     *
     * @return the batch size
     */
    public int batch() {
        return batch;
    }

    /**
     * The window length.
     *
     * @return tokens per window
     */
    public int length() {
        return length;
    }

    /**
     * The generator the starts are drawn from (its state is the position in the sequence of batches).
     *
     * @return the generator given at construction
     */
    public Generator generator() {
        return gen;
    }

    /**
     * The next batch: inputs and targets [batch, length].
     *
     * @return random windows and, for each, the window shifted by one token
     */
    public StreamBatches.Batch next() {
        int[] x = new int[batch * length], y = new int[batch * length];
        for (int b = 0; b < batch; b++) {
            int start = gen.nextInt(ids.length - length);
            System.arraycopy(ids, start, x, b * length, length);
            System.arraycopy(ids, start + 1, y, b * length, length);
        }
        return new StreamBatches.Batch(IntTensor.of(x, batch, length), IntTensor.of(y, batch, length));
    }
}
