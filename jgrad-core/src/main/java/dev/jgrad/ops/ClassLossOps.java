package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.nn.LossOptions;
import dev.jgrad.nn.Reduction;
import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * Cross-entropy and NLL as single ops with hand-written backward passes.
 *
 * <p>Cross-entropy is the loss of every language model, over vocabularies of tens of thousands of classes:
 * composing log_softmax, gather and the smoothing sum would materialise the [positions, classes] log-probs
 * and walk them several times forward and back. Fused, the forward keeps one log-sum-exp per position,
 * and the backward writes softmax - smoothed one-hot in a single pass over the logits.
 *
 * <p>Both ops work on rows: inputs [N, C, d1, ...] are permuted to [N * d1 * ..., C] first (a recorded
 * copy, so gradients flow back through it), and [C] with a 0-d target is a batch of one.
 */
public final class ClassLossOps {
    private ClassLossOps() {}

    private static final ElementwiseKernels K = Kernels.get().elementwise();
    /** Elements per parallel chunk: below this, handing work to another core costs more than it saves. */
    private static final int GRAIN = 1 << 14;

    /** Scores as rows [P, C], checked targets (flat copy), and the shape of the unreduced loss. */
    private record Rows(Tensor x, int[] targets, int[] lossShape, int valid) {}

    private static Rows rows(String op, Tensor input, IntTensor target, int ignoreIndex) {
        int rank = input.dim();
        int[] inShape = input.shape(), tShape = target.shape();
        int[] expected;
        Tensor x;
        if (rank == 0) {
            throw new IllegalArgumentException(op + ": input must have a class dimension, got a 0-d tensor");
        } else if (rank == 1) { // unbatched: [C] with a single target
            expected = new int[0];
            x = input.unsqueeze(0);
        } else {
            expected = new int[rank - 1];
            expected[0] = inShape[0];
            System.arraycopy(inShape, 2, expected, 1, rank - 2);
            if (rank == 2) {
                x = input;
            } else { // [N, C, d...] -> [N, d..., C] -> [P, C]
                int[] perm = new int[rank];
                perm[0] = 0;
                for (int i = 2; i < rank; i++) perm[i - 1] = i;
                perm[rank - 1] = 1;
                x = input.permute(perm).reshape(-1, inShape[1]);
            }
        }
        boolean scalarTarget = expected.length == 0 && target.numel() == 1;
        if (!Arrays.equals(tShape, expected) && !scalarTarget) {
            throw new IllegalArgumentException(op + ": expected target of shape " + Shape.str(expected) + " for input of shape "
                    + Shape.str(inShape) + " (classes in dimension " + (rank == 1 ? 0 : 1) + "), got target of shape " + Shape.str(tShape));
        }
        int classes = x.size(1);
        int[] t = target.data().clone(); // the caller may refill its batch buffer before backward runs
        int valid = 0;
        for (int p = 0; p < t.length; p++) {
            if (t[p] == ignoreIndex) continue;
            if (t[p] < 0 || t[p] >= classes) {
                throw new IndexOutOfBoundsException(op + ": target " + t[p] + " at position " + position(p, expected)
                        + " is out of range for " + classes + " classes (expected 0.." + (classes - 1) + ", or ignoreIndex " + ignoreIndex + ")");
            }
            valid++;
        }
        return new Rows(x, t, expected, valid);
    }

    private static String position(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Arrays.toString(idx);
    }

    /** Mean over valid targets, sum, or the losses in the target's shape. */
    private static Tensor reduce(float[] loss, Rows r, Reduction reduction) {
        if (reduction == Reduction.NONE) return Tensor.of(loss, r.lossShape);
        double sum = 0;
        for (float v : loss) sum += v;
        // 0 valid targets give 0/0 = NaN for MEAN, as in PyTorch.
        return Tensor.scalar((float) (reduction == Reduction.SUM ? sum : sum / r.valid));
    }

    /** dLoss/dloss_p for each position, from the upstream gradient of the reduced loss. */
    private static float[] upstream(Tensor g, int positions, int valid, Reduction reduction) {
        if (reduction == Reduction.NONE) return g.toArray();
        float s = g.item();
        if (reduction == Reduction.MEAN) s /= valid;
        float[] out = new float[positions];
        Arrays.fill(out, s);
        return out;
    }

