package dev.jgrad.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AccuracyTest {

    @Test
    void accumulatesOverBatches() {
        Accuracy acc = new Accuracy();
        assertTrue(Double.isNaN(acc.value()));
        Tensor logits = Tensor.of(new float[] {0.1f, 0.9f, 2f, -1f, 0.5f, 0.5f}, 3, 2);
        assertEquals(2, acc.update(logits, IntTensor.of(new int[] {1, 1, 0}, 3))); // the tie goes to class 0
        assertEquals(1, acc.update(new int[] {1}, new int[] {1}));
        assertEquals(0.75, acc.value());
        assertEquals(3, acc.correct());
        assertEquals(4, acc.total());
        acc.reset();
        assertEquals(0, acc.total());
    }

    @Test
    void argmaxOfATransposedView() {
        Tensor scores = Tensor.of(new float[] {1, 5, 3, 2, 0, 4}, 2, 3).t(); // [3, 2]
        assertArrayEquals(new int[] {1, 0, 1}, Accuracy.argmax(scores));
    }

    @Test
    void shapeMismatchesAreClearErrors() {
        Accuracy acc = new Accuracy();
        var e = assertThrows(IllegalArgumentException.class, () -> acc.update(Tensor.zeros(3, 2), IntTensor.of(new int[] {1, 0}, 2)));
        assertTrue(e.getMessage().contains("[3, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> acc.update(new int[2], new int[3]));
    }
}
