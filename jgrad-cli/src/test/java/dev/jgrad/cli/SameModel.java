package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Compares two model files tensor by tensor, bit for bit (their metadata may differ: a checkpoint id, a path). */
final class SameModel {
    private SameModel() {}

    static void assertBitIdentical(Path expected, Path actual) throws IOException {
        Map<String, Tensor> a = SafeTensors.load(expected), b = SafeTensors.load(actual);
        assertEquals(a.keySet(), b.keySet(), actual + " has other tensors than " + expected);
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).shape(), b.get(k).shape(), k);
            assertArrayEquals(bits(a.get(k)), bits(b.get(k)), k + " differs between " + expected + " and " + actual);
        }
    }

    private static int[] bits(Tensor t) {
        float[] v = t.toArray();
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Float.floatToRawIntBits(v[i]);
        return r;
    }
}
