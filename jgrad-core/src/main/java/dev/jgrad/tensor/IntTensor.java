package dev.jgrad.tensor;

import java.util.Arrays;

/**
 * Integer indices (token ids, class targets, argmax results): PyTorch's LongTensor, kept separate
 * because jgrad's differentiable tensors are float32 only. Always contiguous, never differentiable.
 */
public final class IntTensor {
    private final int[] data;
    private final int[] shape;

    private IntTensor(int[] data, int[] shape) {
        if (Shape.numel(shape) != data.length) {
            throw new IllegalArgumentException("IntTensor: " + data.length + " values do not fill shape " + Shape.str(shape));
        }
        this.data = data;
        this.shape = shape.clone();
    }

    /**
     * Wraps the array (no copy) with the given shape; a 1-D tensor when no shape is given. As torch.tensor(data,
     * dtype=torch.long), except that the array is shared.
     *
     * @param data  the values, row-major
     * @param shape the sizes, whose product must be data.length; none for a 1-D tensor
     * @return the tensor over {@code data}
     * @throws IllegalArgumentException if the values do not fill the shape exactly
     */
    public static IntTensor of(int[] data, int... shape) {
        return new IntTensor(data, shape.length == 0 ? new int[] {data.length} : shape);
    }

    /**
     * A tensor of zeros, as torch.zeros(shape, dtype=torch.long).
     *
     * @param shape the sizes
     * @return a new tensor filled with 0
     * @throws IllegalArgumentException if a size is negative
     */
    public static IntTensor zeros(int... shape) {
        return new IntTensor(new int[Shape.numel(shape)], shape);
    }

    /**
     * The sizes, as torch.Tensor.shape.
     *
     * @return a copy of the shape
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions, as torch.Tensor.dim().
     *
     * @return the rank
     */
    public int dim() {
        return shape.length;
    }

    /**
     * The size of one dimension, as torch.Tensor.size(d).
     *
     * @param d the dimension; negative counts from the end (-1 is the last)
     * @return the size of dimension {@code d}
     * @throws IndexOutOfBoundsException if d is out of range
     */
    public int size(int d) {
        return shape[Shape.dim("size", d, shape.length)];
    }

    /**
     * The number of elements, as torch.Tensor.numel().
     *
     * @return the element count
     */
    public int numel() {
        return data.length;
    }

    /**
     * The backing array, row-major.
     *
     * @return the array itself, not a copy: writes to it change the tensor
     */
    public int[] data() {
        return data;
    }

    /**
     * One element, as {@code t[i, j].item()}.
     *
     * @param index one index per dimension, each in [0, size)
     * @return the element
     * @throws IllegalArgumentException  if the number of indices is not the rank
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public int get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("IntTensor.get: " + index.length + " indices for shape " + Shape.str(shape));
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("IntTensor.get: index " + index[d] + " out of range for dimension " + d + " of size " + shape[d]);
            }
            flat = flat * shape[d] + index[d];
        }
        return data[flat];
    }

    /**
     * The same values with another shape, sharing the array, as torch.Tensor.reshape; one size may be -1,
     * inferred from the others.
     *
     * @param newShape the new sizes, whose product must equal {@link #numel()}
     * @return a tensor over the same array
     * @throws IllegalArgumentException if the new shape does not hold exactly numel() elements
     */
    public IntTensor reshape(int... newShape) {
        return new IntTensor(data, Tensor.inferShape("IntTensor.reshape", newShape, data.length));
    }

    /**
     * As float values, for ops that take a float mask or for printing; as torch.Tensor.float(). Values beyond
     * 2^24 in magnitude are rounded.
     *
     * @return a new float tensor of the same shape
     */
    public Tensor toFloat() {
        float[] f = new float[data.length];
        for (int i = 0; i < data.length; i++) f[i] = data[i];
        return Tensor.of(f, shape);
    }

    @Override
    public String toString() {
        return "IntTensor(shape=" + Shape.str(shape) + ", " + (data.length <= 20 ? Arrays.toString(data) : "...") + ")";
    }
}
