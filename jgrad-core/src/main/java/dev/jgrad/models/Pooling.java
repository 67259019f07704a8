package dev.jgrad.models;

import dev.jgrad.nn.RecurrentOutput;
import dev.jgrad.ops.MaxOverTime;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Locale;

/**
 * How a sequence classifier turns the encoder's per-token outputs [T, B, F] into one vector per sequence
 * [B, F]. Every option looks only at each sequence's real tokens, so padding never changes the result.
 */
public enum Pooling {
    /** Element-wise maximum over the real time steps (the usual best for sentence classification). */
    MAX,
    /** Average over the real time steps. */
    MEAN,
    /**
     * The final hidden state of the top layer: for one direction the state after the last real token; for two,
     * that and the backward direction's state after reading back to the first token, concatenated.
     */
    LAST;

    /**
     * Parses "max", "mean" or "last" (any case), with an error listing the choices.
     *
     * @param name the pooling's name, as {@link #id()} gives it; surrounding spaces are ignored
     * @return the pooling
     * @throws IllegalArgumentException if the name is none of max, mean, last
     */
    public static Pooling parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pooling '" + name + "' is not one of max, mean, last");
        }
    }

    /**
     * The name {@link #parse} reads and checkpoints store.
     *
     * @return "max", "mean" or "last"
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * One vector per sequence from the encoder's outputs, looking only at each sequence's real tokens.
     *
     * @param encoded    what RNNBase.forward returned for a time-first batch: output [T, B, F] (zero at padding),
     *                   state.h [layers * directions, B, H]
     * @param lengths    real length of each sequence, each in [1, T]
     * @param directions 1 or 2 (F = directions * H)
     * @return the pooled features [B, F]
     * @throws IllegalArgumentException if the output is not 3-d, there is not one length per sequence, or a length
     *                                  is outside [1, T]
     */
    public Tensor apply(RecurrentOutput encoded, int[] lengths, int directions) {
        Tensor out = encoded.output();
        if (out.dim() != 3 || lengths.length != out.size(1)) {
            throw new IllegalArgumentException("pooling: expected outputs [time, batch, features] for " + lengths.length
                    + " lengths, got " + Shape.str(out.shape()));
        }
        int T = out.size(0);
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 1 || lengths[b] > T) {
                throw new IllegalArgumentException("pooling: length " + lengths[b] + " of sequence " + b + " is not in [1, " + T + "]");
            }
        }
        return switch (this) {
            case MAX -> MaxOverTime.apply(out, lengths);
            case MEAN -> {
                float[] inv = new float[lengths.length];
                for (int b = 0; b < inv.length; b++) inv[b] = 1f / lengths[b];
                // outputs are zero at padding, so the plain sum is the sum over real tokens
                yield out.sum(0, false).mul(Tensor.of(inv, inv.length, 1));
            }
            case LAST -> {
                Tensor h = encoded.state().h();
                int rows = h.size(0);
                yield directions == 1 ? h.select(0, rows - 1)
                        : Tensor.cat(java.util.List.of(h.select(0, rows - 2), h.select(0, rows - 1)), 1);
            }
        };
    }
}
