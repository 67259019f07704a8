package dev.jgrad.tensor;

/**
 * Walks several tensors of one (broadcast) shape together, one innermost row at a time, so that ops
 * run a tight loop over the last dimension with per-operand strides. Dimensions that every operand
 * steps through as one are merged first, so contiguous tensors become a single long row.
 */
public final class Strided {

    /** Called once per innermost row: offsets[k] is where operand k's row starts; n is the row length. */
    public interface RowFn {
        /**
         * Handles one innermost row of every operand; element i of operand k's row is at
         * offsets[k] + i * {@link Strided#inner}[k].
         *
         * @param offsets per operand, where its row starts in its array (read it, do not keep it: it is reused)
         * @param n       the row length, {@link Strided#rowLength}
         */
        void row(int[] offsets, int n);
    }

    private final int rank;
    private final int[] shape;
    private final int[][] strides;
    private final boolean empty;
    /** Per operand, the stride along the innermost (merged) row. */
    public final int[] inner;
    /** Length of each innermost row. */
    public final int rowLength;

    /**
     * Plans the walk: merges the dimensions every operand steps through contiguously.
     *
     * @param shape   the common shape
     * @param strides per operand, its strides for that shape (0 where broadcast)
     */
    public Strided(int[] shape, int[][] strides) {
        int ops = strides.length;
        int[] mShape = new int[Math.max(shape.length, 1)];
        int[][] mStrides = new int[ops][mShape.length];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue; // size-1 dims never move an offset
            if (r > 0) {
                boolean mergeable = true;
                for (int k = 0; k < ops && mergeable; k++) mergeable = mStrides[k][r - 1] == strides[k][d] * shape[d];
                if (mergeable) {
                    mShape[r - 1] *= shape[d];
                    for (int k = 0; k < ops; k++) mStrides[k][r - 1] = strides[k][d];
                    continue;
                }
            }
            mShape[r] = shape[d];
            for (int k = 0; k < ops; k++) mStrides[k][r] = strides[k][d];
            r++;
        }
        this.rank = r;
        this.shape = mShape;
        this.strides = mStrides;
        this.empty = Shape.numel(shape) == 0;
        this.inner = new int[ops];
        if (r > 0) for (int k = 0; k < ops; k++) inner[k] = mStrides[k][r - 1];
        this.rowLength = r == 0 ? 1 : mShape[r - 1];
    }

    /**
     * Calls fn for every innermost row, in row-major order; {@code offsets} holds the start offsets and is reused
     * (restored on return). Nothing is called for an empty shape.
     *
     * @param offsets per operand, the offset of its element (0, ..., 0); advanced row by row, then restored
     * @param fn      the row body
     */
    public void forEachRow(int[] offsets, RowFn fn) {
        if (empty) return;
        if (rank <= 1) {
            fn.row(offsets, rowLength);
            return;
        }
        int ops = offsets.length;
        int[] base = offsets.clone();
        int outer = 1;
        for (int d = 0; d < rank - 1; d++) outer *= shape[d];
        int[] counter = new int[rank - 1];
        for (int row = 0; row < outer; row++) {
            fn.row(offsets, rowLength);
            for (int d = rank - 2; d >= 0; d--) { // odometer over the outer dims
                if (++counter[d] < shape[d]) {
                    for (int k = 0; k < ops; k++) offsets[k] += strides[k][d];
                    break;
                }
                counter[d] = 0;
                for (int k = 0; k < ops; k++) offsets[k] -= strides[k][d] * (shape[d] - 1);
            }
        }
        System.arraycopy(base, 0, offsets, 0, ops);
    }
}
