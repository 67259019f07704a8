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
     */
    protected Tensor(Tensor source) {
        this(source.data, source.shape.clone(), source.strides.clone(), source.offset);
    }

    /** A fresh contiguous tensor over {@code data}. */
    static Tensor wrap(float[] data, int[] shape) {
        return new Tensor(data, shape, Shape.contiguousStrides(shape), 0);
    }

    // ---------------------------------------------------------------- factories

    /** A contiguous tensor over {@code data} (not copied: the tensor takes the array). A 1-D tensor when no shape is given. */
    public static Tensor of(float[] data, int... shape) {
        if (shape.length == 0 && data.length != 1) shape = new int[] {data.length};
        if (Shape.numel(shape) != data.length) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape " + Shape.str(shape)
                    + " (" + Shape.numel(shape) + " elements)");
        }
        return wrap(data, shape.clone());
    }

    /** A 0-dimensional tensor holding one value. */
    public static Tensor scalar(float value) {
        return wrap(new float[] {value}, new int[0]);
    }

    public static Tensor zeros(int... shape) {
        return wrap(new float[Shape.numel(shape)], shape.clone());
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        Arrays.fill(d, value);
        return wrap(d, shape.clone());
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    public static Tensor onesLike(Tensor t) {
        return ones(t.shape);
    }

    /** 0, 1, ..., n-1. */
    public static Tensor arange(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return wrap(d, new int[] {n});
    }

    /** Uniform in [low, high). */
    public static Tensor uniform(float low, float high, Generator gen, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        float top = Math.nextDown(high);
        for (int i = 0; i < d.length; i++) d[i] = Math.min((float) (low + (double) (high - low) * gen.nextDouble()), top); // rounding must not reach high
        return wrap(d, shape.clone());
    }

    public static Tensor rand(int... shape) {
        return uniform(0f, 1f, Generator.defaultGenerator(), shape);
    }

    /** Normal with the given mean and standard deviation. */
    public static Tensor normal(float mean, float std, Generator gen, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * gen.nextGaussian());
        return wrap(d, shape.clone());
    }

    public static Tensor randn(int... shape) {
        return normal(0f, 1f, Generator.defaultGenerator(), shape);
    }

    /** 1 with probability p, else 0 (dropout masks). */
    public static Tensor bernoulli(float p, Generator gen, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = gen.nextFloat() < p ? 1f : 0f;
        return wrap(d, shape.clone());
    }

    // ---------------------------------------------------------------- metadata and values

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
        return Shape.numel(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    public int offset() {
        return offset;
    }

    /**
     * The backing array, shared with every view of it. Element (i, j, ...) is at
     * offset() + i * strides()[0] + j * strides()[1] + ... . For kernels, optimisers and I/O.
     */
    public float[] storage() {
        return data;
    }

    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item: only a one-element tensor can be converted to a number, but the shape is " + Shape.str(shape));
        }
        return data[offset];
    }

    public float get(int... index) {
        return data[flatIndex("get", index)];
    }

    /** Sets one element in place (no autograd; refuses tensors in a graph). */
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

    /** A row-major copy of the values. */
    public float[] toArray() {
        if (isContiguous()) return Arrays.copyOfRange(data, offset, offset + numel());
        return contiguousData(this);
    }

    /** Row-major values of t in a fresh array. */
    static float[] contiguousData(Tensor t) {
        float[] out = new float[t.numel()];
        Strided plan = new Strided(t.shape, new int[][] {t.strides, Shape.contiguousStrides(t.shape)});
        int inT = plan.inner[0], inO = plan.inner[1];
        plan.forEachRow(new int[] {t.offset, 0}, (o, n) -> {
            int a = o[0], b = o[1];
            if (inT == 1 && inO == 1) System.arraycopy(t.data, a, out, b, n);
            else for (int i = 0; i < n; i++) out[b + i * inO] = t.data[a + i * inT];
        });
        return out;
    }

    // ---------------------------------------------------------------- autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as a variable whose gradient backward() should compute. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new IllegalStateException("requiresGrad(false): this tensor is the result of '" + gradFn.op()
                    + "' in a graph; use detach() to get a tensor outside the graph");
        }
        requiresGrad = value;
        return this;
    }

    public Tensor grad() {
        return grad;
    }

    public void setGrad(Tensor grad) {
        if (grad != null && !Arrays.equals(grad.shape, shape)) {
            throw new IllegalArgumentException("setGrad: gradient of shape " + Shape.str(grad.shape) + " for a tensor of shape " + Shape.str(shape));
        }
        this.grad = grad;
    }

    /** PyTorch's zero_grad(set_to_none=True). */
    public void zeroGrad() {
        grad = null;
    }

    public Node gradFn() {
        return gradFn;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The same values, outside the graph (shares storage). Truncated BPTT detaches the carried hidden state. */
    public Tensor detach() {
        return new Tensor(data, shape, strides, offset);
    }

    /** Keeps this non-leaf tensor's gradient in grad() after backward (for example dL/dh_t for gradient-flow plots). */
    public Tensor retainGrad() {
        if (gradFn != null) gradFn.retainGradOf(this);
        return this;
    }

    /** Backward from a scalar. */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /** Backward with an upstream gradient of this tensor's shape. */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false);
    }

    public void backward(Tensor gradient, boolean retainGraph) {
        Autograd.backward(this, gradient, retainGraph);
    }

    /**
     * Wraps a freshly computed result, recording the node when grad mode is on and an input requires grad.
     * {@code inputs} are the differentiable inputs in the order the backward rule returns their gradients.
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

    /** this += other (broadcast to this shape). */
    public Tensor addInPlace(Tensor other) {
        checkInPlace("addInPlace");
        Elementwise.binaryInto(Elementwise.Bin.ADD, this, other, this);
        return this;
    }

    /** this += alpha * other, other of the same shape. */
    public Tensor addInPlace(Tensor other, float alpha) {
        checkInPlace("addInPlace");
        Elementwise.binaryInto(Elementwise.Bin.ADD, this, alpha == 1f ? other : other.mul(alpha), this);
        return this;
    }

    public Tensor mulInPlace(float factor) {
        checkInPlace("mulInPlace");
        Elementwise.scaleShiftInto(this, factor, 0f, this);
        return this;
    }

    public Tensor fillInPlace(float value) {
        checkInPlace("fillInPlace");
        Elementwise.scaleShiftInto(this, 0f, value, this);
        return this;
    }

    /** Copies src's values (broadcast to this shape) into this tensor. */
    public Tensor copyFrom(Tensor src) {
        checkInPlace("copyFrom");
        Elementwise.binaryInto(Elementwise.Bin.RIGHT, this, src, this);
        return this;
    }

    // ---------------------------------------------------------------- views

    /** Same values in a new shape; one dimension may be -1. A view when the tensor is contiguous. */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, inferShape("reshape", newShape, numel()));
    }

    public Tensor view(int... newShape) {
        if (!isContiguous()) {
            throw new IllegalStateException("view: tensor of shape " + Shape.str(shape) + " is not contiguous; use reshape() or contiguous() first");
        }
        return reshape(newShape);
    }

    /** Flattens dims [startDim, endDim] into one. */
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

    public Tensor permute(int... dims) {
        return Views.permute(this, dims);
    }

    public Tensor transpose(int d0, int d1) {
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        int a = Shape.dim("transpose", d0, shape.length), b = Shape.dim("transpose", d1, shape.length);
        perm[a] = b;
        perm[b] = a;
        return Views.permute(this, perm);
    }

    /** Transpose of a 2-D tensor. */
    public Tensor t() {
        if (shape.length != 2) throw new IllegalArgumentException("t: expects a 2-D tensor, got shape " + Shape.str(shape));
        return transpose(0, 1);
    }

    /** Elements [start, start+length) along dim, as a view. */
    public Tensor narrow(int dim, int start, int length) {
        return Views.narrow(this, dim, start, length);
    }

    /**
     * Python's x[start:end:step] along dim, as a view: negative indices count from the end and bounds are
     * clamped, as in Python; step must be positive.
     */
    public Tensor slice(int dim, int start, int end, int step) {
        return Views.slice(this, dim, start, end, step);
    }

    /** Index {@code index} along dim, dropping that dim (x[:, i] in Python). */
    public Tensor select(int dim, int index) {
        int d = Shape.dim("select", dim, shape.length);
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d]) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of range for dimension " + d + " of size " + shape[d]);
        }
        return narrow(d, i, 1).squeeze(d);
    }

    /** Broadcasts size-1 dims (and new leading dims) to the given shape without copying; -1 keeps a size. */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    public Tensor expandAs(Tensor other) {
        return expand(other.shape);
    }

    public Tensor squeeze(int dim) {
        int d = Shape.dim("squeeze", dim, shape.length);
        if (shape.length == 0 || shape[d] != 1) return this;
        int[] ns = new int[shape.length - 1];
        for (int i = 0, k = 0; i < shape.length; i++) if (i != d) ns[k++] = shape[i];
        return Views.reshape(this, ns);
    }

    public Tensor unsqueeze(int dim) {
        int d = Shape.dim("unsqueeze", dim, shape.length + 1);
        int[] ns = new int[shape.length + 1];
        for (int i = 0, k = 0; i < ns.length; i++) ns[i] = i == d ? 1 : shape[k++];
        return Views.reshape(this, ns);
    }

    /** This tensor if contiguous, else a contiguous copy (recorded in the graph). */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        return Views.copy(this, "contiguous");
    }

    /** A contiguous copy, recorded in the graph (torch.clone). */
    public Tensor clone() {
        return Views.copy(this, "clone");
    }

    // ---------------------------------------------------------------- elementwise

    public Tensor add(Tensor o) { return Elementwise.binary(Elementwise.Bin.ADD, this, o); }
    public Tensor sub(Tensor o) { return Elementwise.binary(Elementwise.Bin.SUB, this, o); }
    public Tensor mul(Tensor o) { return Elementwise.binary(Elementwise.Bin.MUL, this, o); }
    public Tensor div(Tensor o) { return Elementwise.binary(Elementwise.Bin.DIV, this, o); }
    /** Elementwise this^o (both broadcast). */
    public Tensor pow(Tensor o) { return Elementwise.binary(Elementwise.Bin.POW, this, o); }
    public Tensor maximum(Tensor o) { return Elementwise.binary(Elementwise.Bin.MAX, this, o); }
    public Tensor minimum(Tensor o) { return Elementwise.binary(Elementwise.Bin.MIN, this, o); }

    public Tensor add(float s) { return Elementwise.scaleShift(this, 1f, s); }
    public Tensor sub(float s) { return Elementwise.scaleShift(this, 1f, -s); }
    public Tensor mul(float s) { return Elementwise.scaleShift(this, s, 0f); }
    public Tensor div(float s) { return Elementwise.scaleShift(this, 1f / s, 0f); }
    /** this * alpha + beta in one pass. */
    public Tensor scaleShift(float alpha, float beta) { return Elementwise.scaleShift(this, alpha, beta); }
    /** s - this. */
    public Tensor rsub(float s) { return Elementwise.scaleShift(this, -1f, s); }

    public Tensor neg() { return Elementwise.scaleShift(this, -1f, 0f); }
    public Tensor pow(float p) { return Elementwise.unary(Elementwise.Un.POW, this, p, 0); }
    public Tensor exp() { return Elementwise.unary(Elementwise.Un.EXP, this, 0, 0); }
    public Tensor log() { return Elementwise.unary(Elementwise.Un.LOG, this, 0, 0); }
    public Tensor sqrt() { return Elementwise.unary(Elementwise.Un.SQRT, this, 0, 0); }
    public Tensor abs() { return Elementwise.unary(Elementwise.Un.ABS, this, 0, 0); }
    public Tensor tanh() { return Elementwise.unary(Elementwise.Un.TANH, this, 0, 0); }
    public Tensor sigmoid() { return Elementwise.unary(Elementwise.Un.SIGMOID, this, 0, 0); }
    public Tensor relu() { return Elementwise.unary(Elementwise.Un.RELU, this, 0, 0); }
    /** GELU with the exact erf form (PyTorch's default approximate='none'). */
    public Tensor gelu() { return Elementwise.unary(Elementwise.Un.GELU, this, 0, 0); }
    public Tensor clamp(float min, float max) { return Elementwise.unary(Elementwise.Un.CLAMP, this, min, max); }

    /** 1 where equal, else 0 (not differentiable), like all comparisons. */
    public Tensor eq(Tensor o) { return Elementwise.binary(Elementwise.Bin.EQ, this, o); }
    public Tensor ne(Tensor o) { return Elementwise.binary(Elementwise.Bin.NE, this, o); }
    public Tensor lt(Tensor o) { return Elementwise.binary(Elementwise.Bin.LT, this, o); }
    public Tensor le(Tensor o) { return Elementwise.binary(Elementwise.Bin.LE, this, o); }
    public Tensor gt(Tensor o) { return Elementwise.binary(Elementwise.Bin.GT, this, o); }
    public Tensor ge(Tensor o) { return Elementwise.binary(Elementwise.Bin.GE, this, o); }
    public Tensor eq(float s) { return eq(scalar(s)); }
    public Tensor lt(float s) { return lt(scalar(s)); }
    public Tensor gt(float s) { return gt(scalar(s)); }

    /** cond ? a : b elementwise, all three broadcast; cond is nonzero for true. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    /** This tensor with {@code value} where mask is nonzero (mask broadcast to this shape). */
    public Tensor maskedFill(Tensor mask, float value) {
        if (!Arrays.equals(Shape.broadcast("maskedFill", shape, mask.shape), shape)) {
            throw new IllegalArgumentException("maskedFill: mask of shape " + Shape.str(mask.shape)
                    + " cannot be broadcast to the tensor's shape " + Shape.str(shape));
        }
        return Elementwise.where(mask, scalar(value), this);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements, as a 0-dimensional tensor. */
    public Tensor sum() { return Reductions.sum(this, allDims(), false); }
    public Tensor sum(int dim, boolean keepdim) { return Reductions.sum(this, new int[] {dim}, keepdim); }
    public Tensor sum(int[] dims, boolean keepdim) { return Reductions.sum(this, dims, keepdim); }
    public Tensor mean() { return Reductions.mean(this, allDims(), false); }
    public Tensor mean(int dim, boolean keepdim) { return Reductions.mean(this, new int[] {dim}, keepdim); }
    public Tensor mean(int[] dims, boolean keepdim) { return Reductions.mean(this, dims, keepdim); }
    /** Largest element over everything. */
    public Tensor max() { return Reductions.max(this, -1, false, true).values(); }
    /** Largest values along dim (gradient flows to the first maximal element). */
    public Tensor max(int dim, boolean keepdim) { return Reductions.max(this, dim, keepdim, false).values(); }
    public IntTensor argmax(int dim, boolean keepdim) { return Reductions.max(this, dim, keepdim, false).indices(); }
    /** Variance with Bessel's correction (PyTorch's default unbiased=True, correction=1). */
    public Tensor var(int[] dims, boolean keepdim) { return Reductions.var(this, dims, 1, keepdim); }
    public Tensor var(int[] dims, int correction, boolean keepdim) { return Reductions.var(this, dims, correction, keepdim); }
    public Tensor logsumexp(int dim, boolean keepdim) { return Reductions.logsumexp(this, dim, keepdim); }

    /** Sums broadcast dims away so the result has {@code target} shape (the backward of broadcasting). */
    public Tensor sumTo(int[] target) { return Reductions.sumTo(this, target); }

    private int[] allDims() {
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return d;
    }

    // ---------------------------------------------------------------- linear algebra and normalisation

    /** Matrix product with numpy's rules: 1-D, 2-D, and batched N-D with broadcast batch dims. */
    public Tensor matmul(Tensor o) { return MatMul.matmul(this, o); }

    /** Numerically stable softmax along dim. */
    public Tensor softmax(int dim) { return Softmax.softmax(this, dim, false); }
    public Tensor logSoftmax(int dim) { return Softmax.softmax(this, dim, true); }

    // ---------------------------------------------------------------- joining, splitting, indexing

    public static Tensor cat(List<Tensor> tensors, int dim) { return Indexing.cat(tensors, dim); }
    public static Tensor stack(List<Tensor> tensors, int dim) { return Indexing.stack(tensors, dim); }
    /** Pieces of the given sizes along dim (views). */
    public List<Tensor> split(int[] sizes, int dim) { return Indexing.split(this, sizes, dim); }
    /** Pieces of {@code size} along dim, the last one possibly smaller (torch.split with an int). */
    public List<Tensor> split(int size, int dim) { return Indexing.splitEvery(this, size, dim); }
    /** {@code chunks} nearly equal pieces along dim (torch.chunk). */
    public List<Tensor> chunk(int chunks, int dim) { return Indexing.chunk(this, chunks, dim); }
    /** out[..., i, ...] = this[..., index[i], ...] along dim; index is 1-D. */
    public Tensor indexSelect(int dim, IntTensor index) { return Indexing.indexSelect(this, dim, index); }
    /** out[i][j] = this[i][index[i][j]] for dim 1 (torch.gather); index has this tensor's rank. */
    public Tensor gather(int dim, IntTensor index) { return Indexing.gather(this, dim, index); }

    // ---------------------------------------------------------------- helpers

    /** Resolves one -1 in a requested shape, checking the element count. */
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
