package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * The middle of attention as one op: P = softmax(scores * scale + mask) along the last dim, with an
 * optional causal mask, for scores [..., L, S].
 *
 * <p>Fused because composing it (mul, add, softmax, then a where for fully masked rows) makes four passes
 * over the largest tensor of the layer, [B, H, L, S], and records as many nodes; and because the composite
 * cannot avoid NaN: a row whose keys are all masked is softmax of all -inf, NaN, and its NaN gradient
 * survives any later where. Here such a row gets P = 0, so its output is zero and it sends no gradient.
 *
 * <p>The causal mask is applied by index, without a tensor: key j is hidden from query i when
 * j > i + causalOffset (offset 0 is the usual square mask; S - L aligns the last query with the last key,
 * as when new queries follow cached keys).
 *
 * <p>Backward, with dZ = P * (g - rowsum(g * P)): d(scores) = scale * dZ, d(mask) = dZ summed to the
 * mask's shape (only when an additive mask requires grad).
 */
public final class AttentionSoftmax {
    private AttentionSoftmax() {}

    private static final ElementwiseKernels K = Kernels.get().elementwise();
    private static final int GRAIN = 1 << 14;

    /**
     * Forward: softmax(scale * scores + mask) over the last dimension, with the causal keys hidden.
     *
     * @param scores       [..., L, S]
     * @param scale        the factor on the scores (1 / sqrt(head dim) in scaled dot-product attention)
     * @param mask         additive mask broadcastable to scores (already checked by the caller), or null
     * @param causal       whether to hide key j from query i when j > i + causalOffset
     * @param causalOffset the shift of the causal diagonal (keys already cached before the queries)
     * @return the attention weights, of the scores' shape
     */
    public static Tensor apply(Tensor scores, float scale, Tensor mask, boolean causal, int causalOffset) {
        int[] shape = scores.shape();
        int rank = shape.length;
        if (rank < 2) throw new IllegalArgumentException("attention softmax: scores must be [..., L, S], got " + Shape.str(shape));
        int L = shape[rank - 2], S = shape[rank - 1];
        int numel = Shape.numel(shape);
        int rows = S == 0 ? 0 : numel / S;
        Tensor sc = scores.contiguous();
        float[] xd = sc.storage();
        int xo = sc.offset();
        float[] md = null;
        int[] maskRow = null;
        int ms = 0;
        if (mask != null) {
            Tensor me = mask.expand(shape); // a view: broadcast dims get stride 0
            md = me.storage();
            int[] st = me.strides();
            ms = st[rank - 1];
            maskRow = rowOffsets(shape, st, me.offset(), rows);
        }
        float[] y = BufferPool.floats(numel);
        float[] mdata = md;
        int[] mrow = maskRow;
        int mstride = ms;
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(S, 1)), (from, to) -> {
            for (int row = from; row < to; row++) {
                int base = row * S;
                int limit = S;
                if (causal) limit = (int) Math.max(0, Math.min(S, (long) (row % L) + causalOffset + 1));
                if (limit == 0) continue;
                K.scaleShift(xd, xo + base, scale, 0f, y, base, limit);
                if (mdata != null) {
                    if (mstride == 1) {
                        K.add(y, base, mdata, mrow[row], y, base, limit);
                    } else {
                        for (int j = 0; j < limit; j++) y[base + j] += mdata[mrow[row] + j * mstride];
                    }
                }
                float max = K.max(y, base, limit);
                if (max == Float.NEGATIVE_INFINITY) { // every key masked: zero weights, not NaN
                    java.util.Arrays.fill(y, base, base + limit, 0f);
                    continue;
                }
                K.scaleShift(y, base, 1f, -max, y, base, limit);
                K.exp(y, base, y, base, limit);
                float sum = K.sum(y, base, limit);
                K.scaleShift(y, base, 1f / sum, 0f, y, base, limit);
                // keys past the causal limit keep y = 0
            }
        });
        Tensor out = Tensor.of(y, shape);
        return Tensor.result(out, "attentionSoftmax", new Tensor[] {scores, mask}, new Tensor[] {out}, (g, s) -> {
            float[] p = s[0].storage();
            Tensor gc = g.contiguous();
            float[] gd = gc.storage();
            int go = gc.offset();
            boolean maskGrad = mask != null && mask.requiresGrad();
            // Without a mask gradient the scale is folded in: dz = scale * p * (g - dot) in two passes.
            float factor = maskGrad ? 1f : scale;
            float[] dz = BufferPool.floats(numel);
            Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(S, 1)), (from, to) -> {
                for (int row = from; row < to; row++) {
                    int base = row * S;
                    float dot = K.dot(gd, go + base, p, base, S);
                    K.scaleShift(gd, go + base, factor, -dot * factor, dz, base, S);
                    K.mul(dz, base, p, base, dz, base, S);
                }
            });
            Tensor dZ = Tensor.of(dz, shape);
            if (!maskGrad) return new Tensor[] {scores.requiresGrad() ? dZ : null, null};
            return new Tensor[] {scores.requiresGrad() ? dZ.mul(scale) : null, dZ.sumTo(mask.shape())};
        });
    }

    /** Storage offset of the start of each row (all dims but the last) of a strided tensor. */
    private static int[] rowOffsets(int[] shape, int[] strides, int offset, int rows) {
        int lead = shape.length - 1;
        int[] out = new int[rows];
        int[] counter = new int[lead];
        int at = offset;
        for (int r = 0; r < rows; r++) {
            out[r] = at;
            for (int d = lead - 1; d >= 0; d--) { // odometer over the leading dims
                if (++counter[d] < shape[d]) {
                    at += strides[d];
                    break;
                }
                counter[d] = 0;
                at -= strides[d] * (shape[d] - 1);
            }
        }
        return out;
    }
}
