package dev.jgrad.optim;

import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the flat {@code Map<String, Tensor>} state dicts of optimisers and schedulers, checking every
 * entry (presence, shape, integer counts) and that no entry is left over, so that loading the state of
 * another optimiser or model fails with the key at fault instead of resuming wrongly.
 */
public final class StateDictReader {
    private final String owner;
    private final Map<String, Tensor> entries;
    private final Set<String> unread;

    /** {@code owner} names the object being loaded, for messages ("Adam", "StepLR"). */
    public StateDictReader(String owner, Map<String, Tensor> entries) {
        if (entries == null) throw new IllegalArgumentException(owner + ".loadStateDict: the state dict must not be null");
        this.owner = owner;
        this.entries = entries;
        this.unread = new LinkedHashSet<>(entries.keySet());
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** A required entry. */
    public Tensor tensor(String key) {
        Tensor t = entries.get(key);
        if (t == null) {
            throw new IllegalArgumentException(owner + ".loadStateDict: missing key '" + key + "'");
        }
        unread.remove(key);
        return t;
    }

    /** A required entry of the given shape (a state buffer must match its parameter). */
    public Tensor tensor(String key, int[] shape) {
        Tensor t = tensor(key);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(owner + ".loadStateDict: '" + key + "' has shape " + Shape.str(t.shape())
                    + " but the parameter has shape " + Shape.str(shape));
        }
        return t;
    }

    /**
     * A saved double hyperparameter (a one-element float32 tensor). When the saved value equals
     * {@code current} after rounding to float32 it is the same setting, and {@code current} is returned
     * in full precision: that is what makes a resumed run identical to an uninterrupted one.
     */
    public double scalar(String key, double current) {
        float saved = one(key);
        return (float) current == saved ? current : saved;
    }

    /** A pair (betas) saved as a 2-element tensor, with the same rounding rule as {@link #scalar}. */
    public double[] pair(String key, double currentFirst, double currentSecond) {
        Tensor t = tensor(key, new int[] {2});
        float a = t.get(0), b = t.get(1);
        return new double[] {(float) currentFirst == a ? currentFirst : a, (float) currentSecond == b ? currentSecond : b};
    }

    /** A boolean saved as 0 or 1. */
    public boolean flag(String key) {
        float v = one(key);
        if (v != 0f && v != 1f) {
            throw new IllegalArgumentException(owner + ".loadStateDict: '" + key + "' must be 0 or 1 (a flag), got " + v);
        }
        return v == 1f;
    }

    /** A non-negative integer count (a step counter), exact in float32 up to 2^24. */
    public long count(String key) {
        float v = one(key);
        if (!(v >= 0) || v != Math.rint(v)) {
            throw new IllegalArgumentException(owner + ".loadStateDict: '" + key + "' must be a non-negative integer count, got " + v);
        }
        return (long) v;
    }

    private float one(String key) {
        Tensor t = tensor(key);
        if (t.numel() != 1) {
            throw new IllegalArgumentException(owner + ".loadStateDict: '" + key + "' must hold one value, but has shape " + Shape.str(t.shape()));
        }
        return t.toArray()[0];
    }

    /** Fails when some entries were not read: the state dict belongs to something else. */
    public void requireAllRead() {
        if (!unread.isEmpty()) {
            throw new IllegalArgumentException(owner + ".loadStateDict: unexpected keys " + new TreeSet<>(unread)
                    + " (was the state dict saved by a different optimizer, scheduler or model?)");
        }
    }

    /** A float32 scalar entry for a hyperparameter or counter. */
    static Tensor scalarEntry(double value) {
        return Tensor.scalar((float) value);
    }
}
