package dev.jgrad.tensor;

/** Ops that reinterpret the same storage (reshape, permute, narrow, expand) and the copy that makes a view contiguous. */
final class Views {
    private Views() {}

    static Tensor reshape(Tensor x, int[] shape) {
        int[] inShape = x.shape.clone();
        Tensor out;
        if (x.isContiguous()) {
            out = new Tensor(x.data, shape, Shape.contiguousStrides(shape), x.offset);
        } else {
            out = Tensor.wrap(Tensor.contiguousData(x), shape);
        }
        return Tensor.result(out, "reshape", new Tensor[] {x}, new Tensor[0], (g, s) -> new Tensor[] {g.reshape(inShape)});
    }

    static Tensor permute(Tensor x, int[] dims) {
        int rank = x.shape.length;
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute: " + dims.length + " dims given for a tensor of rank " + rank + " (shape " + Shape.str(x.shape) + ")");
        }
        int[] shape = new int[rank], strides = new int[rank], inverse = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int d = Shape.dim("permute", dims[i], rank);
            if (seen[d]) throw new IllegalArgumentException("permute: dimension " + d + " repeats in " + Shape.str(dims));
            seen[d] = true;
            shape[i] = x.shape[d];
            strides[i] = x.strides[d];
            inverse[d] = i;
        }
        Tensor out = new Tensor(x.data, shape, strides, x.offset);
        return Tensor.result(out, "permute", new Tensor[] {x}, new Tensor[0], (g, s) -> new Tensor[] {g.permute(inverse)});
    }

    static Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = Shape.dim("narrow", dim, x.shape.length);
        if (start < 0 || length < 0 || start + length > x.shape[d]) {
            throw new IndexOutOfBoundsException("narrow: range [" + start + ", " + (start + length) + ") is out of bounds for dimension "
                    + d + " of size " + x.shape[d] + " (shape " + Shape.str(x.shape) + ")");
        }
        int[] shape = x.shape.clone();
        shape[d] = length;
        Tensor out = new Tensor(x.data, shape, x.strides.clone(), x.offset + start * x.strides[d]);
        int[] inShape = x.shape.clone();
        return Tensor.result(out, "narrow", new Tensor[] {x}, new Tensor[0], (g, s) -> {
            Tensor gx = BufferPool.zeros(inShape);
            gx.narrow(d, start, length).copyFrom(g);
            return new Tensor[] {gx};
        });
    }

    static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        int d = Shape.dim("slice", dim, x.shape.length);
        int size = x.shape[d];
        if (step < 1) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        // Python's rules: negative indices count from the end, out-of-range bounds are clamped.
        int s0 = Math.min(Math.max(start < 0 ? start + size : start, 0), size);
        int e0 = Math.min(Math.max(end < 0 ? end + size : end, 0), size);
        int length = e0 > s0 ? (e0 - s0 + step - 1) / step : 0;
        int[] shape = x.shape.clone(), strides = x.strides.clone();
        shape[d] = length;
        strides[d] = x.strides[d] * step;
        Tensor out = new Tensor(x.data, shape, strides, x.offset + s0 * x.strides[d]);
        int[] inShape = x.shape.clone();
        return Tensor.result(out, "slice", new Tensor[] {x}, new Tensor[0], (g, s) -> {
            Tensor gx = BufferPool.zeros(inShape);
            slice(gx, d, s0, e0, step).copyFrom(g);
            return new Tensor[] {gx};
        });
    }

    static Tensor expand(Tensor x, int[] requested) {
        int rank = requested.length;
        if (rank < x.shape.length) {
            throw new IllegalArgumentException("expand: target " + Shape.str(requested) + " has fewer dims than the tensor's shape " + Shape.str(x.shape));
        }
        int lead = rank - x.shape.length;
        int[] shape = new int[rank], strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            int have = i < lead ? 1 : x.shape[i - lead];
            int want = requested[i] == -1 ? have : requested[i];
            if (i < lead && requested[i] == -1) {
                throw new IllegalArgumentException("expand: -1 is not allowed for a new leading dimension (" + Shape.str(requested) + ")");
            }
            if (have != want && have != 1) {
                throw new IllegalArgumentException("expand: the size of dimension " + i + " (" + have + ") must match " + want
                        + " or be 1; tensor shape " + Shape.str(x.shape) + ", target " + Shape.str(requested));
            }
            shape[i] = want;
            strides[i] = i < lead || (have == 1 && want != 1) ? 0 : x.strides[i - lead];
        }
        Tensor out = new Tensor(x.data, shape, strides, x.offset);
        int[] inShape = x.shape.clone();
        return Tensor.result(out, "expand", new Tensor[] {x}, new Tensor[0], (g, s) -> new Tensor[] {g.sumTo(inShape)});
    }

    static Tensor copy(Tensor x, String op) {
        Tensor out = Tensor.wrap(Tensor.contiguousData(x), x.shape.clone());
        return Tensor.result(out, op, new Tensor[] {x}, new Tensor[0], (g, s) -> new Tensor[] {g});
    }
}
