package dev.jgrad.nn;

import dev.jgrad.ops.AttentionSoftmax;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * softmax(Q K^T * scale + mask) V over query [..., L, E], key [..., S, E], value [..., S, Ev], the batch
 * dims broadcast. Used by {@link Functional#scaledDotProductAttention} and {@link MultiheadAttention}.
 *
 * <p>Two batched GEMMs around {@link AttentionSoftmax}. The GEMMs read the heads' strided views and the
 * transposed keys in place, and split many small products across cores, so fusing the products into the
 * op as well would save only the [..., L, S] score tensor, not time.
 */
final class ScaledDotProductAttention {
    private ScaledDotProductAttention() {}

    /**
     * @param who          the caller's name for error messages
     * @param causalOffset with isCausal, key j is hidden from query i when j > i + causalOffset
     */
    static AttentionOutput compute(String who, Tensor query, Tensor key, Tensor value, AttentionMask attnMask, double dropoutP,
                                   boolean isCausal, int causalOffset, double scale, Generator gen) {
        int[] scoresShape = checkShapes(who, query, key, value);
        Functional.checkDropoutP(dropoutP);
        Tensor additive = null;
        if (attnMask != null) {
            checkMask(who, "attn_mask", attnMask.shape(), scoresShape);
            additive = attnMask.toAdditive();
        }
        Tensor scores = query.matmul(key.transpose(-2, -1));
        Tensor weights = AttentionSoftmax.apply(scores, (float) scale, additive, isCausal, causalOffset);
        if (dropoutP > 0) weights = Functional.dropout(weights, dropoutP, true, gen);
        return new AttentionOutput(weights.matmul(value), weights);
    }

    /** The scores' shape [batch..., L, S], after checking that the three inputs fit together. */
    private static int[] checkShapes(String who, Tensor q, Tensor k, Tensor v) {
        if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2) {
            throw new IllegalArgumentException(who + ": query, key and value must be at least 2-D [..., L or S, E], got shapes "
                    + Shape.str(q.shape()) + ", " + Shape.str(k.shape()) + " and " + Shape.str(v.shape()));
        }
        if (q.size(-1) != k.size(-1)) {
            throw new IllegalArgumentException(who + ": query of shape " + Shape.str(q.shape()) + " and key of shape " + Shape.str(k.shape())
                    + " must have the same last dimension E (" + q.size(-1) + " != " + k.size(-1) + ")");
        }
        if (k.size(-2) != v.size(-2)) {
            throw new IllegalArgumentException(who + ": key of shape " + Shape.str(k.shape()) + " and value of shape " + Shape.str(v.shape())
                    + " must have the same sequence length S (" + k.size(-2) + " != " + v.size(-2) + ")");
        }
        int[] bq = Arrays.copyOf(q.shape(), q.dim() - 2), bk = Arrays.copyOf(k.shape(), k.dim() - 2), bv = Arrays.copyOf(v.shape(), v.dim() - 2);
        int[] batch;
        try {
            batch = Shape.broadcast(who, Shape.broadcast(who, bq, bk), bv);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(who + ": the batch dimensions of query " + Shape.str(q.shape()) + ", key " + Shape.str(k.shape())
                    + " and value " + Shape.str(v.shape()) + " do not broadcast", e);
        }
        int[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = q.size(-2);
        out[batch.length + 1] = k.size(-2);
        return out;
    }

    /** A mask must broadcast to the scores' shape without growing it. */
    static void checkMask(String who, String name, int[] maskShape, int[] scoresShape) {
        boolean ok = maskShape.length <= scoresShape.length;
        for (int i = 1; ok && i <= maskShape.length; i++) {
            int m = maskShape[maskShape.length - i], s = scoresShape[scoresShape.length - i];
            ok = m == s || m == 1;
        }
        if (!ok) {
            throw new IllegalArgumentException(who + ": " + name + " of shape " + Shape.str(maskShape)
                    + " cannot be broadcast to the attention scores' shape " + Shape.str(scoresShape) + " [..., L, S]");
        }
    }
}
