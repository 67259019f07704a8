package dev.jgrad.ops;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Strided;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Joining, splitting and integer indexing (cat, stack, split, index_select, gather) and their gradients. */
public final class Indexing {
    private Indexing() {}

    private static final ElementwiseKernels K = Kernels.get().elementwise();

    /**
     * Forward: the tensors joined along dim.
     * As torch.cat; the gradient is cut back into the pieces.
     *
     * @param tensors the tensors to join, non-empty, of one rank (at least 1) and equal sizes except along dim
     * @param dim the dim to join along, negative counting from the end
     * @return a new tensor whose size along dim is the sum of the inputs' sizes
     * @throws IllegalArgumentException when the list is empty, a tensor is 0-d or the shapes do not match
     */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
        Tensor first = tensors.get(0);
        int rank = first.dim();
        if (rank == 0) throw new IllegalArgumentException("cat: zero-dimensional tensors cannot be concatenated; use stack");
        int d = Shape.dim("cat", dim, rank);
        int total = 0;
        for (int t = 0; t < tensors.size(); t++) {
            Tensor x = tensors.get(t);
            if (x.dim() != rank) {
                throw new IllegalArgumentException("cat: tensor " + t + " has shape " + Shape.str(x.shape()) + " but tensor 0 has shape " + Shape.str(first.shape()));
            }
            for (int i = 0; i < rank; i++) {
                if (i != d && x.size(i) != first.size(i)) {
                    throw new IllegalArgumentException("cat: sizes must match except in dimension " + d + ", but tensor " + t + " has shape "
                            + Shape.str(x.shape()) + " and tensor 0 has shape " + Shape.str(first.shape()));
                }
            }
            total += x.size(d);
        }
        int[] shape = first.shape();
        shape[d] = total;
        Tensor out = Tensor.zeros(shape);
        int[] starts = new int[tensors.size()];
        try (var ignored = GradMode.noGrad()) {
            int at = 0;
            for (int t = 0; t < tensors.size(); t++) {
                Tensor x = tensors.get(t);
                starts[t] = at;
                out.narrow(d, at, x.size(d)).copyFrom(x);
                at += x.size(d);
            }
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        int[] sizes = new int[inputs.length];
        for (int t = 0; t < inputs.length; t++) sizes[t] = inputs[t].size(d);
        return Tensor.result(out, "cat", inputs, new Tensor[0], (g, s) -> {
            Tensor[] grads = new Tensor[sizes.length];
            for (int t = 0; t < sizes.length; t++) grads[t] = g.narrow(d, starts[t], sizes[t]);
            return grads;
        });
    }

