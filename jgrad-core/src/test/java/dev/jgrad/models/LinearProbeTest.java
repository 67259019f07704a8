package dev.jgrad.models;

import dev.jgrad.nn.Flatten;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearProbeTest {

    /** Three Gaussian blobs in 5-d, far apart along different axes, with an uninformative constant feature. */
    private static Object[] blobs(int perClass, long seed) {
        Generator g = new Generator(seed);
        int n = 3 * perClass;
        float[] x = new float[n * 5];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 4; j++) x[i * 5 + j] = (float) (g.nextGaussian() + (j == y[i] ? 4 : 0) + 100);
            x[i * 5 + 4] = 7f;
        }
        return new Object[] {Tensor.of(x, n, 5), y};
    }

    @Test
    void separatesBlobs() {
        Object[] train = blobs(60, 1), test = blobs(40, 2);
        LinearProbe probe = LinearProbe.fit((Tensor) train[0], (int[]) train[1], 3, LinearProbe.Options.defaults().withSteps(300));
        assertTrue(probe.accuracy((Tensor) test[0], (int[]) test[1]) > 0.95, "test accuracy " + probe.accuracy((Tensor) test[0], (int[]) test[1]));
        assertTrue(probe.trainLoss() < 0.3, "train loss " + probe.trainLoss());
        // Deterministic for a seed (up to the summation order of multi-threaded kernels).
        LinearProbe again = LinearProbe.fit((Tensor) train[0], (int[]) train[1], 3, LinearProbe.Options.defaults().withSteps(300));
        assertArrayEquals(probe.linear().weight().toArray(), again.linear().weight().toArray(), 1e-4f);
    }

    @Test
    void balancedSubsetIsBalancedSeededAndSorted() {
        int[] labels = new int[1000];
        for (int i = 0; i < labels.length; i++) labels[i] = (i * 7) % 10;
        int[] a = LinearProbe.balancedSubset(labels, 10, 0.01, new Generator(3));
        assertEquals(10, a.length);
        int[] perClass = new int[10];
        for (int i : a) perClass[labels[i]]++;
        for (int c : perClass) assertEquals(1, c);
        assertArrayEquals(a, LinearProbe.balancedSubset(labels, 10, 0.01, new Generator(3)));
        for (int i = 1; i < a.length; i++) assertTrue(a[i - 1] < a[i]);
        assertEquals(1000, LinearProbe.balancedSubset(labels, 10, 1.0, new Generator(0)).length);
        assertEquals(200, LinearProbe.balancedSubset(labels, 10, 0.2, new Generator(0)).length);
        var bad = assertThrows(IllegalArgumentException.class, () -> LinearProbe.balancedSubset(labels, 10, 0, new Generator(0)));
        assertTrue(bad.getMessage().contains("(0, 1]"), bad.getMessage());
    }

    @Test
    void extractRunsInEvalModeAndRestoresTraining() {
        ImageEncoder enc = new ImageEncoder(new ImageEncoder.Spec("cnn", 1, 4, java.util.List.of(1, 1)), new Generator(0));
        Tensor images = Tensor.uniform(0f, 1f, new Generator(1), 7, 1, 8, 8);
        enc.train();
        Tensor f = LinearProbe.extract(enc, images, 3, null);
        assertArrayEquals(new int[] {7, 8}, f.shape());
        assertTrue(enc.isTraining());
        assertTrue(!f.requiresGrad());
        // Eval mode: a batch of one gives the same features as the whole batch (no batch statistics).
        Tensor one = LinearProbe.extract(enc, images.narrow(0, 2, 1), 1, null);
        assertArrayEquals(f.narrow(0, 2, 1).toArray(), one.toArray(), 1e-5f);
        assertArrayEquals(new int[] {7, 64}, LinearProbe.extract(new Flatten(), images, 4, null).shape());
    }

    @Test
    void clearErrors() {
        var shape = assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(Tensor.zeros(4, 3), new int[3], 2, LinearProbe.Options.defaults()));
        assertTrue(shape.getMessage().contains("[4, 3]") && shape.getMessage().contains("3 labels"), shape.getMessage());
        var label = assertThrows(IllegalArgumentException.class, () -> LinearProbe.fit(Tensor.zeros(2, 3), new int[] {0, 5}, 2, LinearProbe.Options.defaults()));
        assertTrue(label.getMessage().contains("label 5"), label.getMessage());
        LinearProbe p = LinearProbe.fit(Tensor.zeros(2, 3), new int[] {0, 1}, 2, LinearProbe.Options.defaults().withSteps(2));
        var feat = assertThrows(IllegalArgumentException.class, () -> p.predict(Tensor.zeros(2, 4)));
        assertTrue(feat.getMessage().contains("[N, 3]") && feat.getMessage().contains("[2, 4]"), feat.getMessage());
    }
}
