package dev.jgrad.ops;

import dev.jgrad.kernels.GemmKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Strided;
import dev.jgrad.tensor.Tensor;

/**
 * Matrix products with numpy's rules. Transposed operands (the usual case in backward passes) are handed
 * to SGEMM as transposed, never materialised; a stack of inputs times one weight matrix becomes one GEMM.
 */
public final class MatMul {
    private MatMul() {}

    private static final GemmKernels GEMM = Kernels.get().gemm();

    /** Below this many multiply-adds a product is too small to split inside SGEMM; batches of them are split across cores instead. */
    private static final long SMALL_GEMM_FLOPS = 1 << 17;

    /**
     * Forward: the matrix product with numpy's rules (1-D operands, broadcast batch dims), with its backward.
     * As torch.matmul: 1-D by 1-D is a dot product, a 1-D operand gets a dim of 1 added (and removed from the result), and
     * the dims before the last two broadcast.
     *
     * @param a the left operand, [..., n, k] (or [k])
     * @param b the right operand, [..., k, m] (or [k])
     * @return the product [..., n, m], differentiable with respect to both operands
     * @throws IllegalArgumentException when an operand is 0-d, the inner sizes differ or the batch dims do not broadcast
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        int ra = a.dim(), rb = b.dim();
        if (ra == 0 || rb == 0) {
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        }
        if (ra == 1 && rb == 1) return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape();
        if (ra == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        if (rb == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
        if (rb == 2 && ra > 2) { // [..., m, k] @ [k, n]: fold the batch into m for one large GEMM
            int[] lead = java.util.Arrays.copyOf(a.shape(), ra - 1);
            int k = a.size(ra - 1);
            Tensor r = matmul2d(a.reshape(-1, k), b);
            int[] outShape = java.util.Arrays.copyOf(lead, ra);
            outShape[ra - 1] = b.size(1);
            return r.reshape(outShape);
        }
        return batched(a, b);
    }

    private static void checkInner(Tensor a, Tensor b) {
        if (a.size(a.dim() - 1) != b.size(b.dim() - 2)) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape())
                    + " cannot be multiplied (" + a.size(a.dim() - 1) + " != " + b.size(b.dim() - 2) + ")");
        }
    }

    private static Tensor matmul2d(Tensor a, Tensor b) {
        return batched(a, b);
    }

    /** How SGEMM reads one operand's last two dims without a copy, or null if it cannot. */
    private record Layout(boolean trans, int ld) {}

    private static Layout layout(Tensor t) {
        int r = t.dim();
        int rows = t.size(r - 2), cols = t.size(r - 1);
        int sr = t.strides()[r - 2], sc = t.strides()[r - 1];
        if ((sc == 1 || cols == 1) && (sr >= cols || rows == 1)) return new Layout(false, Math.max(sr, Math.max(cols, 1)));
        if ((sr == 1 || rows == 1) && (sc >= rows || cols == 1)) return new Layout(true, Math.max(sc, Math.max(rows, 1)));
        return null;
    }

    private static Tensor batched(Tensor aIn, Tensor bIn) {
        checkInner(aIn, bIn);
        Tensor a = layout(aIn) == null ? Tensor.of(BufferPool.contiguousValues(aIn), aIn.shape()) : aIn;
        Tensor b = layout(bIn) == null ? Tensor.of(BufferPool.contiguousValues(bIn), bIn.shape()) : bIn;
        Layout la = layout(a), lb = layout(b);
        int ra = a.dim(), rb = b.dim();
        int m = a.size(ra - 2), k = a.size(ra - 1), n = b.size(rb - 1);
        int[] batchA = java.util.Arrays.copyOf(a.shape(), ra - 2), batchB = java.util.Arrays.copyOf(b.shape(), rb - 2);
        int[] batch = Shape.broadcast("matmul", batchA, batchB);
        int[] sa = Shape.broadcastStrides(batchA, java.util.Arrays.copyOf(a.strides(), ra - 2), batch);
        int[] sb = Shape.broadcastStrides(batchB, java.util.Arrays.copyOf(b.strides(), rb - 2), batch);
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = BufferPool.zeros(outShape);
        int count = Shape.numel(batch);
        if (k > 0 && count > 0) {
            int[] offsA = new int[count], offsB = new int[count];
            int[] counter = new int[batch.length];
            int offA = a.offset(), offB = b.offset();
            for (int i = 0; i < count; i++) {
                offsA[i] = offA;
                offsB[i] = offB;
                for (int d = batch.length - 1; d >= 0; d--) { // odometer over the batch dims
                    if (++counter[d] < batch[d]) {
                        offA += sa[d];
                        offB += sb[d];
                        break;
                    }
                    counter[d] = 0;
                    offA -= sa[d] * (batch[d] - 1);
                    offB -= sb[d] * (batch[d] - 1);
                }
            }
            float[] ad = a.storage(), bd = b.storage(), od = out.storage();
            boolean ta = la.trans(), tb = lb.trans();
            int lda = la.ld(), ldb = lb.ld();
            // Many small products (attention heads): one per core. A large one parallelises inside SGEMM.
            long flops = (long) m * n * k;
            int grain = flops >= SMALL_GEMM_FLOPS ? count : (int) Math.max(1, SMALL_GEMM_FLOPS / Math.max(flops, 1));
            Parallel.forRange(count, grain, (from, to) -> {
                for (int i = from; i < to; i++) {
                    GEMM.sgemm(ta, tb, m, n, k, 1f, ad, offsA[i], lda, bd, offsB[i], ldb, 0f, od, i * m * n, n);
                }
            });
        }
        return Tensor.result(out, "matmul", new Tensor[] {aIn, bIn}, new Tensor[] {aIn, bIn}, (g, s) -> {
            Tensor x = s[0], y = s[1];
            Tensor gx = x.requiresGrad() ? g.matmul(y.transpose(-1, -2)).sumTo(x.shape()) : null;
            Tensor gy = y.requiresGrad() ? x.transpose(-1, -2).matmul(g).sumTo(y.shape()) : null;
            return new Tensor[] {gx, gy};
        });
    }
}
