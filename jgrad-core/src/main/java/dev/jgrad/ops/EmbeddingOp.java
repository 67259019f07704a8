package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * Row lookup with a scatter-add backward that skips the padding row, so padding tokens never move
 * their embedding (PyTorch's padding_idx). Ids of any shape; the result is ids.shape + [dim].
 */
public final class EmbeddingOp {
    private EmbeddingOp() {}

    private static final ElementwiseKernels K = Kernels.get().elementwise();

    /**
     * Forward: the rows of weight picked by ids. paddingIdx is already in [0, num), or -1 for none.
     * As torch.nn.functional.embedding(ids, weight, padding_idx).
     *
     * @param ids token ids of any shape, each in [0, num_embeddings)
     * @param weight the table [num_embeddings, embedding_dim]
     * @param paddingIdx the id whose row receives no gradient, already in [0, num_embeddings), or -1 for none
     * @return the looked-up rows, of shape ids.shape + [embedding_dim], differentiable with respect to weight
     * @throws IllegalArgumentException when weight is not 2-D
     * @throws IndexOutOfBoundsException when an id is out of range (the message names its position)
     */
    public static Tensor embedding(IntTensor ids, Tensor weight, int paddingIdx) {
        checkWeight(weight);
        Tensor w = weight.contiguous();
        int num = w.size(0), dim = w.size(1);
        int[] idx = ids.data().clone(); // the caller may refill its batch buffer before backward runs
        int[] idShape = ids.shape();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= num) {
                throw new IndexOutOfBoundsException("Embedding: index " + idx[i] + " at position " + position(i, idShape)
                        + " is out of range for num_embeddings " + num + " (expected 0.." + (num - 1) + ")");
            }
        }
        float[] wd = w.storage(), out = BufferPool.floats(idx.length * dim);
        int wo = w.offset();
        for (int i = 0; i < idx.length; i++) System.arraycopy(wd, wo + idx[i] * dim, out, i * dim, dim);
        int[] outShape = java.util.Arrays.copyOf(idShape, idShape.length + 1);
        outShape[idShape.length] = dim;
        return Tensor.result(Tensor.of(out, outShape), "embedding", new Tensor[] {w}, new Tensor[0], (g, s) -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.storage(), gw = BufferPool.floats(num * dim);
            int go = gc.offset();
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] != paddingIdx) K.axpy(1f, gd, go + i * dim, gw, idx[i] * dim, dim);
            }
            return new Tensor[] {Tensor.of(gw, num, dim)};
        });
    }

    /**
     * Fails with a clear message unless weight is 2-D [num_embeddings, embedding_dim].
     *
     * @param weight the embedding table to check
     * @throws IllegalArgumentException when weight is not 2-D
     */
    public static void checkWeight(Tensor weight) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("embedding: weight must be 2-D [num_embeddings, embedding_dim], got shape " + Shape.str(weight.shape()));
        }
    }

    private static String position(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return java.util.Arrays.toString(idx);
    }
}
