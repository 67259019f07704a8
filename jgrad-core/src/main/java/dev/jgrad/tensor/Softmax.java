package dev.jgrad.tensor;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;

/** softmax and log_softmax along one dim, stable for any input (the row maximum is subtracted first). */
final class Softmax {
    private Softmax() {}

    private static final ElementwiseKernels K = Kernels.get().elementwise();

    static Tensor softmax(Tensor x, int dim, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        int rank = x.dim();
        int d = Shape.dim(op, dim, rank);
        // Work on rows: move dim last (a free view when it already is and x is contiguous).
        int[] perm = new int[rank], inverse = new int[rank];
        for (int i = 0, k = 0; i < rank; i++) if (i != d) perm[k++] = i;
        if (rank > 0) perm[rank - 1] = d;
        for (int i = 0; i < rank; i++) inverse[perm[i]] = i;
        int[] pShape = new int[rank], pStrides = new int[rank];
        for (int i = 0; i < rank; i++) {
            pShape[i] = x.shape[perm[i]];
            pStrides[i] = x.strides[perm[i]];
        }
        Tensor moved = new Tensor(x.data, pShape, pStrides, x.offset);
        float[] y = Tensor.contiguousData(moved);
        int len = rank == 0 ? 1 : x.shape[d];
        if (len > 0) {
            for (int base = 0; base < y.length; base += len) softmaxRow(y, base, len, log);
        }
        Tensor rows = Tensor.wrap(y, pShape);
        Tensor out = new Tensor(rows.data, permute(pShape, inverse), permute(rows.strides, inverse), 0);
        return Tensor.result(out, op, new Tensor[] {x}, new Tensor[] {out}, (g, s) -> {
            Tensor yv = s[0];
            if (log) return new Tensor[] {g.sub(yv.exp().mul(g.sum(d, true)))};
            return new Tensor[] {yv.mul(g.sub(g.mul(yv).sum(d, true)))};
        });
    }

    private static int[] permute(int[] a, int[] perm) {
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) out[i] = a[perm[i]];
        return out;
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
