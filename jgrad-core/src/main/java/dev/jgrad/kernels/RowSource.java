package dev.jgrad.kernels;

/**
 * The B operand (k x n) of {@link GemmKernels#sgemmPackedRows}, given by where its rows are rather than as a
 * matrix: element (p, j) is
 * <pre>{@code
 * keep == null || keep[keepOffset + keepRows[p] + j % groupCols]
 *         ? data[offset + rows[p] + (j / groupCols) * groupStride + j % groupCols]
 *         : 0
 * }</pre>
 * That is a convolution's column matrix without building it: row p = (channel, tap) is the input plane
 * shifted by the tap ({@code rows}), the taps that fall in the padding are masked off ({@code keep}: one
 * mask per tap, shared by all channels), and the columns of several images follow each other in groups
 * of {@code groupCols} positions, image after image {@code groupStride} floats apart. Entries that are
 * not kept are never read, so shifted rows may start before data[0] or end after its last element.
 *
 * @param data        the array the rows are read from (typically a batch of input images)
 * @param offset      base index added to every entry of {@code rows}
 * @param rows        k row starts, relative to {@code offset}: row p begins at data[offset + rows[p]]
 * @param groupCols   columns per group (positions per image); {@link Integer#MAX_VALUE} for a single group
 * @param groupStride floats between the starts of consecutive groups in {@code data} (images' distance apart)
 * @param keep        the padding masks, or null when every entry is kept
 * @param keepOffset  base index added to every entry of {@code keepRows} (ignored without masks)
 * @param keepRows    k mask starts, relative to {@code keepOffset}: row p's mask begins at keep[keepOffset + keepRows[p]]
 *                    and covers groupCols columns; null exactly when {@code keep} is null
 */
public record RowSource(float[] data, int offset, int[] rows, int groupCols, int groupStride, boolean[] keep, int keepOffset, int[] keepRows) {

    /**
     * Checks the arguments that the kernels cannot check cheaply later.
     *
     * @throws IllegalArgumentException if groupCols is not positive, or only one of keep and keepRows is null
     */
    public RowSource {
        if (groupCols < 1) throw new IllegalArgumentException("RowSource: groupCols must be positive, got " + groupCols);
        if ((keep == null) != (keepRows == null)) throw new IllegalArgumentException("RowSource: keep and keepRows go together");
    }

    /**
     * Plain rows, each contiguous: element (p, j) is data[offset + rows[p] + j].
     *
     * @param data   the array the rows are read from
     * @param offset base index added to every entry of {@code rows}
     * @param rows   the row starts, relative to {@code offset}
     * @return an unmasked source with one group of columns
     */
    public static RowSource of(float[] data, int offset, int[] rows) {
        return new RowSource(data, offset, rows, Integer.MAX_VALUE, 0, null, 0, null);
    }

    /** Element (p, j) by the definition above, for reference implementations and packing fallbacks. */
    float get(int p, int j) {
        int q = j % groupCols;
        if (keep != null && !keep[keepOffset + keepRows[p] + q]) return 0f;
        return data[offset + rows[p] + (j / groupCols) * groupStride + q];
    }
}
