package dev.jgrad.spark;

import dev.jgrad.tensor.Tensor;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A units-weighted mean of named float arrays over workers, built by a tree reduce: each worker adds its arrays with
 * its weight, partial sums merge pairwise. Sums are kept in float64, so the order in which partial results meet does
 * not show in the float32 mean (in all but freak cases). An entry on which every worker agrees bit for bit (a step
 * counter, a hyperparameter) is kept exactly instead of averaged.
 */
final class Aggregate implements Serializable {
    private final LinkedHashMap<String, double[]> sums = new LinkedHashMap<>();
    private final LinkedHashMap<String, float[]> agreed = new LinkedHashMap<>(); // null value: workers disagree
    private final LinkedHashMap<String, int[]> shapes = new LinkedHashMap<>();
    private double weight;

    /** Adds one worker's tensors with weight {@code w}. */
    Aggregate add(StateBlob blob, double w) {
        Aggregate one = new Aggregate();
        one.shapes.putAll(blob.shapes());
        for (Map.Entry<String, float[]> e : blob.values().entrySet()) {
            float[] v = e.getValue();
            double[] s = new double[v.length];
            for (int i = 0; i < v.length; i++) s[i] = w * v[i];
            one.sums.put(e.getKey(), s);
            one.agreed.put(e.getKey(), v);
        }
        one.weight = w;
        return merge(one);
    }

    /** This plus {@code other}, in place. */
    Aggregate merge(Aggregate other) {
        if (other.weight == 0 && other.sums.isEmpty()) return this;
        if (weight == 0 && sums.isEmpty()) {
            sums.putAll(other.sums);
            agreed.putAll(other.agreed);
            shapes.putAll(other.shapes);
            weight = other.weight;
            return this;
        }
        if (!sums.keySet().equals(other.sums.keySet())) {
            throw new IllegalStateException("workers returned different entries: " + sums.keySet() + " and " + other.sums.keySet());
        }
        for (Map.Entry<String, double[]> e : other.sums.entrySet()) {
            double[] s = sums.get(e.getKey()), o = e.getValue();
            if (s.length != o.length) throw new IllegalStateException("workers returned '" + e.getKey() + "' with " + s.length + " and " + o.length + " values");
            for (int i = 0; i < s.length; i++) s[i] += o[i];
            float[] mine = agreed.get(e.getKey()), theirs = other.agreed.get(e.getKey());
            if (mine != null && (theirs == null || !Arrays.equals(mine, theirs))) agreed.put(e.getKey(), null);
        }
        weight += other.weight;
        return this;
    }

    /** The number of values per worker: what each sends. */
    long length() {
        long n = 0;
        for (double[] v : sums.values()) n += v.length;
        return n;
    }

    /** The total weight (the units of all workers). */
    double weight() {
        return weight;
    }

    /** The weighted sum of each entry divided by {@code divisor}, as float32. */
    Map<String, float[]> sum(double divisor) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            double[] s = e.getValue();
            float[] v = new float[s.length];
            for (int i = 0; i < s.length; i++) v[i] = (float) (s[i] / divisor);
            out.put(e.getKey(), v);
        }
        return out;
    }

    /** The weighted mean of each entry, as tensors; entries all workers agree on exactly are those values. */
    Map<String, Tensor> mean() {
        Map<String, float[]> values = sum(weight);
        for (Map.Entry<String, float[]> e : agreed.entrySet()) if (e.getValue() != null) values.put(e.getKey(), e.getValue());
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : values.entrySet()) out.put(e.getKey(), Tensor.of(e.getValue(), shapes.get(e.getKey())));
        return out;
    }
}
