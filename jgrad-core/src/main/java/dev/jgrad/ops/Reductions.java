package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Strided;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;

/** Reductions over any set of dims, with keepdim, and their gradients. */
public final class Reductions {
    private Reductions() {}

    private static final ElementwiseKernels K = Kernels.get().elementwise();

    /**
     * The maxima and where they are (indices along the reduced dim).
     *
     * @param values the maxima; the input's shape without the reduced dim (size 1 with keepdim)
     * @param indices the position of each maximum along the reduced dim, same shape as {@code values}
     */
    public record MaxResult(Tensor values, IntTensor indices) {}

    /** Sorted, de-duplicated, non-negative dims; the reduced shape with keepdim, and without. */
    private static int[] normalizeDims(String op, int[] dims, int rank) {
        boolean[] mark = new boolean[Math.max(rank, 1)];
        for (int d : dims) {
            int n = Shape.dim(op, d, rank);
            if (mark[n]) throw new IllegalArgumentException(op + ": dimension " + n + " appears twice in " + Shape.str(dims));
            mark[n] = true;
        }
        return rank == 0 ? new int[0] : java.util.stream.IntStream.range(0, rank).filter(i -> mark[i]).toArray();
    }

    private static int[] keptShape(int[] shape, int[] dims) {
        int[] k = shape.clone();
        for (int d : dims) k[d] = 1;
        return k;
    }

    private static int[] droppedShape(int[] shape, int[] dims) {
        int[] out = new int[shape.length - dims.length];
        for (int i = 0, j = 0, k = 0; i < shape.length; i++) {
            if (j < dims.length && dims[j] == i) j++;
            else out[k++] = shape[i];
        }
        return out;
    }

    /**
     * Forward: the sum over dims (keeping them as size 1 with keepdim), with its backward.
     * As torch.sum(x, dims, keepdim).
     *
     * @param x the input, any shape
     * @param dimsIn the dims to reduce, negative counting from the end; each at most once
     * @param keepdim keep the reduced dims as size 1 (so the result broadcasts against {@code x})
     * @return the sums
     * @throws IllegalArgumentException when a dim is out of range or repeated
     */
    public static Tensor sum(Tensor x, int[] dimsIn, boolean keepdim) {
        int[] dims = normalizeDims("sum", dimsIn, x.dim());
        int[] kept = keptShape(x.shape(), dims);
        Tensor acc = BufferPool.zeros(kept);
        accumulate(x, acc);
        int[] outShape = keepdim ? kept : droppedShape(x.shape(), dims);
        Tensor out = Tensor.of(acc.storage(), outShape);
        int[] inShape = x.shape();
        return Tensor.result(out, "sum", new Tensor[] {x}, new Tensor[0],
                (g, s) -> new Tensor[] {g.reshape(kept).expand(inShape)});
    }

    /** acc (contiguous, x's shape with reduced dims of size 1) += x summed over the reduced dims. */
    private static void accumulate(Tensor x, Tensor acc) {
        int[] accStrides = Shape.broadcastStrides(acc.shape(), acc.strides(), x.shape());
        Strided plan = new Strided(x.shape(), new int[][] {accStrides, x.strides()});
        int ia = plan.inner[0], ix = plan.inner[1];
        float[] ad = acc.storage(), xd = x.storage();
        plan.forEachRow(new int[] {0, x.offset()}, (o, n) -> {
            if (ia == 0) { // the row is reduced to one value
                if (ix == 1) ad[o[0]] += K.sum(xd, o[1], n);
                else {
                    float s = 0f;
                    for (int i = 0; i < n; i++) s += xd[o[1] + i * ix];
                    ad[o[0]] += s;
                }
            } else if (ia == 1 && ix == 1) {
                K.axpy(1f, xd, o[1], ad, o[0], n);
            } else {
                for (int i = 0; i < n; i++) ad[o[0] + i * ia] += xd[o[1] + i * ix];
            }
        });
    }

    /**
     * Forward: the mean over dims.
     * As torch.mean(x, dims, keepdim).
     *
     * @param x the input, any shape
     * @param dimsIn the dims to reduce, negative counting from the end; each at most once
     * @param keepdim keep the reduced dims as size 1
     * @return the means (the sum times 1/count)
     * @throws IllegalArgumentException when a dim is out of range or repeated
     */
    public static Tensor mean(Tensor x, int[] dimsIn, boolean keepdim) {
        int[] dims = normalizeDims("mean", dimsIn, x.dim());
        int count = 1;
        for (int d : dims) count *= x.size(d);
        return sum(x, dims, keepdim).mul(1f / count);
    }

    /**
     * Forward: the variance over dims, dividing by count - correction (1: unbiased).
     * As torch.var(x, dims, correction=..., keepdim=...).
     *
     * @param x the input, any shape
     * @param dimsIn the dims to reduce, negative counting from the end; each at most once
     * @param correction subtracted from the element count in the divisor: 0 for the population variance, 1 for
     *        Bessel's unbiased estimate
     * @param keepdim keep the reduced dims as size 1
     * @return the variances
     * @throws IllegalArgumentException when a dim is out of range or repeated
     */
    public static Tensor var(Tensor x, int[] dimsIn, int correction, boolean keepdim) {
        int[] dims = normalizeDims("var", dimsIn, x.dim());
        int count = 1;
        for (int d : dims) count *= x.size(d);
        Tensor centered = x.sub(mean(x, dims, true));
        return sum(centered.mul(centered), dims, keepdim).mul(1f / Math.max(count - correction, 0));
    }

