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
 */
public record RowSource(float[] data, int offset, int[] rows, int groupCols, int groupStride, boolean[] keep, int keepOffset, int[] keepRows) {

    public RowSource {
        if (groupCols < 1) throw new IllegalArgumentException("RowSource: groupCols must be positive, got " + groupCols);
        if ((keep == null) != (keepRows == null)) throw new IllegalArgumentException("RowSource: keep and keepRows go together");
    }

    /** Plain rows, each contiguous: element (p, j) is data[offset + rows[p] + j]. */
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
