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

    /** Wraps the array (no copy) with the given shape; a 1-D tensor when no shape is given. */
    public static IntTensor of(int[] data, int... shape) {
        return new IntTensor(data, shape.length == 0 ? new int[] {data.length} : shape);
    }

    public static IntTensor zeros(int... shape) {
        return new IntTensor(new int[Shape.numel(shape)], shape);
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim() {
        return shape.length;
    }

    public int size(int d) {
        return shape[Shape.dim("size", d, shape.length)];
    }

    public int numel() {
        return data.length;
    }

    /** The backing array, row-major. */
    public int[] data() {
        return data;
    }

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

    public IntTensor reshape(int... newShape) {
        return new IntTensor(data, Tensor.inferShape("IntTensor.reshape", newShape, data.length));
    }

    /** As float values, for ops that take a float mask or for printing. */
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
