package dev.jgrad.conformance;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One PyTorch reference case from src/test/resources/fixtures/ (written by scripts/make_fixtures.py):
 * inputs, parameters, outputs and gradients by name, and the options as string metadata. Gradients in a
 * fixture are those of {@code out.backward(grad_output)}.
 */
final class Fixture {
    final String name;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private Fixture(String name, SafeTensors.File file) {
        this.name = name;
        this.tensors = file.tensors();
        this.metadata = file.metadata();
    }

    static Fixture load(String name) {
        Path p = directory().resolve(name + ".safetensors");
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("no fixture '" + name + "' in " + directory() + "; regenerate with scripts/make_fixtures.py");
        }
        try {
            return new Fixture(name, SafeTensors.read(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixtures directory on the test class path. */
    static Path directory() {
        URL url = Fixture.class.getResource("/fixtures");
        if (url == null) throw new IllegalStateException("src/test/resources/fixtures is not on the test class path");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Names of all fixtures, sorted. */
    static List<String> all() {
        try (Stream<Path> s = Files.list(directory())) {
            return s.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".safetensors"))
                    .map(f -> f.substring(0, f.length() - ".safetensors".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored tensor (shared: do not modify it). */
    Tensor get(String key) {
        Tensor t = tensors.get(key);
        if (t == null) throw new IllegalArgumentException("fixture " + name + " has no tensor '" + key + "'; it has " + tensors.keySet());
        return t;
    }

    boolean has(String key) {
        return tensors.containsKey(key);
    }

    /** A fresh copy of a stored tensor as a leaf that requires grad. */
    Tensor leaf(String key) {
        Tensor t = get(key);
        return Tensor.of(t.toArray(), t.shape()).requiresGrad(true);
    }

    /** Integer data (class targets, token ids) that the fixture stores as exact floats. */
    IntTensor indices(String key) {
        Tensor t = get(key);
        float[] v = t.toArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
            if (out[i] != v[i]) throw new IllegalStateException("fixture " + name + ": '" + key + "' holds a non-integer " + v[i]);
        }
        return IntTensor.of(out, t.shape());
    }

    String meta(String key) {
        String v = metadata.get(key);
        if (v == null) throw new IllegalArgumentException("fixture " + name + " has no metadata '" + key + "'; it has " + metadata.keySet());
        return v;
    }

    int metaInt(String key) {
        return Integer.parseInt(meta(key));
    }

    float metaFloat(String key) {
        return Float.parseFloat(meta(key));
    }

    /** Hyperparameters are Python floats, i.e. doubles: parse them as such so that jgrad gets the same value. */
    double metaDouble(String key) {
        return Double.parseDouble(meta(key));
    }

    /** A comma-separated list of doubles, like betas "0.9,0.999". */
    double[] metaDoubles(String key) {
        String[] parts = meta(key).split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = Double.parseDouble(parts[i].trim());
        return out;
    }

    boolean metaBool(String key) {
        String v = meta(key);
        if (!v.equals("true") && !v.equals("false")) throw new IllegalStateException("fixture " + name + ": '" + key + "' is not a boolean: " + v);
        return v.equals("true");
    }

    /** A comma-separated list of integers, like normalized_shape "3,8". */
    int[] metaInts(String key) {
        String[] parts = meta(key).split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = Integer.parseInt(parts[i].trim());
        return out;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String toString() {
        return name;
    }
}
