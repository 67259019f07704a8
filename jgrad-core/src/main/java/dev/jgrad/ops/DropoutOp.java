package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * Dropout in one pass: each element's keep-or-drop draw and its scaling by 1/(1-p) at once, keeping one
 * boolean per element for the backward pass (gradient times the same scaled mask).
 *
 * <p>The result is bit for bit {@code x * (bernoulli(1 - p) * (1 / (1 - p)))}, the composition it replaces, with
 * the same draws from {@code gen} in the same order. The draws are made chunk by chunk where they are used, so
 * neither they nor a float mask are stored: a Transformer training step drops out about 19 million elements,
 * and the float mask, the draws and the broadcasting product in the backward pass were a fifth of the step's
 * allocations.
 */
public final class DropoutOp {
    private static final int GRAIN = 1 << 15;
    /** Draws made at a time, in a buffer that stays in L1. */
    private static final int CHUNK = 2048;
    private static final ElementwiseKernels K = Kernels.get().elementwise();

    private DropoutOp() {}

    /**
     * Forward: x with each element zeroed with probability p (draws from gen) and the rest scaled by 1/(1-p).
     * As torch.nn.functional.dropout in training mode.
     *
     * @param x the input, any shape
     * @param p the probability of zeroing an element, in [0, 1) (the callers check the range)
     * @param gen the random generator the draws come from, one float per element in row-major order
     * @return a new tensor of x's shape, differentiable with respect to x (the gradient is masked and scaled alike)
     */
    public static Tensor apply(Tensor x, double p, Generator gen) {
        int n = x.numel();
        float keep = (float) (1 - p), scale = (float) (1 / (1 - p));
        float[] in = Dense.storage(x);
        int off = Dense.offset(x);
        float[] y = BufferPool.floats(n);
        boolean[] kept = new boolean[n];
        Generator.FloatDraws draws = gen.reserveFloats(n);
        Parallel.forRange(n, GRAIN, (from, to) -> {
            float[] u = new float[Math.min(CHUNK, to - from)];
            for (int i = from; i < to; i += CHUNK) {
                int len = Math.min(CHUNK, to - i);
                draws.fill(u, 0, i, len);
                K.dropout(u, 0, keep, scale, in, off + i, y, i, kept, i, len);
            }
        });
        int[] shape = x.shape();
        return Tensor.result(Tensor.of(y, shape), "dropout", new Tensor[] {x}, new Tensor[0], (g, saved) -> {
            float[] gd = Dense.storage(g);
            int go = Dense.offset(g);
            float[] dx = BufferPool.floats(n);
            Parallel.forRange(n, GRAIN, (from, to) -> K.dropoutBackward(gd, go + from, kept, from, scale, dx, from, to - from));
            return new Tensor[] {Tensor.of(dx, shape)};
        });
    }
}
