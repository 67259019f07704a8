package dev.jgrad.vision;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** ImageBatcher: every image once per epoch, seeded orders, dropLast; Normalize and LabeledImages. */
class ImageBatcherTest {

    /** 10 images of 2x1x1 whose pixels encode their index, labels index % 3. */
    private static LabeledImages data(int n) {
        float[] px = new float[n * 2];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            px[2 * i] = i;
            px[2 * i + 1] = -i;
            labels[i] = i % 3;
        }
        return new LabeledImages(Tensor.of(px, n, 2, 1, 1), IntTensor.of(labels, n), List.of("a", "b", "c"));
    }

    private static List<Integer> epoch(ImageBatcher b) {
        List<Integer> seen = new ArrayList<>();
        for (ImageBatch batch : b) {
            for (int i = 0; i < batch.size(); i++) {
                int k = batch.indices()[i];
                assertEquals(k, (int) batch.images().get(i, 0, 0, 0));
                assertEquals(-k, (int) batch.images().get(i, 1, 0, 0));
                assertEquals(k % 3, batch.labels().get(i));
                seen.add(k);
            }
        }
        return seen;
    }

    @Test
    void shuffledEpochsCoverEveryImageInSeededOrders() {
        ImageBatcher b = new ImageBatcher(data(10), 4, true, false, 7);
        assertEquals(3, b.numBatches());
        List<Integer> e1 = epoch(b), e2 = epoch(b);
        assertEquals(10, e1.size());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), e1.stream().sorted().toList());
        assertNotEquals(e1, e2, "each epoch draws a new order");
        ImageBatcher again = new ImageBatcher(data(10), 4, true, false, 7);
        assertEquals(e1, epoch(again));
        assertEquals(e2, epoch(again));
        // Resuming from a saved generator state replays the same next epoch.
        long[] state = b.generator().state();
        List<Integer> e3 = epoch(b);
        b.generator().setState(state);
        assertEquals(e3, epoch(b));
    }

    @Test
    void inOrderAndDropLast() {
        ImageBatcher b = new ImageBatcher(data(10), 4, false, true, 0);
        assertEquals(2, b.numBatches());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), epoch(b));
        var it = new ImageBatcher(data(3), 5, false, false, 0).iterator();
        assertEquals(3, it.next().size());
        assertFalse(it.hasNext());
        assertThrows(java.util.NoSuchElementException.class, it::next);
        assertThrows(IllegalArgumentException.class, () -> new ImageBatcher(data(3), 0, false, false, 0));
    }

    @Test
    void normalizeFitsAndAppliesPerChannel() {
        LabeledImages d = data(10);
        Normalize n = Normalize.fit(d.images());
        assertArrayEquals(new float[] {4.5f, -4.5f}, n.mean(), 1e-6f);
        float std = (float) Math.sqrt(8.25);
        assertArrayEquals(new float[] {std, std}, n.std(), 1e-6f);
        Tensor z = n.apply(d.images());
        assertEquals((3 - 4.5f) / std, z.get(3, 0, 0, 0), 1e-6);
        assertEquals((-3 + 4.5f) / std, z.get(3, 1, 0, 0), 1e-6);
        assertEquals((0.5f - 0.1307f) / 0.3081f, Normalize.MNIST.apply(Tensor.full(0.5f, 1, 1, 2, 2)).get(0, 0, 1, 1), 1e-6);
        var e = assertThrows(IllegalArgumentException.class, () -> Normalize.MNIST.apply(d.images()));
        assertTrue(e.getMessage().contains("1 channel statistics") && e.getMessage().contains("[10, 2, 1, 1]"), e.getMessage());
    }

    @Test
    void labeledImagesChecksAgreementAndSlices() {
        LabeledImages d = data(10);
        LabeledImages s = d.slice(2, 5);
        assertEquals(3, s.size());
        assertEquals(2, (int) s.images().get(0, 0, 0, 0));
        assertArrayEquals(new int[] {2, 0, 1}, s.labels().data());
        assertArrayEquals(new int[] {2, 1, 1}, d.imageShape());
        var count = assertThrows(IllegalArgumentException.class,
                () -> new LabeledImages(Tensor.zeros(3, 1, 2, 2), IntTensor.of(new int[] {0, 1}, 2), List.of("x", "y")));
        assertTrue(count.getMessage().contains("3 images") && count.getMessage().contains("[2]"), count.getMessage());
        var label = assertThrows(IllegalArgumentException.class,
                () -> new LabeledImages(Tensor.zeros(2, 1, 2, 2), IntTensor.of(new int[] {0, 5}, 2), List.of("x", "y")));
        assertTrue(label.getMessage().contains("label 5 of image 1"), label.getMessage());
        assertTrue(Arrays.equals(new int[] {10, 2, 1, 1}, d.images().shape()));
    }
}
