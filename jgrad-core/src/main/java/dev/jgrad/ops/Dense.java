package dev.jgrad.ops;

import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.Tensor;

/**
 * A tensor's values as a plain row-major array for the kernels, copied only when its storage does not already
 * hold them that way. Ops take their inputs through here, so that a fresh result (as gradients and most saved
 * inputs are) is read in place while a permuted or expanded view is gathered once.
 *
 * <p>Two forms: {@link #values} gives an array that starts at index 0 and holds exactly the values, for code
 * that indexes from 0; {@link #storage} with {@link #offset} also reads a contiguous view in place wherever it
 * starts in its storage.
 */
public final class Dense {
    private Dense() {}

    /**
     * The values of t in row-major order, element i at index i: t's own storage when that is exactly them,
     * else a copy.
     *
     * @param t any tensor
     * @return an array of exactly {@code t.numel()} values; may be t's storage, so treat it as read-only
     */
    public static float[] values(Tensor t) {
        float[] d = t.storage();
        return t.isContiguous() && t.offset() == 0 && d.length == t.numel() ? d : t.toArray();
    }

    /**
     * The values of t in row-major order from index {@link #offset offset(t)}: t's own storage when t is
     * contiguous, else a copy (then starting at 0).
     *
     * @param t any tensor
     * @return t's storage (read from {@code offset(t)}) or a fresh row-major copy; treat it as read-only
     */
    public static float[] storage(Tensor t) {
        return BufferPool.contiguousValues(t);
    }

    /**
     * Where t's first value is in {@link #storage storage(t)}.
     *
     * @param t the tensor passed to {@link #storage}
     * @return t's storage offset when t is contiguous, else 0 (the copy's start)
     */
    public static int offset(Tensor t) {
        return t.isContiguous() ? t.offset() : 0;
    }
}
