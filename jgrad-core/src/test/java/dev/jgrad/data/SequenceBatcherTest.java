package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.tensor.Generator;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceBatcherTest {

    @Test
    void collatePadsToTheLongestAndKeepsLengthsLabelsAndIndices() {
        int[][] seqs = {{5, 6, 7}, {8}, {9, 10}};
        SequenceBatch b = SequenceBatcher.collate(seqs, new int[] {1, 0, 1}, new int[] {1, 0, 2}, 0);
        assertArrayEquals(new int[] {3, 3}, b.ids().shape());
        assertArrayEquals(new int[] {8, 0, 0, 5, 6, 7, 9, 10, 0}, b.ids().data());
        assertArrayEquals(new int[] {1, 3, 2}, b.lengths());
        assertArrayEquals(new int[] {0, 1, 1}, b.labels().data());
        assertArrayEquals(new int[] {1, 0, 2}, b.indices());
        assertEquals(6, b.tokens());
    }

    private static int[][] randomSequences(int n, Generator gen) {
        int[][] seqs = new int[n][];
        for (int i = 0; i < n; i++) {
            seqs[i] = new int[1 + gen.nextInt(30)];
            Arrays.fill(seqs[i], i + 2);
        }
        return seqs;
    }

    @Test
    void shuffledEpochCoversEveryExampleOnceWithSimilarLengthsPerBatch() {
        Generator gen = new Generator(7);
        int n = 1000;
        int[][] seqs = randomSequences(n, gen);
        int[] labels = new int[n];
        SequenceBatcher batcher = new SequenceBatcher(seqs, labels, 0);
        List<SequenceBatch> batches = batcher.shuffled(32, 10, gen);
        int[] seen = new int[n];
        long padded = 0, real = 0;
        for (SequenceBatch b : batches) {
            int T = b.ids().size(1);
            for (int r = 0; r < b.size(); r++) {
                int idx = b.indices()[r];
                seen[idx]++;
                assertEquals(seqs[idx].length, b.lengths()[r]);
                assertEquals(idx + 2, b.ids().get(r, 0));
                if (b.lengths()[r] < T) assertEquals(0, b.ids().get(r, b.lengths()[r]));
            }
            padded += (long) b.size() * T;
            real += b.tokens();
        }
        for (int c : seen) assertEquals(1, c);
        // bucketing: little padding (random batches of lengths 1..30 would waste about half)
        assertTrue(padded < real * 1.2, "padded " + padded + " for " + real + " real tokens");
        // and a different order next epoch
        assertTrue(!Arrays.equals(batches.get(0).indices(), batcher.shuffled(32, 10, gen).get(0).indices()));
    }

    @Test
    void sequentialCoversEveryExampleInOrderOrSortedByLength() {
        int[][] seqs = {{2, 3, 4}, {5}, {6, 7}, {8, 9, 10, 11}, {12}};
        SequenceBatcher batcher = new SequenceBatcher(seqs, new int[5], 0);
        List<SequenceBatch> inOrder = batcher.sequential(2, false);
        assertEquals(3, inOrder.size());
        assertArrayEquals(new int[] {0, 1}, inOrder.get(0).indices());
        assertArrayEquals(new int[] {4}, inOrder.get(2).indices());
        List<SequenceBatch> sorted = batcher.sequential(2, true);
        assertArrayEquals(new int[] {1, 4}, sorted.get(0).indices());
        assertArrayEquals(new int[] {2, 0}, sorted.get(1).indices());
        assertArrayEquals(new int[] {3}, sorted.get(2).indices());
    }

    @Test
    void rejectsEmptySequencesAndMismatchedLabels() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SequenceBatcher(new int[][] {{1}, {}}, new int[2], 0));
        assertTrue(e.getMessage().contains("sequence 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SequenceBatcher(new int[][] {{1}}, new int[2], 0));
        assertThrows(IllegalArgumentException.class, () -> new SequenceBatcher(new int[][] {{1}}, new int[1], 0).sequential(0, false));
    }
}
