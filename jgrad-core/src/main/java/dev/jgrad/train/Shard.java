package dev.jgrad.train;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

import java.io.Serializable;

/**
 * One worker's part of a data-parallel run: worker {@code index} of {@code count} takes the batch rows
 * {@link #from(int)} to {@link #to(int)} of every global batch (PyTorch's DistributedSampler splits the same way).
 * {@link #WHOLE} is the single-process case: one shard with every row.
 *
 * @param index this worker's number, from 0
 * @param count the number of workers, at least 1
 */
public record Shard(int index, int count) implements Serializable {
    /** The only shard of a single-process run: all the rows. */
    public static final Shard WHOLE = new Shard(0, 1);

    /**
     * The checkpoint's task-state entry in which a data-parallel strategy records how many workers' resume states it
     * saved (each under {@link #statePrefix()}); a single process's checkpoint has none.
     */
    public static final String WORKERS_KEY = "data_parallel.shards";

    /**
     * Checks the numbers.
     *
     * @throws IllegalArgumentException if {@code count} is not positive or {@code index} is outside 0..count-1
     */
    public Shard {
        if (count < 1) throw new IllegalArgumentException("Shard: the number of shards must be positive, got " + count);
        if (index < 0 || index >= count) throw new IllegalArgumentException("Shard: index " + index + " is outside 0.." + (count - 1));
    }

    /**
     * Whether this is the single-process shard, all rows.
     *
     * @return true for one shard in all
     */
    public boolean whole() {
        return count == 1;
    }

    /**
     * The first row of a batch of {@code rows} that this shard takes; shards differ in size by one row at most.
     *
     * @param rows the global batch's rows
     * @return the first row index, from 0
     */
    public int from(int rows) {
        return (int) ((long) rows * index / count);
    }

    /**
     * One past the last row of a batch of {@code rows} that this shard takes.
     *
     * @param rows the global batch's rows
     * @return the end row index, exclusive
     */
    public int to(int rows) {
        return (int) ((long) rows * (index + 1) / count);
    }

    /**
     * Fails, naming the option, unless a global batch of {@code rows} gives every shard at least one row.
     *
     * @param rows the global batch's rows
     * @param what names the batch size in the message, e.g. "--batch"
     * @throws IllegalArgumentException if there are fewer rows than shards
     */
    public void requireRows(int rows, String what) {
        if (rows < count) {
            throw new IllegalArgumentException(what + " " + rows + " is smaller than the " + count + " data-parallel workers: each needs at least one row of the batch");
        }
    }

    /**
     * This shard's rows of a batch-first tensor (the tensor itself for {@link #WHOLE}).
     *
     * @param batch a tensor whose first dimension is the batch
     * @return its rows {@code from(n)} to {@code to(n)}, contiguous
     */
    public Tensor rows(Tensor batch) {
        if (whole()) return batch;
        int n = batch.size(0);
        return batch.narrow(0, from(n), to(n) - from(n)).contiguous();
    }

    /**
     * This shard's rows of a batch-first integer tensor (the tensor itself for {@link #WHOLE}).
     *
     * @param batch an integer tensor whose first dimension is the batch
     * @return its rows {@code from(n)} to {@code to(n)}
     */
    public IntTensor rows(IntTensor batch) {
        if (whole()) return batch;
        int[] shape = batch.shape();
        int n = shape[0], rowSize = batch.numel() / Math.max(1, n), from = from(n), to = to(n);
        int[] out = new int[(to - from) * rowSize];
        System.arraycopy(batch.data(), from * rowSize, out, 0, out.length);
        shape[0] = to - from;
        return IntTensor.of(out, shape);
    }

    /**
     * The prefix of this worker's resume state among a data-parallel checkpoint's task-state entries.
     *
     * @return {@code shard.<index>.}
     */
    public String statePrefix() {
        return "shard." + index + ".";
    }

    @Override
    public String toString() {
        return "shard " + index + " of " + count;
    }
}
