package dev.jgrad.tensor;

import dev.jgrad.autograd.Autograd;
import dev.jgrad.autograd.GradMode;
import dev.jgrad.autograd.Node;
import dev.jgrad.ops.Elementwise;
import dev.jgrad.ops.Indexing;
import dev.jgrad.ops.MatMul;
import dev.jgrad.ops.Reductions;
import dev.jgrad.ops.Softmax;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An n-dimensional float32 array with reverse-mode autograd: row-major storage plus shape, strides and
 * an offset, so that reshape, permute, narrow and expand are views that copy nothing.
 *
 * <p>Every op returns a new tensor. When grad mode is on and an input requires grad, the result records
 * a {@link Node} that knows how to send gradients back. In-place methods (ending in {@code InPlace})
 * are for optimisers and gradient bookkeeping: they refuse tensors that are part of a graph.
 *
 * <p>This package holds the tensor itself: its storage, {@link Shape} rules, the views that reinterpret
 * storage (reshape, permute, narrow, expand) and {@link Strided}, the walk over strided operands. The
 * arithmetic behind the other methods (element-wise, reductions, softmax, matmul, indexing) is in
 * {@link dev.jgrad.ops}, with the fused operations of the layers.
 */
public class Tensor {
    final float[] data;
    final int[] shape;
    final int[] strides;
    final int offset;

    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;