    /**
     * Forward: the tensors (of one shape) stacked along a new dim.
     * As torch.stack.
     *
     * @param tensors the tensors to stack, non-empty, all of one shape
     * @param dim where the new dim goes, in [-(rank+1), rank]
     * @return a new tensor with one more dim, of size {@code tensors.size()} at dim
     * @throws IllegalArgumentException when the list is empty or the shapes differ
     */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
        int rank = tensors.get(0).dim();
        int d = Shape.dim("stack", dim, rank + 1);
        List<Tensor> expanded = new ArrayList<>(tensors.size());
        for (int t = 0; t < tensors.size(); t++) {
            Tensor x = tensors.get(t);
            if (!java.util.Arrays.equals(x.shape(), tensors.get(0).shape())) {
                throw new IllegalArgumentException("stack: all tensors must have the same shape, but tensor " + t + " has shape "
                        + Shape.str(x.shape()) + " and tensor 0 has shape " + Shape.str(tensors.get(0).shape()));
            }
            expanded.add(x.unsqueeze(d));
        }
        return cat(expanded, d);
    }

    /**
     * Forward: x cut along dim into pieces of the given sizes.
     * As torch.split with a list of sizes; the pieces are views (narrow) of x.
     *
     * @param x the tensor to cut
     * @param sizes the size of each piece along dim, non-negative, adding up to x's size there
     * @param dim the dim to cut along, negative counting from the end
     * @return the pieces, in order
     * @throws IllegalArgumentException when a size is negative or the sizes do not add up
     */
    public static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        int d = Shape.dim("split", dim, x.dim());
        int sum = 0;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("split: negative size in " + Shape.str(sizes));
            sum += s;
        }
        if (sum != x.size(d)) {
            throw new IllegalArgumentException("split: sizes " + Shape.str(sizes) + " add up to " + sum + ", but dimension " + d
                    + " of shape " + Shape.str(x.shape()) + " has size " + x.size(d));
        }
        List<Tensor> out = new ArrayList<>(sizes.length);
        int at = 0;
        for (int s : sizes) {
            out.add(x.narrow(d, at, s));
            at += s;
        }
        return out;
    }

    /**
     * Forward: x cut along dim into pieces of size (the last may be smaller).
     * As torch.split with one size; the pieces are views of x.
     *
     * @param x the tensor to cut
     * @param size the size of each piece, at least 1
     * @param dim the dim to cut along, negative counting from the end
     * @return the pieces, in order (one empty piece when x is empty along dim)
     * @throws IllegalArgumentException when size is not positive or dim is out of range
     */
    public static List<Tensor> splitEvery(Tensor x, int size, int dim) {
        if (size <= 0) throw new IllegalArgumentException("split: size must be positive, got " + size);
        int d = Shape.dim("split", dim, x.dim());
        int n = x.size(d);
        int pieces = Math.max(1, (n + size - 1) / size);
        int[] sizes = new int[pieces];
        for (int i = 0; i < pieces; i++) sizes[i] = Math.min(size, n - i * size);
        if (n == 0) sizes[0] = 0;
        return split(x, sizes, d);
    }

    /**
     * Forward: x cut along dim into at most chunks pieces of equal size (the last may be smaller).
     * As torch.chunk; the pieces are views of x, of size ceil(n / chunks), so there may be fewer than chunks.
     *
     * @param x the tensor to cut
     * @param chunks the largest number of pieces, at least 1
     * @param dim the dim to cut along, negative counting from the end
     * @return the pieces, in order
     * @throws IllegalArgumentException when chunks is not positive or dim is out of range
     */
    public static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks <= 0) throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + chunks);
        int d = Shape.dim("chunk", dim, x.dim());
        int size = (x.size(d) + chunks - 1) / chunks;
        return splitEvery(x, Math.max(size, 1), d);
    }

    /**
     * Forward: the slices of x at the given indices along dim.
     * As torch.index_select; the gradient is scatter-added back (repeated indices accumulate).
     *
     * @param x the input
     * @param dim the dim to pick along, negative counting from the end
     * @param index 1-D indices into dim, each in [0, x.size(dim)), repeats allowed
     * @return a new tensor of x's shape with size {@code index.numel()} at dim
     * @throws IllegalArgumentException when index is not 1-D
     * @throws IndexOutOfBoundsException when an index is out of range
     */
    public static Tensor indexSelect(Tensor x, int dim, IntTensor index) {
        int d = Shape.dim("indexSelect", dim, x.dim());
        if (index.dim() != 1) {
            throw new IllegalArgumentException("indexSelect: index must be 1-D, got shape " + Shape.str(index.shape()));
        }
        int[] idx = index.data();
        int size = x.size(d);
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= size) {
                throw new IndexOutOfBoundsException("indexSelect: index " + idx[i] + " (at position " + i + ") is out of range for dimension "
                        + d + " of size " + size);
            }
        }
        int[] shape = x.shape();
        shape[d] = idx.length;
        Tensor out = Tensor.zeros(shape);
        boolean rows = d == 0 && x.isContiguous();
        int rowLen = rows ? x.numel() / Math.max(size, 1) : 0;
        if (rows) {
            for (int i = 0; i < idx.length; i++) System.arraycopy(x.storage(), x.offset() + idx[i] * rowLen, out.storage(), i * rowLen, rowLen);
        } else {
            try (var ignored = GradMode.noGrad()) {
                for (int i = 0; i < idx.length; i++) out.narrow(d, i, 1).copyFrom(x.narrow(d, idx[i], 1));
            }
        }
        int[] inShape = x.shape();
        return Tensor.result(out, "indexSelect", new Tensor[] {x}, new Tensor[0], (g, s) -> {
            Tensor gx = Tensor.zeros(inShape);
            if (d == 0) { // scatter-add whole rows: the embedding backward
                float[] gd = g.toArray();
                int len = gx.numel() / Math.max(inShape[0], 1);
                for (int i = 0; i < idx.length; i++) K.axpy(1f, gd, i * len, gx.storage(), idx[i] * len, len);
            } else {
                for (int i = 0; i < idx.length; i++) gx.narrow(d, idx[i], 1).addInPlace(g.narrow(d, i, 1));
            }
            return new Tensor[] {gx};
        });
    }

    /**
     * Forward: torch.gather, x's values at the index along dim for every position of index.
     * out[i][j][k] = x[index[i][j][k]][j][k] for dim 0, and likewise for the other dims.
     *
     * @param x the input
     * @param dim the dim the indices point along, negative counting from the end
     * @param index indices of x's rank, each in [0, x.size(dim)), no larger than x in the other dims
     * @return a new tensor of index's shape, differentiable with respect to x (scatter-add backward)
     * @throws IllegalArgumentException when index's rank or shape does not fit x
     * @throws IndexOutOfBoundsException when an index is out of range
     */
    public static Tensor gather(Tensor x, int dim, IntTensor index) {
        int rank = x.dim();
        int d = Shape.dim("gather", dim, rank);
        int[] ishape = index.shape();
        if (ishape.length != rank) {
            throw new IllegalArgumentException("gather: index has shape " + Shape.str(ishape) + " but must have the same rank as the input " + Shape.str(x.shape()));
        }
        for (int i = 0; i < rank; i++) {
            if (i != d && ishape[i] > x.size(i)) {
                throw new IllegalArgumentException("gather: index shape " + Shape.str(ishape) + " exceeds the input shape " + Shape.str(x.shape()) + " in dimension " + i);
            }
        }
        int[] idx = index.data();
        int n = idx.length;
        int[] istrides = Shape.contiguousStrides(ishape);
        int[] src = new int[n]; // input offset of each output element
        int[] xStrides = x.strides();
        int xOffset = x.offset(), size = x.size(d);
        for (int p = 0; p < n; p++) {
            int rem = p, off = xOffset;
            for (int i = 0; i < rank; i++) {
                int c = rem / istrides[i];
                rem -= c * istrides[i];
                if (i == d) {
                    int v = idx[p];
                    if (v < 0 || v >= size) {
                        throw new IndexOutOfBoundsException("gather: index " + v + " is out of range for dimension " + d + " of size " + size);
                    }
                    c = v;
                }
                off += c * xStrides[i];
            }
            src[p] = off;
        }
        float[] o = new float[n], xd = x.storage();
        for (int p = 0; p < n; p++) o[p] = xd[src[p]];
        Tensor out = Tensor.of(o, ishape);
        int[] inShape = x.shape(), inStrides = x.strides();
        int inOffset = x.offset();
        boolean contiguous = x.isContiguous();
        return Tensor.result(out, "gather", new Tensor[] {x}, new Tensor[0], (g, s) -> {
            float[] gd = g.toArray();
            Tensor gx = Tensor.zeros(inShape);
            float[] gxd = gx.storage();
            if (contiguous) {
                for (int p = 0; p < n; p++) gxd[src[p] - inOffset] += gd[p];
            } else { // map the strided source offset back to a contiguous position
                int[] cs = Shape.contiguousStrides(inShape);
                for (int p = 0; p < n; p++) {
                    int rem = p, pos = 0;
                    for (int i = 0; i < rank; i++) {
                        int c = rem / istrides[i];
                        rem -= c * istrides[i];
                        pos += (i == d ? idx[p] : c) * cs[i];
                    }
                    gxd[pos] += gd[p];
                }
            }
            return new Tensor[] {gx};
        });
    }
}