    /**
     * Forward: log(sum(exp(x))) along dim, computed stably.
     * As torch.logsumexp; a row that is all -inf gives -inf, not NaN.
     *
     * @param x the input, any shape
     * @param dim the dim to reduce, negative counting from the end
     * @param keepdim keep the reduced dim as size 1
     * @return log(sum(exp(x))) along {@code dim}
     * @throws IllegalArgumentException when {@code dim} is out of range
     */
    public static Tensor logsumexp(Tensor x, int dim, boolean keepdim) {
        int d = Shape.dim("logsumexp", dim, x.dim());
        Tensor m = max(x.detach(), d, true, false).values();
        float[] md = m.storage();
        for (int i = 0; i < md.length; i++) if (Float.isInfinite(md[i])) md[i] = 0f; // all -inf rows stay -inf, not NaN
        Tensor r = x.sub(m).exp().sum(d, true).log().add(m);
        return keepdim ? r : r.squeeze(d);
    }

    /**
     * Max along one dim (or over everything when {@code all}); ties and NaN resolve to the first such element.
     * As torch.max(x, dim, keepdim) (or torch.max(x) with {@code all}); the gradient flows to the winning element only.
     *
     * @param x the input, not empty
     * @param dim the dim to reduce, negative counting from the end (ignored with {@code all})
     * @param keepdim keep the reduced dim as size 1 (ignored with {@code all})
     * @param all reduce over every element: the result is a scalar and the index is into the flattened tensor
     * @return the maxima (differentiable) and their indices
     * @throws IllegalArgumentException when {@code x} is empty or {@code dim} is out of range
     */
    public static MaxResult max(Tensor x, int dim, boolean keepdim, boolean all) {
        if (x.numel() == 0) throw new IllegalArgumentException("max: the tensor is empty (shape " + Shape.str(x.shape()) + ")");
        if (all) {
            Tensor flat = x.reshape(-1);
            MaxResult r = max(flat, 0, false, false);
            return r;
        }
        int d = Shape.dim("max", dim, x.dim());
        int rank = x.dim();
        int len = rank == 0 ? 1 : x.size(d);
        // Move dim last so each reduction is one contiguous row.
        int[] perm = new int[rank];
        for (int i = 0, k = 0; i < rank; i++) if (i != d) perm[k++] = i;
        if (rank > 0) perm[rank - 1] = d;
        float[] rows = x.detach().permute(perm).toArray();
        int outer = rows.length / len;
        float[] vals = new float[outer];
        int[] idx = new int[outer];
        for (int r = 0; r < outer; r++) {
            int base = r * len, best = 0;
            float bv = rows[base];
            for (int i = 1; i < len && bv == bv; i++) {
                float v = rows[base + i];
                if (v > bv || v != v) {
                    bv = v;
                    best = i;
                }
            }
            vals[r] = bv;
            idx[r] = best;
        }
        int[] kept = rank == 0 ? new int[0] : keptShape(x.shape(), new int[] {d});
        int[] outShape = keepdim || rank == 0 ? kept : droppedShape(x.shape(), new int[] {d});
        Tensor values = Tensor.of(vals, outShape);
        IntTensor indices = IntTensor.of(idx, outShape.length == 0 ? new int[0] : outShape);
        int[] inShape = x.shape();
        values = Tensor.result(values, "max", new Tensor[] {x}, new Tensor[0], (g, s) -> {
            float[] gd = g.toArray();
            Tensor gx = Tensor.zeros(inShape);
            // Scatter each output gradient to the position of its maximum.
            int[] strides = Shape.contiguousStrides(inShape);
            int dStride = rank == 0 ? 0 : strides[d];
            int inner = rank == 0 ? 1 : dStride;
            for (int r = 0; r < outer; r++) {
                int outerIdx = r / inner, innerIdx = r % inner;
                int pos = outerIdx * inner * len + innerIdx + idx[r] * dStride;
                gx.storage()[pos] += gd[r];
            }
            return new Tensor[] {gx};
        });
        return new MaxResult(values, indices);
    }

    /**
     * Forward: x summed down to the shape it was broadcast from (the gradient of a broadcast).
     *
     * @param x the broadcast result, e.g. a gradient of shape [B, N, F] for a bias of shape [F]
     * @param target the shape {@code x} was broadcast from
     * @return {@code x} summed over the broadcast dims, of shape {@code target} ({@code x} itself when the shapes match)
     * @throws IllegalArgumentException when {@code x}'s shape does not broadcast from {@code target}
     */
    public static Tensor sumTo(Tensor x, int[] target) {
        if (Arrays.equals(x.shape(), target)) return x;
        int lead = x.dim() - target.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumTo: cannot reduce shape " + Shape.str(x.shape()) + " to the larger rank of " + Shape.str(target));
        }
        int[] dims = new int[x.dim()];
        int n = 0;
        for (int i = 0; i < x.dim(); i++) {
            if (i < lead) dims[n++] = i;
            else if (target[i - lead] == 1 && x.size(i) != 1) dims[n++] = i;
            else if (target[i - lead] != x.size(i)) {
                throw new IllegalArgumentException("sumTo: shape " + Shape.str(x.shape()) + " does not broadcast from " + Shape.str(target));
            }
        }
        return sum(x, Arrays.copyOf(dims, n), true).reshape(target);
    }
}
