package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.GemmKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.Tensor;

/**
 * y = x W^T + b as one op (PyTorch's addmm), over x [..., in], weight [out, in], bias [out].
 *
 * <p>Each output row starts as the bias and one SGEMM adds x W^T onto it, so the bias costs no extra
 * pass over y; the backward pass computes dx = g W, dW = g^T x (contiguous [out, in], the weight's own
 * layout) and db = the column sums of g, each split across cores. Composed of matmul, a transposed view
 * and a broadcast add, the same layer made the bias add and its gradient's sum single-core passes and
 * handed the weight its gradient as a transposed view that had to be copied column by column.
 */
public final class LinearOp {
    private static final ElementwiseKernels K = Kernels.get().elementwise();
    private static final GemmKernels GEMM = Kernels.get().gemm();
    /** Elements per task below which a bias pass stays on one core. */
    private static final int GRAIN = 1 << 15;

    private LinearOp() {}

    /**
     * Forward: y = x W^T + b. The caller has checked the shapes (see {@link dev.jgrad.nn.Functional#linear}).
     *
     * @param x the input [..., in]
     * @param weight the weight [out, in]
     * @param bias the bias [out], or null for none
     * @return y [..., out], differentiable with respect to x, weight and bias
     */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias) {
        int in = weight.size(1), out = weight.size(0);
        int rows = rowsOf(x);
        float[] xd = Dense.storage(x), wd = Dense.storage(weight);
        int xo = Dense.offset(x), wo = Dense.offset(weight);
        float[] y = BufferPool.floats(rows * out);
        float beta = 0f;
        if (bias != null) {
            float[] bd = Dense.storage(bias);
            int bo = Dense.offset(bias);
            Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(out, 1)), (from, to) -> {
                for (int r = from; r < to; r++) System.arraycopy(bd, bo, y, r * out, out);
            });
            beta = 1f;
        }
        GEMM.sgemm(false, true, rows, out, in, 1f, xd, xo, in, wd, wo, in, beta, y, 0, out);
        int[] shape = x.shape().clone();
        shape[shape.length - 1] = out;
        Tensor xs = x.isContiguous() ? x : Tensor.of(xd, x.shape());
        Tensor ws = weight.isContiguous() ? weight : Tensor.of(wd, weight.shape());
        Tensor[] inputs = bias == null ? new Tensor[] {x, weight} : new Tensor[] {x, weight, bias};
        return Tensor.result(Tensor.of(y, shape), "linear", inputs, new Tensor[] {xs, ws},
                (g, saved) -> backward(g, saved[0], saved[1], x.requiresGrad(), weight.requiresGrad(),
                        bias != null && bias.requiresGrad(), rows, in, out, bias != null));
    }

    private static Tensor[] backward(Tensor g, Tensor x, Tensor w, boolean needX, boolean needW, boolean needB,
                                     int rows, int in, int out, boolean hasBias) {
        float[] gd = Dense.storage(g);
        int go = Dense.offset(g);
        Tensor dx = null, dw = null, db = null;
        if (needX) {
            float[] d = BufferPool.floats(rows * in);
            GEMM.sgemm(false, false, rows, in, out, 1f, gd, go, out, w.storage(), w.offset(), in, 0f, d, 0, in);
            dx = Tensor.of(d, x.shape());
        }
        if (needW) {
            float[] d = BufferPool.floats(out * in);
            GEMM.sgemm(true, false, out, in, rows, 1f, gd, go, out, x.storage(), x.offset(), in, 0f, d, 0, in);
            dw = Tensor.of(d, out, in);
        }
        if (needB) {
            // Column sums, a block of columns per core, rows added in order.
            float[] d = BufferPool.floats(out);
            Parallel.forRange(out, Math.max(1, GRAIN / Math.max(rows, 1)), (from, to) -> {
                for (int r = 0; r < rows; r++) K.add(d, from, gd, go + r * out + from, d, from, to - from);
            });
            db = Tensor.of(d, out);
        }
        return hasBias ? new Tensor[] {dx, dw, db} : new Tensor[] {dx, dw};
    }

    /** The product of all but the last dimension: the rows of the GEMM. */
    private static int rowsOf(Tensor x) {
        int rows = 1;
        for (int d = 0; d < x.dim() - 1; d++) rows *= x.size(d);
        return rows;
    }
}
