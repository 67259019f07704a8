package dev.jgrad.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamBatchesTest {

    /** ids[i] = i, so every value says where it came from. */
    private static int[] positions(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = i;
        return ids;
    }

    @Test
    void rowsAreContiguousStreamsWalkedWindowByWindow() {
        int n = 103, batch = 4, seqLen = 7;
        StreamBatches data = new StreamBatches(positions(n), batch, seqLen, "test split");
        int streamLength = (n - 1) / batch; // 25: each stream also needs the target after its last input
        assertEquals(streamLength, data.streamLength());
        assertEquals(4, data.windows()); // 7 + 7 + 7 + 4
        assertEquals((long) batch * streamLength, data.tokensPerEpoch());

        int[][] seen = new int[batch][streamLength];
        int[] filled = new int[batch];
        for (int w = 0; w < data.windows(); w++) {
            StreamBatches.Batch b = data.window(w);
            int len = b.length();
            assertEquals(w < 3 ? 7 : 4, len, "window " + w);
            assertArrayEquals(new int[] {batch, len}, b.inputs().shape());
            assertArrayEquals(new int[] {batch, len}, b.targets().shape());
            for (int row = 0; row < batch; row++) {
                for (int t = 0; t < len; t++) {
                    int x = b.inputs().get(row, t), y = b.targets().get(row, t);
                    assertEquals(x + 1, y, "the target is the next character (window " + w + ", row " + row + ", t " + t + ")");
                    seen[row][filled[row]++] = x;
                }
            }
        }
        // Across windows, each row continues exactly where it stopped: row b is ids[b*S .. b*S + S).
        for (int row = 0; row < batch; row++) {
            assertEquals(streamLength, filled[row]);
            for (int t = 0; t < streamLength; t++) assertEquals(row * streamLength + t, seen[row][t], "row " + row + " position " + t);
        }
    }

    @Test
    void windowBoundariesCarryOnAcrossBatches() {
        StreamBatches data = new StreamBatches(positions(1000), 8, 16, "test split");
        for (int w = 1; w < data.windows(); w++) {
            StreamBatches.Batch previous = data.window(w - 1), current = data.window(w);
            for (int row = 0; row < 8; row++) {
                // the first input of a window is the last target of the window before, in the same row
                assertEquals(previous.targets().get(row, previous.length() - 1), current.inputs().get(row, 0));
            }
        }
    }

    @Test
    void aWindowLongerThanTheStreamIsTheWholeStream() {
        StreamBatches data = new StreamBatches(positions(11), 2, 100, "test split");
        assertEquals(1, data.windows());
        StreamBatches.Batch b = data.window(0);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, b.inputs().data());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, b.targets().data());
    }

    /** jgrad train charlm --seq-len 2147483647 used to count 0 windows (int overflow) and end "already complete". */
    @Test
    void theLongestPossibleWindowIsOneWindowNotNone() {
        StreamBatches data = new StreamBatches(positions(11), 2, Integer.MAX_VALUE, "test split");
        assertEquals(1, data.windows());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, data.window(0).inputs().data());
    }

    @Test
    void tooLittleDataForTheBatchIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> new StreamBatches(positions(10), 32, 8, "validation split"));
        assertTrue(e.getMessage().contains("validation split has 10 tokens, too few for 32 streams"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new StreamBatches(positions(1), 1, 8, "x"));
        var w = assertThrows(IllegalArgumentException.class, () -> new StreamBatches(positions(50), 2, 8, "x").window(3));
        assertTrue(w.getMessage().contains("window 3 is out of range: an epoch has 3 windows"), w.getMessage());
    }
}