    /**
     * Forward: the cross-entropy of logits input [N, C, *] (or [C]) against class indices target, with o's reduction, ignored index and label smoothing.
     * As torch.nn.functional.cross_entropy with class-index targets: log_softmax and the negative log-likelihood
     * fused, with a gradient of softmax minus the (smoothed) one-hot target.
     *
     * @param input unnormalised logits [N, C, *] (or [C] for one sample), C classes along dim 1
     * @param target class indices in [0, C), [N, *] (or a scalar for [C] input); entries equal to the ignore index
     *        contribute neither loss nor gradient
     * @param o the reduction (mean over non-ignored positions, sum or none), ignore index and label smoothing
     * @return the loss: a scalar, or [N, *] per position with {@link Reduction#NONE}
     * @throws IllegalArgumentException when the shapes do not match
     * @throws IndexOutOfBoundsException when a target is neither a class index nor the ignore index
     */
    public static Tensor crossEntropy(Tensor input, IntTensor target, LossOptions o) {
        Rows r = rows("crossEntropy", input, target, o.ignoreIndex());
        Tensor x = r.x.contiguous();
        int positions = r.targets.length, classes = x.size(1);
        int ignore = o.ignoreIndex();
        int[] t = r.targets;
        float eps = (float) o.labelSmoothing();
        float[] xd = x.storage();
        int xo = x.offset();
        float[] lse = new float[positions], loss = new float[positions];
        Parallel.forRange(positions, Math.max(1, GRAIN / Math.max(classes, 1)), (from, to) -> {
            float[] tmp = new float[classes];
            for (int p = from; p < to; p++) {
                if (t[p] == ignore) continue;
                int off = xo + p * classes;
                float max = K.max(xd, off, classes);
                K.scaleShift(xd, off, 1f, -max, tmp, 0, classes);
                K.exp(tmp, 0, tmp, 0, classes);
                double logSumExp = max + Math.log(K.sum(tmp, 0, classes));
                lse[p] = (float) logSumExp;
                // (1 - eps) * nll + (eps / C) * smooth, with nll = lse - x_t and smooth = C * lse - sum_c x_c.
                double l = logSumExp - (1 - eps) * (double) xd[off + t[p]];
                if (eps > 0) l -= eps / classes * (double) K.sum(xd, off, classes);
                loss[p] = (float) l;
            }
        });
        Tensor lseT = Tensor.of(lse, positions);
        Reduction reduction = o.reduction();
        int valid = r.valid;
        Tensor out = Tensor.result(reduce(loss, r, reduction), "crossEntropy", new Tensor[] {x}, new Tensor[] {x, lseT}, (g, s) -> {
            float[] scale = upstream(g, positions, valid, reduction);
            float[] sx = s[0].storage(), sl = s[1].storage();
            int so = s[0].offset();
            float[] grad = BufferPool.floats(positions * classes);
            float offTarget = eps / classes, onTarget = 1 - eps;
            Parallel.forRange(positions, Math.max(1, GRAIN / Math.max(classes, 1)), (from, to) -> {
                for (int p = from; p < to; p++) {
                    if (t[p] == ignore) continue; // ignored positions get zero gradient
                    int row = p * classes;
                    float sp = scale[p];
                    // grad = scale * (softmax - eps/C - (1 - eps) * onehot(target))
                    K.scaleShift(sx, so + row, 1f, -sl[p], grad, row, classes);
                    K.exp(grad, row, grad, row, classes);
                    K.scaleShift(grad, row, sp, -sp * offTarget, grad, row, classes);
                    grad[row + t[p]] -= sp * onTarget;
                }
            });
            return new Tensor[] {Tensor.of(grad, positions, classes)};
        });
        return out;
    }

    /**
     * Forward: the negative log-likelihood of log-probabilities input [N, C, *] (or [C]) at the target classes.
     * As torch.nn.functional.nll_loss.
     *
     * @param input log-probabilities [N, C, *] (or [C]), e.g. the output of log_softmax over dim 1
     * @param target class indices in [0, C), [N, *] (or a scalar for [C] input)
     * @param ignoreIndex a target value that contributes neither loss nor gradient (PyTorch's default -100)
     * @param reduction mean over non-ignored positions, sum, or none (per position)
     * @return the loss: a scalar, or [N, *] with {@link Reduction#NONE}
     * @throws IllegalArgumentException when the shapes do not match
     * @throws IndexOutOfBoundsException when a target is neither a class index nor the ignore index
     */
    public static Tensor nllLoss(Tensor input, IntTensor target, int ignoreIndex, Reduction reduction) {
        Rows r = rows("nllLoss", input, target, ignoreIndex);
        Tensor x = r.x;
        int positions = r.targets.length, classes = x.size(1);
        int[] t = r.targets;
        int[] st = x.strides();
        float[] xd = x.storage();
        float[] loss = new float[positions];
        for (int p = 0; p < positions; p++) {
            if (t[p] != ignoreIndex) loss[p] = -xd[x.offset() + p * st[0] + t[p] * st[1]];
        }
        int valid = r.valid;
        return Tensor.result(reduce(loss, r, reduction), "nllLoss", new Tensor[] {x}, new Tensor[0], (g, s) -> {
            float[] scale = upstream(g, positions, valid, reduction);
            float[] grad = BufferPool.floats(positions * classes);
            for (int p = 0; p < positions; p++) if (t[p] != ignoreIndex) grad[p * classes + t[p]] = -scale[p];
            return new Tensor[] {Tensor.of(grad, positions, classes)};
        });
    }
}
