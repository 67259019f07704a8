package dev.jgrad.ops;

import dev.jgrad.tensor.Tensor;

/**
 * Reverses each sequence of a time-first batch [T, B, F] within its own length (padding stays in place), as
 * the backward direction of a bidirectional layer reads a packed sequence. It is its own inverse, so its
 * gradient is the same reversal.
 */
public final class SequenceReverse {
    private SequenceReverse() {}

    /**
     * Forward (and, being its own inverse, backward): x [T, B, F] with sequence b's first lengths[b] steps reversed.
     *
     * @param x the padded batch [T, B, F], time first
     * @param lengths the real length of each sequence, B values in [0, T]; null when every sequence fills all T steps
     * @return a new tensor [T, B, F], differentiable with respect to x
     */
    public static Tensor apply(Tensor x, int[] lengths) {
        int T = x.size(0), B = x.size(1), F = x.size(2);
        float[] in = x.toArray();
        float[] out = reverse(in, lengths, T, B, F);
        return Tensor.result(Tensor.of(out, T, B, F), "reverse", new Tensor[] {x}, new Tensor[0],
                (g, s) -> new Tensor[] {Tensor.of(reverse(g.toArray(), lengths, T, B, F), T, B, F)});
    }

    private static float[] reverse(float[] in, int[] lengths, int T, int B, int F) {
        float[] out = new float[in.length];
        for (int b = 0; b < B; b++) {
            int len = lengths == null ? T : lengths[b];
            for (int t = 0; t < T; t++) {
                int src = t < len ? len - 1 - t : t;
                System.arraycopy(in, (src * B + b) * F, out, (t * B + b) * F, F);
            }
        }
        return out;
    }
}
