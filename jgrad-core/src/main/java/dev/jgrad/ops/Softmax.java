package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Strided;
import dev.jgrad.tensor.Tensor;

/** softmax and log_softmax along one dim, stable for any input (the row maximum is subtracted first). */
public final class Softmax {
    private Softmax() {}

    private static final ElementwiseKernels K = Kernels.get().elementwise();

    /**
     * Forward: softmax (or with log, log_softmax) along dim, with its backward.
     * As torch.softmax(x, dim) and torch.log_softmax(x, dim).
     *
     * @param x the input, any shape (e.g. logits [batch, classes])
     * @param dim the dim that sums to 1, negative counting from the end
     * @param log return log_softmax instead, computed directly rather than as the log of the softmax
     * @return a new tensor of x's shape, differentiable with respect to x
     * @throws IllegalArgumentException when dim is out of range
     */
    public static Tensor softmax(Tensor x, int dim, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        int rank = x.dim();
        int d = Shape.dim(op, dim, rank);
        // Work on rows: move dim last (a free view when it already is and x is contiguous).
        int[] perm = new int[rank], inverse = new int[rank];
        for (int i = 0, k = 0; i < rank; i++) if (i != d) perm[k++] = i;
        if (rank > 0) perm[rank - 1] = d;
        for (int i = 0; i < rank; i++) inverse[perm[i]] = i;
        int[] pShape = new int[rank], xShape = x.shape();
        for (int i = 0; i < rank; i++) pShape[i] = xShape[perm[i]];
        float[] y = x.detach().permute(perm).toArray();
        int len = rank == 0 ? 1 : xShape[d];
        if (len > 0) {
            for (int base = 0; base < y.length; base += len) softmaxRow(y, base, len, log);
        }
        Tensor out = Tensor.of(y, pShape).permute(inverse);
        return Tensor.result(out, op, new Tensor[] {x}, new Tensor[] {out}, (g, s) -> {
            Tensor yv = s[0];
            if (log) return new Tensor[] {g.sub(yv.exp().mul(g.sum(d, true)))};
            return new Tensor[] {yv.mul(g.sub(g.mul(yv).sum(d, true)))};
        });
    }

    private static void softmaxRow(float[] y, int base, int len, boolean log) {
        float max = K.max(y, base, len);
        if (max == Float.NEGATIVE_INFINITY) max = 0f; // a fully masked row: exp gives zeros, the result NaN as in PyTorch
        K.scaleShift(y, base, 1f, -max, y, base, len);
        if (log) {
            float[] tmp = new float[len];
            K.exp(y, base, tmp, 0, len);
            float lse = (float) Math.log(K.sum(tmp, 0, len));
            K.scaleShift(y, base, 1f, -lse, y, base, len);
        } else {
            K.exp(y, base, y, base, len);
            float sum = K.sum(y, base, len);
            K.scaleShift(y, base, 1f / sum, 0f, y, base, len);
        }
    }
}
