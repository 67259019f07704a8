package dev.jgrad.ops;

import dev.jgrad.tensor.Tensor;

/**
 * Max pooling over time of a padded batch [T, B, F] (a sentence classifier's max over its LSTM outputs): per
 * sequence b only its first lengths[b] steps count, so padding never wins.
 */
public final class MaxOverTime {
    private MaxOverTime() {}

    /**
     * Forward: the max over {@code t < lengths[b]}, [B, F], as one op: the forward keeps the winning step of each (b, f) and the backward
     * sends the gradient there (ties to the first, as torch.max).
     *
     * @param x the padded outputs [T, B, F], time first
     * @param lengths the real length of each sequence, B values in [1, T]
     * @return the maxima [B, F], differentiable with respect to x
     */
    public static Tensor apply(Tensor x, int[] lengths) {
        int T = x.size(0), B = x.size(1), F = x.size(2);
        float[] in = x.toArray();
        float[] out = new float[B * F];
        int[] arg = new int[B * F];
        for (int b = 0; b < B; b++) {
            int base = b * F;
            System.arraycopy(in, base, out, base, F);
            for (int t = 1; t < lengths[b]; t++) {
                int row = (t * B + b) * F;
                for (int f = 0; f < F; f++) {
                    float v = in[row + f];
                    if (v > out[base + f]) {
                        out[base + f] = v;
                        arg[base + f] = t;
                    }
                }
            }
        }
        return Tensor.result(Tensor.of(out, B, F), "max_over_time", new Tensor[] {x}, new Tensor[0], (g, s) -> {
            float[] go = g.toArray();
            float[] gx = new float[T * B * F];
            for (int i = 0; i < B * F; i++) {
                int b = i / F, f = i % F;
                gx[(arg[i] * B + b) * F + f] += go[i];
            }
            return new Tensor[] {Tensor.of(gx, T, B, F)};
        });
    }
}
