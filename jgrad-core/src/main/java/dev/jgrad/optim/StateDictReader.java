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

    /**
     * A reader over {@code entries}; {@code owner} names the object being loaded, for messages ("Adam", "StepLR").
     *
     * @param owner   the loading class's name, the start of every error message
     * @param entries the state dict (not copied; it must not change while being read)
     * @throws IllegalArgumentException if {@code entries} is null
     */
    public StateDictReader(String owner, Map<String, Tensor> entries) {
        if (entries == null) throw new IllegalArgumentException(owner + ".loadStateDict: the state dict must not be null");
        this.owner = owner;
        this.entries = entries;
        this.unread = new LinkedHashSet<>(entries.keySet());
    }

    /**
     * Whether the state dict holds {@code key}, for optional entries; does not mark it read.
     *
     * @param key the full key, e.g. {@code "state.0.step"}
     * @return true if present
     */
    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /**
     * A required entry, marked read.
     *
     * @param key the full key
     * @return the tensor (not copied)
     * @throws IllegalArgumentException if the key is missing
     */
    public Tensor tensor(String key) {
        Tensor t = entries.get(key);
        if (t == null) {
            throw new IllegalArgumentException(owner + ".loadStateDict: missing key '" + key + "'");
        }
        unread.remove(key);
        return t;
    }

    /**
     * A required entry of the given shape (a state buffer must match its parameter).
     *
     * @param key   the full key
     * @param shape the expected shape, usually the parameter's
     * @return the tensor (not copied)
     * @throws IllegalArgumentException if the key is missing or the shape differs
     */
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
     *
     * @param key     the full key
     * @param current the value the object was built with
     * @return {@code current} if it rounds to the saved value, else the saved value
     * @throws IllegalArgumentException if the key is missing or does not hold exactly one value
     */
    public double scalar(String key, double current) {
        float saved = one(key);
        return (float) current == saved ? current : saved;
    }

    /**
     * A pair (betas) saved as a 2-element tensor, with the same rounding rule as {@link #scalar}.
     *
     * @param key           the full key
     * @param currentFirst  the first value the object was built with
     * @param currentSecond the second value the object was built with
     * @return the two values, {@code {first, second}}
     * @throws IllegalArgumentException if the key is missing or its tensor is not of shape [2]
     */
    public double[] pair(String key, double currentFirst, double currentSecond) {
        Tensor t = tensor(key, new int[] {2});
        float a = t.get(0), b = t.get(1);
        return new double[] {(float) currentFirst == a ? currentFirst : a, (float) currentSecond == b ? currentSecond : b};
    }

    /**
     * A boolean saved as 0 or 1.
     *
     * @param key the full key
     * @return true for 1, false for 0
     * @throws IllegalArgumentException if the key is missing or its value is neither 0 nor 1
     */
    public boolean flag(String key) {
        float v = one(key);
        if (v != 0f && v != 1f) {
            throw new IllegalArgumentException(owner + ".loadStateDict: '" + key + "' must be 0 or 1 (a flag), got " + v);
        }
        return v == 1f;
    }

    /**
     * A non-negative integer count (a step counter), exact in float32 up to 2^24.
     *
     * @param key the full key
     * @return the count
     * @throws IllegalArgumentException if the key is missing or its value is negative or not an integer
     */
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

    /**
     * Fails when some entries were not read: the state dict belongs to something else. Call it after
     * reading everything, before changing the object being loaded.
     *
     * @throws IllegalArgumentException listing the unread keys
     */
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
