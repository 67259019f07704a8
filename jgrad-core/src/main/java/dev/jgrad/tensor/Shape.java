package dev.jgrad.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by every op: sizes, strides, broadcasting and dimension checks with clear errors. */
public final class Shape {
    private Shape() {}

    /**
     * The number of elements of a tensor of this shape (torch.Tensor.numel): the product of the sizes, 1 for a
     * scalar's empty shape.
     *
     * @param shape the sizes, each 0 or more
     * @return the element count
     * @throws IllegalArgumentException if a size is negative or the count exceeds {@code Integer.MAX_VALUE}
     */
    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative size in shape " + str(shape));
            n *= s;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
        return (int) n;
    }

    /**
     * Row-major strides of a contiguous tensor of this shape: the last dimension has stride 1 and each earlier one
     * the product of the sizes after it (a size 0 counts as 1, so the strides stay valid for empty tensors).
     *
     * @param shape the sizes
     * @return the strides, in elements, one per dimension
     */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return strides;
    }

    /**
     * numpy's broadcasting rule, as torch.broadcast_shapes: align on the right; sizes must match or one of them
     * must be 1. E.g. [4, 1, 3] and [5, 1] give [4, 5, 3].
     *
     * @param op the operation's name, for the error message
     * @param a  the first operand's shape
     * @param b  the second operand's shape
     * @return the broadcast shape, of rank max(a.length, b.length)
     * @throws IllegalArgumentException if the shapes cannot be broadcast together
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides for reading a tensor as if it had the broadcast shape {@code to}: 0 on broadcast dims (as
     * torch.Tensor.expand does), so the same element is read again along them.
     *
     * @param shape   the tensor's own shape, broadcastable to {@code to}
     * @param strides the tensor's own strides
     * @param to      the broadcast shape (from {@link #broadcast})
     * @return one stride per dimension of {@code to}
     */
    public static int[] broadcastStrides(int[] shape, int[] strides, int[] to) {
        int[] out = new int[to.length];
        int lead = to.length - shape.length;
        for (int i = 0; i < to.length; i++) {
            if (i < lead) continue;
            int d = i - lead;
            out[i] = shape[d] == 1 && to[i] != 1 ? 0 : strides[d];
        }
        return out;
    }

    /**
     * Turns a possibly negative dim into [0, rank), or fails naming the op: -1 is the last dimension, as in
     * PyTorch. A scalar (rank 0) accepts 0 and -1, as PyTorch does.
     *
     * @param op   the operation's name, for the error message
     * @param dim  the dimension as the user gave it, in [-rank, rank)
     * @param rank the tensor's number of dimensions
     * @return the dimension in [0, rank) (0 for a scalar)
     * @throws IndexOutOfBoundsException if dim is out of range
     */
    public static int dim(String op, int dim, int rank) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r) {
            throw new IndexOutOfBoundsException(op + ": dimension " + dim + " is out of range for a tensor of rank " + rank
                    + " (expected in [" + (-r) + ", " + (r - 1) + "])");
        }
        return dim < 0 ? dim + r : dim;
    }

    /**
     * A shape as error messages print it, e.g. {@code [2, 3]}.
     *
     * @param shape the sizes
     * @return the sizes in brackets, comma-separated
     */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