    Tensor(float[] data, int[] shape, int[] strides, int offset) {
        this.data = data;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /**
     * For subclasses such as nn.Parameter: a tensor over the same storage as {@code source}, outside any
     * graph (its values, not its history).
     *
     * @param source the tensor whose storage, shape, strides and offset are shared
     */
    protected Tensor(Tensor source) {
        this(source.data, source.shape.clone(), source.strides.clone(), source.offset);
    }

    /** A fresh contiguous tensor over {@code data}. */
    static Tensor wrap(float[] data, int[] shape) {
        return new Tensor(data, shape, Shape.contiguousStrides(shape), 0);
    }

    // ---------------------------------------------------------------- factories

    /**
     * A contiguous tensor over {@code data} (not copied: the tensor takes the array). A 1-D tensor when no shape is
     * given (a single value with no shape gives a 0-dimensional tensor). As torch.tensor, minus the copy.
     *
     * @param data  the values, row-major
     * @param shape the sizes, whose product must be data.length
     * @return the tensor over {@code data}, not requiring grad
     * @throws IllegalArgumentException if the values do not fill the shape exactly
     */
    public static Tensor of(float[] data, int... shape) {
        if (shape.length == 0 && data.length != 1) shape = new int[] {data.length};
        if (Shape.numel(shape) != data.length) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape " + Shape.str(shape)
                    + " (" + Shape.numel(shape) + " elements)");
        }
        return wrap(data, shape.clone());
    }

    /**
     * A 0-dimensional tensor holding one value, as torch.tensor(value).
     *
     * @param value the value
     * @return a new tensor of shape []
     */
    public static Tensor scalar(float value) {
        return wrap(new float[] {value}, new int[0]);
    }

    /**
     * A tensor of zeros, as torch.zeros.
     *
     * @param shape the sizes, each 0 or more; none for a 0-dimensional tensor
     * @return a new contiguous tensor filled with 0
     * @throws IllegalArgumentException if a size is negative
     */
    public static Tensor zeros(int... shape) {
        return wrap(new float[Shape.numel(shape)], shape.clone());
    }

    /**
     * A tensor of ones, as torch.ones.
     *
     * @param shape the sizes, each 0 or more; none for a 0-dimensional tensor
     * @return a new contiguous tensor filled with 1
     * @throws IllegalArgumentException if a size is negative
     */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /**
     * A tensor with every element equal to {@code value}, as torch.full.
     *
     * @param value the fill value
     * @param shape the sizes, each 0 or more; none for a 0-dimensional tensor
     * @return a new contiguous tensor
     * @throws IllegalArgumentException if a size is negative
     */
    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        Arrays.fill(d, value);
        return wrap(d, shape.clone());
    }

    /**
     * Zeros of another tensor's shape, as torch.zeros_like.
     *
     * @param t the tensor whose shape is copied (its values and grad state are not)
     * @return a new contiguous tensor filled with 0
     */
    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    /**
     * Ones of another tensor's shape, as torch.ones_like.
     *
     * @param t the tensor whose shape is copied
     * @return a new contiguous tensor filled with 1
     */
    public static Tensor onesLike(Tensor t) {
        return ones(t.shape);
    }

    /**
     * 0, 1, ..., n-1, as torch.arange(n).
     *
     * @param n the number of values, 0 or more
     * @return a new 1-D tensor of n elements
     * @throws IllegalArgumentException if n is negative
     */
    public static Tensor arange(int n) {
        if (n < 0) throw new IllegalArgumentException("arange: the number of values must be 0 or more, not " + n);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return wrap(d, new int[] {n});
    }

    /**
     * Uniform in [low, high), as torch.empty(shape).uniform_(low, high, generator=gen).
     *
     * @param low   the smallest possible value
     * @param high  the bound, never reached (values are rounded below it)
     * @param gen   the random stream drawn from (see {@link Generator#defaultGenerator()})
     * @param shape the sizes
     * @return a new contiguous tensor
     */
    public static Tensor uniform(float low, float high, Generator gen, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        float top = Math.nextDown(high);
        for (int i = 0; i < d.length; i++) d[i] = Math.min((float) (low + (double) (high - low) * gen.nextDouble()), top); // rounding must not reach high
        return wrap(d, shape.clone());
    }

    /**
     * Uniform in [0, 1) from the default generator, as torch.rand.
     *
     * @param shape the sizes, each 0 or more; none for a 0-dimensional tensor
     * @return a new contiguous tensor
     */
    public static Tensor rand(int... shape) {
        return uniform(0f, 1f, Generator.defaultGenerator(), shape);
    }

    /**
     * Normal with the given mean and standard deviation, as torch.normal(mean, std, shape, generator=gen).
     *
     * @param mean  the mean
     * @param std   the standard deviation
     * @param gen   the random stream drawn from (see {@link Generator#defaultGenerator()})
     * @param shape the sizes
     * @return a new contiguous tensor
     */
    public static Tensor normal(float mean, float std, Generator gen, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * gen.nextGaussian());
        return wrap(d, shape.clone());
    }

    /**
     * Standard normal (mean 0, standard deviation 1) from the default generator, as torch.randn.
     *
     * @param shape the sizes, each 0 or more; none for a 0-dimensional tensor
     * @return a new contiguous tensor
     */
    public static Tensor randn(int... shape) {
        return normal(0f, 1f, Generator.defaultGenerator(), shape);
    }

    /**
     * 1 with probability p, else 0 (dropout masks), as torch.bernoulli of a tensor full of p.
     *
     * @param p     the probability of a 1, in [0, 1]
     * @param gen   the random stream drawn from (see {@link Generator#defaultGenerator()})
     * @param shape the sizes
     * @return a new contiguous tensor of ones and zeros
     */
    public static Tensor bernoulli(float p, Generator gen, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = gen.nextFloat() < p ? 1f : 0f;
        return wrap(d, shape.clone());
    }

    // ---------------------------------------------------------------- metadata and values

    /**
     * The sizes of the dimensions, as torch.Tensor.shape.
     *
     * @return a copy of the shape; empty for a 0-dimensional tensor
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions, as torch.Tensor.dim().
     *
     * @return the rank, 0 for a scalar
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
     * @return the product of the sizes (1 for a scalar)
     */
    public int numel() {
        return Shape.numel(shape);
    }

    /**
     * How many storage elements one step along each dimension moves, as torch.Tensor.stride(); 0 along a
     * dimension made by {@link #expand}.
     *
     * @return a copy of the strides, one per dimension
     */
    public int[] strides() {
        return strides.clone();
    }

    /**
     * Where element (0, ..., 0) is in {@link #storage()}, as torch.Tensor.storage_offset().
     *
     * @return the index of the first element in the backing array
     */
    public int offset() {
        return offset;
    }

    /**
     * The backing array, shared with every view of it. Element (i, j, ...) is at
     * offset() + i * strides()[0] + j * strides()[1] + ... . For kernels, optimisers and I/O.
     *
     * @return the array itself, not a copy: writes to it change this tensor and its views, bypassing autograd
     */
    public float[] storage() {
        return data;
    }

    /**
     * Whether the elements lie row-major and without gaps in storage (size-1 dimensions may have any stride),
     * as torch.Tensor.is_contiguous(): kernels read such a tensor as one flat run.
     *
     * @return true when the strides are the row-major ones of the shape
     */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /**
     * The value of a one-element tensor, as torch.Tensor.item().
     *
     * @return the single element
     * @throws IllegalStateException if the tensor has more or fewer than one element
     */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item: only a one-element tensor can be converted to a number, but the shape is " + Shape.str(shape));
        }
        return data[offset];
    }

    /**
     * One element, as {@code t[i, j].item()}.
     *
     * @param index one index per dimension; negative indices count from the end
     * @return the element
     * @throws IllegalArgumentException  if the number of indices is not the rank
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public float get(int... index) {
        return data[flatIndex("get", index)];
    }

    /**
     * Sets one element in place (no autograd; refuses tensors in a graph), as {@code t[i, j] = value} under
     * torch.no_grad.
     *
     * @param value the new value
     * @param index one index per dimension; negative indices count from the end
     * @throws IllegalStateException     if grad mode is on and this tensor requires grad or was computed in a graph
     * @throws IllegalArgumentException  if the number of indices is not the rank
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public void set(float value, int... index) {
        checkInPlace("set");
        data[flatIndex("set", index)] = value;
    }

    private int flatIndex(String op, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": " + index.length + " indices for a tensor of shape " + Shape.str(shape));
        }
        int at = offset;
        for (int d = 0; d < shape.length; d++) {
            int i = index[d] < 0 ? index[d] + shape[d] : index[d];
            if (i < 0 || i >= shape[d]) {
                throw new IndexOutOfBoundsException(op + ": index " + index[d] + " is out of range for dimension " + d + " of size " + shape[d]);
            }
            at += i * strides[d];
        }
        return at;
    }

    /**
     * A row-major copy of the values, as torch.Tensor.tolist() flattened.
     *
     * @return a new array of {@link #numel()} floats
     */
    public float[] toArray() {
        if (isContiguous()) return Arrays.copyOfRange(data, offset, offset + numel());
        float[] out = new float[numel()];
        copyContiguous(this, out);
        return out;
    }

    /** Row-major values of t in storage from {@link BufferPool#floats} (pooled inside a scope: for op results and temporaries). */
    static float[] contiguousData(Tensor t) {
        float[] out = BufferPool.floats(t.numel());
        copyContiguous(t, out);
        return out;
    }

    private static void copyContiguous(Tensor t, float[] out) {
        Strided plan = new Strided(t.shape, new int[][] {t.strides, Shape.contiguousStrides(t.shape)});
        int inT = plan.inner[0], inO = plan.inner[1];
        plan.forEachRow(new int[] {t.offset, 0}, (o, n) -> {
            int a = o[0], b = o[1];
            if (inT == 1 && inO == 1) System.arraycopy(t.data, a, out, b, n);
            else for (int i = 0; i < n; i++) out[b + i * inO] = t.data[a + i * inT];
        });
    }

    // ---------------------------------------------------------------- autograd

    /**
     * Whether backward computes a gradient for this tensor (or through it), as torch.Tensor.requires_grad.
     *
     * @return true for a leaf marked by {@link #requiresGrad(boolean)} and for every result computed from one in grad mode
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf tensor as a variable whose gradient backward() should compute, as torch.Tensor.requires_grad_.
     *
     * @param value true to track gradients
     * @return this tensor, for chaining
     * @throws IllegalStateException if value is false and this tensor is the result of an op in a graph (use {@link #detach()})
     */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new IllegalStateException("requiresGrad(false): this tensor is the result of '" + gradFn.op()
                    + "' in a graph; use detach() to get a tensor outside the graph");
        }
        requiresGrad = value;
        return this;
    }

    /**
     * The gradient backward() accumulated into this tensor, as torch.Tensor.grad. Leaves get one; non-leaf tensors
     * only after {@link #retainGrad()}.
     *
     * @return the gradient, of this tensor's shape, or null if none was computed (or it was cleared)
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Replaces the gradient, as assigning torch.Tensor.grad (gradient clipping and accumulation schemes use it).
     *
     * @param grad the new gradient, of this tensor's shape, or null to clear it
     * @throws IllegalArgumentException if the gradient's shape differs from this tensor's
     */
    public void setGrad(Tensor grad) {
        if (grad != null && !Arrays.equals(grad.shape, shape)) {
            throw new IllegalArgumentException("setGrad: gradient of shape " + Shape.str(grad.shape) + " for a tensor of shape " + Shape.str(shape));
        }
        this.grad = grad;
    }

    /**
     * PyTorch's zero_grad(set_to_none=True): drops the gradient, so the next backward starts from nothing
     * rather than adding to it.
     */
    public void zeroGrad() {
        grad = null;
    }

    /**
     * The graph node that produced this tensor, as torch.Tensor.grad_fn.
     *
     * @return the node, or null for a leaf (or a result computed without grad)
     */
    public Node gradFn() {
        return gradFn;
    }

    /**
     * Whether this tensor was not produced by a recorded op, as torch.Tensor.is_leaf: created by a factory,
     * by {@link #detach()}, or computed in no-grad mode. Gradients accumulate in leaves.
     *
     * @return true when {@link #gradFn()} is null
     */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /**
     * The same values, outside the graph (shares storage), as torch.Tensor.detach. Truncated BPTT detaches the
     * carried hidden state.
     *
     * @return a new tensor over the same storage that does not require grad
     */
    public Tensor detach() {
        return new Tensor(data, shape, strides, offset);
    }

    /**
     * Keeps this non-leaf tensor's gradient in grad() after backward (for example dL/dh_t for gradient-flow
     * plots), as torch.Tensor.retain_grad. Does nothing for a leaf, which keeps its gradient anyway.
     *
     * @return this tensor, for chaining
     */
    public Tensor retainGrad() {
        if (gradFn != null) gradFn.retainGradOf(this);
        return this;
    }

    /**
     * Backward from a scalar, as torch.Tensor.backward(): computes dThis/dLeaf for every leaf that requires grad
     * and adds it to that leaf's {@link #grad()}. The graph is freed as it goes.
     *
     * @throws IllegalStateException    if this tensor does not require grad, or its graph was already freed
     * @throws IllegalArgumentException if this tensor has more than one element
     */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /**
     * Backward with an upstream gradient of this tensor's shape, as torch.Tensor.backward(gradient): the
     * vector-Jacobian product of {@code gradient} flows to the leaves.
     *
     * @param gradient dL/dThis, of this tensor's shape; null is allowed for a one-element tensor (meaning 1)
     * @throws IllegalStateException    if this tensor does not require grad, or its graph was already freed
     * @throws IllegalArgumentException if the gradient's shape differs from this tensor's
     */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false);
    }

    /**
     * Backward with an upstream gradient, optionally keeping the graph for another backward, as
     * torch.Tensor.backward(gradient, retain_graph=...).
     *
     * @param gradient    dL/dThis, of this tensor's shape; null is allowed for a one-element tensor (meaning 1)
     * @param retainGraph true to keep the tensors the nodes saved, so that a second backward through the same graph works
     * @throws IllegalStateException    if this tensor does not require grad, or its graph was already freed
     * @throws IllegalArgumentException if the gradient's shape differs from this tensor's
     */
    public void backward(Tensor gradient, boolean retainGraph) {
        Autograd.backward(this, gradient, retainGraph);
    }

    /**
     * Wraps a freshly computed result, recording the node when grad mode is on and an input requires grad.
     * {@code inputs} are the differentiable inputs in the order the backward rule returns their gradients. This is how
     * ops (in {@link dev.jgrad.ops}) join the graph, like a torch.autograd.Function's forward.
     *
     * @param out      the result, computed without autograd
     * @param op       the op's name, shown in {@link #toString()} and in errors (grad_fn)
     * @param inputs   the differentiable inputs (entries may be null)
     * @param saved    tensors the backward rule needs, handed back to it as its second argument (freed after backward
     *                 unless the graph is retained)
     * @param backward the rule mapping the output's gradient to one gradient per input
     * @return {@code out}, now requiring grad and carrying its node when one was recorded
     */
    public static Tensor result(Tensor out, String op, Tensor[] inputs, Tensor[] saved, Node.Backward backward) {
        if (!GradMode.isEnabled()) return out;
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad) {
                out.requiresGrad = true;
                out.gradFn = new Node(op, inputs, saved, backward);
                return out;
            }
        }
        return out;
    }

    void checkInPlace(String op) {
        // A leaf that requires grad may be saved by any node, so only no-grad code (optimisers) may change it.
        if (GradMode.isEnabled() && (gradFn != null || requiresGrad)) {
            throw new IllegalStateException(op + ": in-place change of a tensor that is part of a graph; use the out-of-place op, "
                    + "or do it inside GradMode.noGrad() (as optimisers do)");
        }
    }

    // ---------------------------------------------------------------- in-place (no autograd)

    /**
     * this += other (broadcast to this shape), as torch.Tensor.add_. No autograd: for optimisers and gradient
     * bookkeeping.
     *
     * @param other the addend, broadcastable to this tensor's shape
     * @return this tensor
     * @throws IllegalStateException    if grad mode is on and this tensor is part of a graph
     * @throws IllegalArgumentException if other does not broadcast to this shape
     */
    public Tensor addInPlace(Tensor other) {
        checkInPlace("addInPlace");
        Elementwise.binaryInto(Elementwise.Bin.ADD, this, other, this);
        return this;
    }

    /**
     * this += alpha * other, as torch.Tensor.add_(other, alpha=alpha) (SGD's update). No autograd.
     *
     * @param other the addend, broadcastable to this tensor's shape
     * @param alpha the factor applied to other
     * @return this tensor
     * @throws IllegalStateException    if grad mode is on and this tensor is part of a graph
     * @throws IllegalArgumentException if other does not broadcast to this shape
     */
    public Tensor addInPlace(Tensor other, float alpha) {
        checkInPlace("addInPlace");
        Elementwise.binaryInto(Elementwise.Bin.ADD, this, alpha == 1f ? other : other.mul(alpha), this);
        return this;
    }

    /**
     * this *= factor, as torch.Tensor.mul_. No autograd.
     *
     * @param factor the factor
     * @return this tensor
     * @throws IllegalStateException if grad mode is on and this tensor is part of a graph
     */
    public Tensor mulInPlace(float factor) {
        checkInPlace("mulInPlace");
        Elementwise.scaleShiftInto(this, factor, 0f, this);
        return this;
    }

    /**
     * Sets every element to value, as torch.Tensor.fill_. No autograd.
     *
     * @param value the fill value
     * @return this tensor
     * @throws IllegalStateException if grad mode is on and this tensor is part of a graph
     */
    public Tensor fillInPlace(float value) {
        checkInPlace("fillInPlace");
        Elementwise.scaleShiftInto(this, 0f, value, this);
        return this;
    }

    /**
     * Copies src's values (broadcast to this shape) into this tensor, as torch.Tensor.copy_. No autograd.
     *
     * @param src the values, broadcastable to this tensor's shape
     * @return this tensor
     * @throws IllegalStateException    if grad mode is on and this tensor is part of a graph
     * @throws IllegalArgumentException if src does not broadcast to this shape
     */
    public Tensor copyFrom(Tensor src) {
        checkInPlace("copyFrom");
        Elementwise.binaryInto(Elementwise.Bin.RIGHT, this, src, this);
        return this;
    }

    // ---------------------------------------------------------------- views

    /**
     * Same values in a new shape; one dimension may be -1. A view when the tensor is contiguous, else a copy, as
     * torch.reshape.
     *
     * @param newShape the new sizes, whose product must be {@link #numel()}; one may be -1, inferred from the rest
     * @return a tensor of the new shape, in the graph
     * @throws IllegalArgumentException if the shape does not hold exactly numel() elements
     */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, inferShape("reshape", newShape, numel()));
    }

    /**
     * Same values in a new shape, always sharing storage, as torch.Tensor.view; unlike {@link #reshape} it refuses a
     * non-contiguous tensor rather than copying it.
     *
     * @param newShape the new sizes; one may be -1
     * @return a view of the new shape
     * @throws IllegalStateException    if this tensor is not contiguous
     * @throws IllegalArgumentException if the shape does not hold exactly numel() elements
     */
    public Tensor view(int... newShape) {
        if (!isContiguous()) {
            throw new IllegalStateException("view: tensor of shape " + Shape.str(shape) + " is not contiguous; use reshape() or contiguous() first");
        }
        return reshape(newShape);
    }

    /**
     * Flattens dims [startDim, endDim] into one, as torch.flatten (e.g. flatten(1, -1) turns [batch, c, h, w] into
     * [batch, c * h * w]). A scalar becomes a 1-element 1-D tensor.
     *
     * @param startDim the first dimension merged; negative counts from the end
     * @param endDim   the last dimension merged (inclusive); negative counts from the end
     * @return the reshaped tensor (a view when contiguous)
     * @throws IndexOutOfBoundsException if a dimension is out of range
     */
    public Tensor flatten(int startDim, int endDim) {
        if (shape.length == 0) return reshape(1);
        int s = Shape.dim("flatten", startDim, shape.length), e = Shape.dim("flatten", endDim, shape.length);
        int[] ns = new int[shape.length - (e - s)];
        int k = 0;
        for (int d = 0; d < s; d++) ns[k++] = shape[d];
        int prod = 1;
        for (int d = s; d <= e; d++) prod *= shape[d];
        ns[k++] = prod;
        for (int d = e + 1; d < shape.length; d++) ns[k++] = shape[d];
        return reshape(ns);
    }

    /**
     * Reorders the dimensions, as torch.permute: dimension i of the result is dimension dims[i] of this tensor. A view.
     *
     * @param dims a permutation of the dimensions; negative values count from the end
     * @return a view with permuted shape and strides
     * @throws IllegalArgumentException  if dims has the wrong length or repeats a dimension
     * @throws IndexOutOfBoundsException if a dimension is out of range
     */
    public Tensor permute(int... dims) {
        return Views.permute(this, dims);
    }

    /**
     * Swaps two dimensions, as torch.transpose. A view.
     *
     * @param d0 one dimension; negative counts from the end
     * @param d1 the other dimension
     * @return a view with the two dimensions exchanged
     * @throws IndexOutOfBoundsException if a dimension is out of range
     */
    public Tensor transpose(int d0, int d1) {
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        int a = Shape.dim("transpose", d0, shape.length), b = Shape.dim("transpose", d1, shape.length);
        perm[a] = b;
        perm[b] = a;
        return Views.permute(this, perm);
    }

    /**
     * Transpose of a 2-D tensor, as torch.Tensor.t (a view).
     *
     * @return the [n, m] view of an [m, n] tensor
     * @throws IllegalArgumentException if this tensor is not 2-D
     */
    public Tensor t() {
        if (shape.length != 2) throw new IllegalArgumentException("t: expects a 2-D tensor, got shape " + Shape.str(shape));
        return transpose(0, 1);
    }

    /**
     * Elements [start, start+length) along dim, as a view (torch.narrow).
     *
     * @param dim    the dimension; negative counts from the end
     * @param start  the first index kept, in [0, size]
     * @param length how many indices are kept
     * @return a view of the same rank, with size {@code length} along dim
     * @throws IndexOutOfBoundsException if the range does not lie inside the dimension
     */
    public Tensor narrow(int dim, int start, int length) {
        return Views.narrow(this, dim, start, length);
    }

    /**
     * Python's x[start:end:step] along dim, as a view: negative indices count from the end and bounds are
     * clamped, as in Python; step must be positive.
     *
     * @param dim   the dimension; negative counts from the end
     * @param start the first index (inclusive); clamped to [0, size]
     * @param end   the end index (exclusive); clamped to [0, size]
     * @param step  the distance between kept indices, at least 1
     * @return a view of the same rank; empty along dim when end is not after start
     * @throws IllegalArgumentException if step is less than 1
     */
    public Tensor slice(int dim, int start, int end, int step) {
        return Views.slice(this, dim, start, end, step);
    }

    /**
     * Index {@code index} along dim, dropping that dim (x[:, i] in Python; torch.select). A view.
     *
     * @param dim   the dimension; negative counts from the end
     * @param index the position along dim; negative counts from the end
     * @return a view with one dimension fewer
     * @throws IndexOutOfBoundsException if dim or index is out of range
     */
    public Tensor select(int dim, int index) {
        int d = Shape.dim("select", dim, shape.length);
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of range for dimension " + d + " of size " + shape[d]);
        }
        return narrow(d, i, 1).squeeze(d);
    }

    /**
     * Broadcasts size-1 dims (and new leading dims) to the given shape without copying; -1 keeps a size.
     * As torch.Tensor.expand: the expanded dimensions get stride 0, so write to the result only after {@link #contiguous()}.
     *
     * @param newShape the target sizes, at least as many as this tensor's dimensions, aligned on the right
     * @return a view of the target shape
     * @throws IllegalArgumentException if a size other than 1 would change, or -1 is given for a new leading dimension
     */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    /**
     * {@link #expand} to another tensor's shape, as torch.Tensor.expand_as.
     *
     * @param other the tensor whose shape is the target
     * @return a view of other's shape
     * @throws IllegalArgumentException if this tensor does not broadcast to that shape
     */
    public Tensor expandAs(Tensor other) {
        return expand(other.shape);
    }

    /**
     * Removes dimension dim if its size is 1, as torch.squeeze(x, dim); otherwise returns this tensor unchanged.
     *
     * @param dim the dimension; negative counts from the end
     * @return a view with dim removed, or this tensor
     * @throws IndexOutOfBoundsException if dim is out of range
     */
    public Tensor squeeze(int dim) {
        int d = Shape.dim("squeeze", dim, shape.length);
        if (shape.length == 0 || shape[d] != 1) return this;
        int[] ns = new int[shape.length - 1];
        for (int i = 0, k = 0; i < shape.length; i++) if (i != d) ns[k++] = shape[i];
        return Views.reshape(this, ns);
    }

    /**
     * Inserts a dimension of size 1 at position dim, as torch.unsqueeze (e.g. [c] to [1, c] with dim 0).
     *
     * @param dim the position of the new dimension in the result, in [-(rank + 1), rank]
     * @return a view with one more dimension
     * @throws IndexOutOfBoundsException if dim is out of range
     */
    public Tensor unsqueeze(int dim) {
        int d = Shape.dim("unsqueeze", dim, shape.length + 1);
        int[] ns = new int[shape.length + 1];
        for (int i = 0, k = 0; i < ns.length; i++) ns[i] = i == d ? 1 : shape[k++];
        return Views.reshape(this, ns);
    }

    /**
     * This tensor if contiguous, else a contiguous copy (recorded in the graph), as torch.Tensor.contiguous.
     *
     * @return a tensor with row-major strides and the same values
     */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        return Views.copy(this, "contiguous");
    }

    /**
     * A contiguous copy, recorded in the graph (torch.clone): the gradient flows back unchanged.
     *
     * @return a new tensor with its own storage
     */
    public Tensor clone() {
        return Views.copy(this, "clone");
    }

    // ---------------------------------------------------------------- elementwise

    /**
     * Element-wise this + o, broadcast (torch.add).
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor add(Tensor o) { return Elementwise.binary(Elementwise.Bin.ADD, this, o); }

    /**
     * Element-wise this - o, broadcast (torch.sub).
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor sub(Tensor o) { return Elementwise.binary(Elementwise.Bin.SUB, this, o); }

    /**
     * Element-wise this * o, broadcast (torch.mul; not the matrix product, see {@link #matmul}).
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor mul(Tensor o) { return Elementwise.binary(Elementwise.Bin.MUL, this, o); }

    /**
     * Element-wise this / o, broadcast (torch.div); division by zero gives infinity or NaN, as in IEEE arithmetic.
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor div(Tensor o) { return Elementwise.binary(Elementwise.Bin.DIV, this, o); }

    /**
     * Elementwise this^o (both broadcast), as torch.pow. The exponent's gradient uses log(this), so it is NaN
     * where this is negative.
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor pow(Tensor o) { return Elementwise.binary(Elementwise.Bin.POW, this, o); }

    /**
     * Element-wise larger of this and o, broadcast (torch.maximum); NaN if either is NaN. Ties share the gradient
     * equally, as in PyTorch.
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor maximum(Tensor o) { return Elementwise.binary(Elementwise.Bin.MAX, this, o); }

    /**
     * Element-wise smaller of this and o, broadcast (torch.minimum); NaN if either is NaN. Ties share the gradient
     * equally.
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor minimum(Tensor o) { return Elementwise.binary(Elementwise.Bin.MIN, this, o); }

    /**
     * this + s for every element.
     *
     * @param s the scalar
     * @return a new tensor of this shape
     */
    public Tensor add(float s) { return Elementwise.scaleShift(this, 1f, s); }

    /**
     * this - s for every element.
     *
     * @param s the scalar
     * @return a new tensor of this shape
     */
    public Tensor sub(float s) { return Elementwise.scaleShift(this, 1f, -s); }

    /**
     * this * s for every element.
     *
     * @param s the scalar
     * @return a new tensor of this shape
     */
    public Tensor mul(float s) { return Elementwise.scaleShift(this, s, 0f); }

    /**
     * this / s for every element (computed as this * (1 / s)).
     *
     * @param s the scalar
     * @return a new tensor of this shape
     */
    public Tensor div(float s) { return Elementwise.scaleShift(this, 1f / s, 0f); }

    /**
     * this * alpha + beta in one pass (one kernel call and one graph node instead of two).
     *
     * @param alpha the factor
     * @param beta  the term added after scaling
     * @return a new tensor of this shape
     */
    public Tensor scaleShift(float alpha, float beta) { return Elementwise.scaleShift(this, alpha, beta); }

    /**
     * s - this, as torch.rsub(this, s).
     *
     * @param s the scalar subtracted from
     * @return a new tensor of this shape
     */
    public Tensor rsub(float s) { return Elementwise.scaleShift(this, -1f, s); }

    /**
     * -this, as torch.neg.
     *
     * @return a new tensor of this shape
     */
    public Tensor neg() { return Elementwise.scaleShift(this, -1f, 0f); }

    /**
     * this^p for every element, as torch.pow with a constant exponent.
     *
     * @param p the exponent
     * @return a new tensor of this shape
     */
    public Tensor pow(float p) { return Elementwise.unary(Elementwise.Un.POW, this, p, 0); }

    /**
     * e^this for every element, as torch.exp.
     *
     * @return a new tensor of this shape
     */
    public Tensor exp() { return Elementwise.unary(Elementwise.Un.EXP, this, 0, 0); }

    /**
     * The natural logarithm of every element, as torch.log: -infinity at 0, NaN below.
     *
     * @return a new tensor of this shape
     */
    public Tensor log() { return Elementwise.unary(Elementwise.Un.LOG, this, 0, 0); }

    /**
     * The square root of every element, as torch.sqrt: NaN below 0; the gradient is infinite at 0.
     *
     * @return a new tensor of this shape
     */
    public Tensor sqrt() { return Elementwise.unary(Elementwise.Un.SQRT, this, 0, 0); }

    /**
     * |this| for every element, as torch.abs; the gradient is sign(this) (0 at 0).
     *
     * @return a new tensor of this shape
     */
    public Tensor abs() { return Elementwise.unary(Elementwise.Un.ABS, this, 0, 0); }

    /**
     * The hyperbolic tangent of every element, as torch.tanh.
     *
     * @return a new tensor of this shape
     */
    public Tensor tanh() { return Elementwise.unary(Elementwise.Un.TANH, this, 0, 0); }

    /**
     * 1 / (1 + e^-this) for every element, as torch.sigmoid.
     *
     * @return a new tensor of this shape
     */
    public Tensor sigmoid() { return Elementwise.unary(Elementwise.Un.SIGMOID, this, 0, 0); }

    /**
     * max(this, 0) for every element, as torch.relu.
     *
     * @return a new tensor of this shape
     */
    public Tensor relu() { return Elementwise.unary(Elementwise.Un.RELU, this, 0, 0); }

    /**
     * GELU with the exact erf form (PyTorch's default approximate='none'): x * Phi(x), Phi the standard normal CDF.
     *
     * @return a new tensor of this shape
     */
    public Tensor gelu() { return Elementwise.unary(Elementwise.Un.GELU, this, 0, 0); }

    /**
     * Every element limited to [min, max], as torch.clamp; NaN stays NaN. The gradient passes where min &lt;= x &lt;= max
     * and is 0 elsewhere.
     *
     * @param min the lower bound
     * @param max the upper bound
     * @return a new tensor of this shape
     */
    public Tensor clamp(float min, float max) { return Elementwise.unary(Elementwise.Un.CLAMP, this, min, max); }

    /**
     * 1 where equal, else 0 (not differentiable), like all comparisons; as torch.eq with a float result.
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape holding 1 and 0
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor eq(Tensor o) { return Elementwise.binary(Elementwise.Bin.EQ, this, o); }

    /**
     * 1 where this and o differ, else 0 (torch.ne); not differentiable.
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape holding 1 and 0
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor ne(Tensor o) { return Elementwise.binary(Elementwise.Bin.NE, this, o); }

    /**
     * 1 where this is less than o, else 0 (torch.lt); not differentiable.
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape holding 1 and 0
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor lt(Tensor o) { return Elementwise.binary(Elementwise.Bin.LT, this, o); }

    /**
     * 1 where this is less than or equal to o, else 0 (torch.le); not differentiable.
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape holding 1 and 0
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor le(Tensor o) { return Elementwise.binary(Elementwise.Bin.LE, this, o); }

    /**
     * 1 where this is greater than o, else 0 (torch.gt); not differentiable.
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape holding 1 and 0
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor gt(Tensor o) { return Elementwise.binary(Elementwise.Bin.GT, this, o); }

    /**
     * 1 where this is greater than or equal to o, else 0 (torch.ge); not differentiable.
     *
     * @param o the other operand, broadcastable with this tensor
     * @return a new tensor of the broadcast shape holding 1 and 0
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public Tensor ge(Tensor o) { return Elementwise.binary(Elementwise.Bin.GE, this, o); }

    /**
     * 1 where an element equals s, else 0; not differentiable.
     *
     * @param s the scalar compared with
     * @return a new tensor of this shape holding 1 and 0
     */
    public Tensor eq(float s) { return eq(scalar(s)); }

    /**
     * 1 where an element is less than s, else 0; not differentiable.
     *
     * @param s the scalar compared with
     * @return a new tensor of this shape holding 1 and 0
     */
    public Tensor lt(float s) { return lt(scalar(s)); }

    /**
     * 1 where an element is greater than s, else 0; not differentiable.
     *
     * @param s the scalar compared with
     * @return a new tensor of this shape holding 1 and 0
     */
    public Tensor gt(float s) { return gt(scalar(s)); }

    /**
     * cond ? a : b elementwise, all three broadcast; cond is nonzero for true. As torch.where; the gradient goes to
     * a where cond holds and to b elsewhere.
     *
     * @param cond the condition (nonzero is true), not differentiated
     * @param a    the values where cond holds
     * @param b    the values elsewhere
     * @return a new tensor of the three shapes' broadcast shape
     * @throws IllegalArgumentException if the shapes cannot be broadcast
     */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    /**
     * This tensor with {@code value} where mask is nonzero (mask broadcast to this shape), as
     * torch.Tensor.masked_fill (attention masks fill with -infinity). No gradient flows to the filled positions.
     *
     * @param mask  nonzero where the value goes, broadcastable to this shape
     * @param value the fill value
     * @return a new tensor of this shape
     * @throws IllegalArgumentException if mask does not broadcast to this shape
     */
    public Tensor maskedFill(Tensor mask, float value) {
        if (!Arrays.equals(Shape.broadcast("maskedFill", shape, mask.shape), shape)) {
            throw new IllegalArgumentException("maskedFill: mask of shape " + Shape.str(mask.shape)
                    + " cannot be broadcast to the tensor's shape " + Shape.str(shape));
        }
        return Elementwise.where(mask, scalar(value), this);
    }

    // ---------------------------------------------------------------- reductions

    /**
     * Sum of all elements, as a 0-dimensional tensor (torch.sum).
     *
     * @return a scalar tensor
     */
    public Tensor sum() { return Reductions.sum(this, allDims(), false); }

    /**
     * Sum along one dimension, as torch.sum(x, dim, keepdim).
     *
     * @param dim     the dimension reduced; negative counts from the end
     * @param keepdim true to keep it as size 1 (so the result broadcasts against this tensor), false to drop it
     * @return the sums
     * @throws IndexOutOfBoundsException if dim is out of range
     */
    public Tensor sum(int dim, boolean keepdim) { return Reductions.sum(this, new int[] {dim}, keepdim); }

    /**
     * Sum over several dimensions, as torch.sum(x, dims, keepdim).
     *
     * @param dims    the dimensions reduced, each once; negative values count from the end
     * @param keepdim true to keep them as size 1, false to drop them
     * @return the sums
     * @throws IllegalArgumentException  if a dimension repeats
     * @throws IndexOutOfBoundsException if a dimension is out of range
     */
    public Tensor sum(int[] dims, boolean keepdim) { return Reductions.sum(this, dims, keepdim); }

    /**
     * Mean of all elements, as a 0-dimensional tensor (torch.mean); NaN for an empty tensor.
     *
     * @return a scalar tensor
     */
    public Tensor mean() { return Reductions.mean(this, allDims(), false); }

    /**
     * Mean along one dimension, as torch.mean(x, dim, keepdim).
     *
     * @param dim     the dimension reduced; negative counts from the end
     * @param keepdim true to keep it as size 1, false to drop it
     * @return the means
     * @throws IndexOutOfBoundsException if dim is out of range
     */
    public Tensor mean(int dim, boolean keepdim) { return Reductions.mean(this, new int[] {dim}, keepdim); }

    /**
     * Mean over several dimensions, as torch.mean(x, dims, keepdim).
     *
     * @param dims    the dimensions reduced, each once; negative values count from the end
     * @param keepdim true to keep them as size 1, false to drop them
     * @return the means
     * @throws IllegalArgumentException  if a dimension repeats
     * @throws IndexOutOfBoundsException if a dimension is out of range
     */
    public Tensor mean(int[] dims, boolean keepdim) { return Reductions.mean(this, dims, keepdim); }

    /**
     * Largest element over everything, as torch.max(x); NaN if any element is NaN. The gradient flows to the first
     * maximal element.
     *
     * @return a 0-dimensional tensor
     * @throws IllegalArgumentException if the tensor is empty
     */
    public Tensor max() { return Reductions.max(this, -1, false, true).values(); }

    /**
     * Largest values along dim (gradient flows to the first maximal element), as torch.max(x, dim, keepdim).values.
     *
     * @param dim     the dimension reduced; negative counts from the end
     * @param keepdim true to keep it as size 1, false to drop it
     * @return the maxima
     * @throws IllegalArgumentException  if the tensor is empty
     * @throws IndexOutOfBoundsException if dim is out of range
     */
    public Tensor max(int dim, boolean keepdim) { return Reductions.max(this, dim, keepdim, false).values(); }

    /**
     * Where the largest values along dim are (the first on ties; the first NaN if there is one), as torch.argmax(x, dim, keepdim): predicted classes
     * from logits of shape [batch, classes] with dim 1.
     *
     * @param dim     the dimension searched; negative counts from the end
     * @param keepdim true to keep it as size 1, false to drop it
     * @return the indices along dim
     * @throws IllegalArgumentException  if the tensor is empty
     * @throws IndexOutOfBoundsException if dim is out of range
     */
    public IntTensor argmax(int dim, boolean keepdim) { return Reductions.max(this, dim, keepdim, false).indices(); }

    /**
     * Variance with Bessel's correction (PyTorch's default unbiased=True, correction=1): torch.var(x, dims, keepdim).
     *
     * @param dims    the dimensions reduced, each once; negative values count from the end
     * @param keepdim true to keep them as size 1, false to drop them
     * @return the variances (NaN where only one element is reduced)
     * @throws IllegalArgumentException  if a dimension repeats
     * @throws IndexOutOfBoundsException if a dimension is out of range
     */
    public Tensor var(int[] dims, boolean keepdim) { return Reductions.var(this, dims, 1, keepdim); }

    /**
     * Variance dividing by count - correction, as torch.var(x, dims, correction=correction, keepdim=keepdim); 0 gives
     * the population variance that normalisation layers use.
     *
     * @param dims       the dimensions reduced, each once; negative values count from the end
     * @param correction subtracted from the element count in the divisor (1: unbiased, 0: biased)
     * @param keepdim    true to keep the dimensions as size 1, false to drop them
     * @return the variances
     * @throws IllegalArgumentException  if a dimension repeats
     * @throws IndexOutOfBoundsException if a dimension is out of range
     */
    public Tensor var(int[] dims, int correction, boolean keepdim) { return Reductions.var(this, dims, correction, keepdim); }

    /**
     * log(sum(exp(x))) along dim, computed stably (the maximum is subtracted first), as torch.logsumexp; a row
     * of -infinity gives -infinity, not NaN.
     *
     * @param dim     the dimension reduced; negative counts from the end
     * @param keepdim true to keep it as size 1, false to drop it
     * @return the log-sum-exps
     * @throws IndexOutOfBoundsException if dim is out of range
     */
    public Tensor logsumexp(int dim, boolean keepdim) { return Reductions.logsumexp(this, dim, keepdim); }

    /**
     * Sums broadcast dims away so the result has {@code target} shape (the backward of broadcasting), as
     * torch's sum_to_size.
     *
     * @param target a shape this tensor's shape was broadcast from
     * @return the sums, of shape target
     * @throws IllegalArgumentException if this shape does not broadcast from target
     */
    public Tensor sumTo(int[] target) { return Reductions.sumTo(this, target); }

    private int[] allDims() {
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return d;
    }

    // ---------------------------------------------------------------- linear algebra and normalisation

    /**
     * Matrix product with numpy's rules: 1-D, 2-D, and batched N-D with broadcast batch dims (torch.matmul).
     * [m, k] x [k, n] gives [m, n]; [b, m, k] x [k, n] gives [b, m, n]; a 1-D operand is a vector, its dimension
     * removed from the result.
     *
     * @param o the right operand
     * @return the product
     * @throws IllegalArgumentException if an operand is 0-dimensional, the inner sizes differ, or the batch dimensions
     *                                  cannot be broadcast
     */
    public Tensor matmul(Tensor o) { return MatMul.matmul(this, o); }

    /**
     * Numerically stable softmax along dim, as torch.softmax: the row maximum is subtracted before exponentiating.
     *
     * @param dim the dimension normalised; negative counts from the end (-1 for logits of shape [batch, classes])
     * @return probabilities of this shape, summing to 1 along dim
     * @throws IndexOutOfBoundsException if dim is out of range
     */
    public Tensor softmax(int dim) { return Softmax.softmax(this, dim, false); }

    /**
     * log(softmax(x)) along dim in one stable pass, as torch.log_softmax; with nll loss it gives cross entropy.
     *
     * @param dim the dimension normalised; negative counts from the end
     * @return log-probabilities of this shape
     * @throws IndexOutOfBoundsException if dim is out of range
     */
    public Tensor logSoftmax(int dim) { return Softmax.softmax(this, dim, true); }

    // ---------------------------------------------------------------- joining, splitting, indexing

    /**
     * Joins tensors along an existing dimension, as torch.cat.
     *
     * @param tensors the tensors, at least one, of the same rank (at least 1) and the same sizes except along dim
     * @param dim     the dimension joined along; negative counts from the end
     * @return a new tensor whose size along dim is the sum of theirs
     * @throws IllegalArgumentException if the list is empty, the tensors are 0-dimensional, or their shapes do not match
     */
    public static Tensor cat(List<Tensor> tensors, int dim) { return Indexing.cat(tensors, dim); }

    /**
     * Joins tensors of one shape along a new dimension, as torch.stack ([c] tensors stack to [n, c] with dim 0).
     *
     * @param tensors the tensors, at least one, all of the same shape
     * @param dim     the position of the new dimension in the result; negative counts from the end
     * @return a new tensor with one more dimension, of size tensors.size() at dim
     * @throws IllegalArgumentException if the list is empty or the shapes differ
     */
    public static Tensor stack(List<Tensor> tensors, int dim) { return Indexing.stack(tensors, dim); }

    /**
     * Pieces of the given sizes along dim (views), as torch.split with a list of sizes.
     *
     * @param sizes the pieces' sizes along dim, adding up to its size
     * @param dim   the dimension cut; negative counts from the end
     * @return the pieces, in order
     * @throws IllegalArgumentException if a size is negative or the sizes do not add up to the dimension's size
     */
    public List<Tensor> split(int[] sizes, int dim) { return Indexing.split(this, sizes, dim); }

    /**
     * Pieces of {@code size} along dim, the last one possibly smaller (torch.split with an int).
     *
     * @param size the size of each piece along dim, at least 1
     * @param dim  the dimension cut; negative counts from the end
     * @return the pieces (views), in order
     * @throws IllegalArgumentException if size is not positive
     */
    public List<Tensor> split(int size, int dim) { return Indexing.splitEvery(this, size, dim); }

    /**
     * {@code chunks} nearly equal pieces along dim (torch.chunk): each ceil(size / chunks) long, the last smaller,
     * so there may be fewer than chunks pieces.
     *
     * @param chunks the number of pieces wanted, at least 1
     * @param dim    the dimension cut; negative counts from the end
     * @return the pieces (views), in order
     * @throws IllegalArgumentException if chunks is not positive
     */
    public List<Tensor> chunk(int chunks, int dim) { return Indexing.chunk(this, chunks, dim); }

    /**
     * out[..., i, ...] = this[..., index[i], ...] along dim; index is 1-D (torch.index_select). An embedding lookup
     * is indexSelect(0, tokenIds) on the weight matrix. The gradient is scattered back, adding up repeated indices.
     *
     * @param dim   the dimension indexed; negative counts from the end
     * @param index the positions along dim, each in [0, size), in any order and possibly repeated
     * @return a new tensor with size index.numel() along dim
     * @throws IllegalArgumentException  if index is not 1-D
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public Tensor indexSelect(int dim, IntTensor index) { return Indexing.indexSelect(this, dim, index); }

    /**
     * out[i][j] = this[i][index[i][j]] for dim 1 (torch.gather); index has this tensor's rank. Picks the target
     * class's log-probability from [batch, classes] with an index of shape [batch, 1].
     *
     * @param dim   the dimension indexed; negative counts from the end
     * @param index the positions along dim, of this tensor's rank and no larger in any dimension
     * @return a new tensor of the index's shape
     * @throws IllegalArgumentException  if index has the wrong rank or is larger than this tensor
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public Tensor gather(int dim, IntTensor index) { return Indexing.gather(this, dim, index); }

    // ---------------------------------------------------------------- helpers

    /**
     * Resolves one -1 in a requested shape, checking the element count (the rule of reshape and view).
     *
     * @param op        the operation's name, for the error message
     * @param requested the sizes asked for; at most one may be -1
     * @param numel     the number of elements the shape must hold
     * @return a new array with the -1 replaced by the inferred size
     * @throws IllegalArgumentException if more than one size is -1, a size is negative, or the shape cannot hold numel elements
     */
    public static int[] inferShape(String op, int[] requested, int numel) {
        int[] s = requested.clone();
        int unknown = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException(op + ": only one dimension can be -1, got " + Shape.str(requested));
                unknown = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid size " + s[i] + " in " + Shape.str(requested));
            } else {
                known *= s[i];
            }
        }
        if (unknown >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException(op + ": shape " + Shape.str(requested) + " is invalid for input of size " + numel);
            }
            s[unknown] = numel / known;
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": shape " + Shape.str(requested) + " is invalid for input of size " + numel);
        }
        return s;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("tensor(");
        float[] v = toArray();
        if (v.length <= 64) {
            format(sb, v, 0, 0);
        } else {
            sb.append("shape=").append(Shape.str(shape)).append(", first values ");
            for (int i = 0; i < 8; i++) sb.append(String.format(Locale.ROOT, "%.4f ", v[i]));
            sb.append("...");
        }
        if (gradFn != null) sb.append(", grad_fn=<").append(gradFn).append(">");
        else if (requiresGrad) sb.append(", requires_grad=True");
        return sb.append(")").toString();
    }

    private int format(StringBuilder sb, float[] v, int d, int at) {
        if (d == shape.length) {
            sb.append(String.format(Locale.ROOT, "%.4f", v[at]));
            return at + 1;
        }
        sb.append('[');
        for (int i = 0; i < shape[d]; i++) {
            if (i > 0) sb.append(", ");
            at = format(sb, v, d + 1, at);
        }
        return sb.append(']').length() >= 0 ? at : at;
    }
}
