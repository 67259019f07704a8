package dev.jgrad.models;

import dev.jgrad.nn.PositionalEncoding;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.HeapBudget;
import dev.jgrad.tensor.InsufficientHeapException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every model counts its weights from its config alone, exactly as many as it then allocates, and refuses before
 * allocating a size the heap cannot hold (sizes from a mistyped option or an edited checkpoint).
 */
class ModelSizeTest {

    @Test
    void eachConfigCountsTheWeightsItsModelHas() {
        for (CharLSTM.Config c : new CharLSTM.Config[] {new CharLSTM.Config(11, 4, 6, 1, 0), new CharLSTM.Config(30, 8, 5, 3, 0.1)}) {
            assertEquals(new CharLSTM(c, new Generator(0)).numParameters(), c.numParameters(), c.toString());
        }
        for (CharGPT.Config c : new CharGPT.Config[] {new CharGPT.Config(11, 8, 8, 2, 1, 16, 0), new CharGPT.Config(20, 5, 12, 3, 3, 7, 0.1)}) {
            assertEquals(new CharGPT(c, new Generator(0)).numParameters(), c.numParameters(), c.toString());
        }
        for (boolean share : new boolean[] {false, true}) {
            for (boolean tie : new boolean[] {false, true}) {
                var t = new TranslationTransformer.Config(30, 8, 2, 2, 1, 12, 0, 10, share, tie, share);
                assertEquals(new TranslationTransformer(t, new Generator(0)).numParameters(), t.numParameters(), t.toString());
                for (TranslationLSTM.Attention a : TranslationLSTM.Attention.values()) {
                    var l = new TranslationLSTM.Config(30, tie ? 8 : 6, 8, 2, a, 0, 10, share, tie);
                    assertEquals(new TranslationLSTM(l, new Generator(0)).numParameters(), l.numParameters(), l.toString());
                }
            }
        }
        for (boolean bi : new boolean[] {false, true}) {
            var c = new LSTMClassifier.Config(40, 6, 5, 2, bi, Pooling.MAX, 0, 3);
            assertEquals(new LSTMClassifier(c, new Generator(0)).numParameters(), c.numParameters(), c.toString());
        }
    }

    /** --hidden 20000 and a checkpoint saying hidden_size 20000 used to run out of memory; now nothing is allocated. */
    @Test
    @Timeout(5)
    void aModelTooLargeForTheHeapIsRefusedBeforeAllocating() {
        var c = new CharLSTM.Config(65, 64, 20_000, 2, 0);
        var e = assertThrows(InsufficientHeapException.class, () -> new CharLSTM(c, new Generator(0)));
        assertTrue(e.getMessage().startsWith("the weights of CharLSTM(vocab=65, emb=64, hidden=20000, layers=2, dropout=0.0) would need about 17.9 GB"
                + " of memory, more than the Java heap's maximum of "), e.getMessage());
        assertTrue(e.getMessage().endsWith("give Java more with -Xmx23g, or use smaller sizes"), e.getMessage());
        assertEquals("-Xmx23g", e.suggestedXmx());
        assertEquals(Runtime.getRuntime().maxMemory(), e.maxHeapBytes());

        // a million layers: a count no heap holds, and no advice to raise it
        var deep = assertThrows(InsufficientHeapException.class,
                () -> new CharGPT(new CharGPT.Config(65, 64, 4096, 4, 1_000_000, 16384, 0), new Generator(0)));
        assertTrue(deep.getMessage().contains("no heap holds that; check the sizes"), deep.getMessage());
        assertNull(deep.suggestedXmx());
        assertThrows(InsufficientHeapException.class, () -> new LSTMClassifier(new LSTMClassifier.Config(100, 8, 20_000, 1, true, Pooling.MAX, 0, 2),
                new Generator(0)));
        assertThrows(InsufficientHeapException.class, () -> new TranslationLSTM(new TranslationLSTM.Config(100, 8, 40_000, 1,
                TranslationLSTM.Attention.DOT, 0, 10, true, false), new Generator(0)));
    }

    /** max_len 2147483647 used to overflow the sinusoid table's size and fail with NegativeArraySizeException: -16. */
    @Test
    @Timeout(5)
    void aHugeMaxLenIsRefusedNotOverflowed() {
        var c = new TranslationTransformer.Config(30, 8, 2, 1, 1, 12, 0, Integer.MAX_VALUE, true, true, false);
        var e = assertThrows(InsufficientHeapException.class, () -> new TranslationTransformer(c, new Generator(0)));
        assertTrue(e.getMessage().contains("max_len 2147483647") && e.getMessage().contains("would need about 64.0 GB"), e.getMessage());
        var table = assertThrows(IllegalArgumentException.class, () -> PositionalEncoding.table(Integer.MAX_VALUE, 8));
        assertTrue(table.getMessage().contains("2147483647 positions x 8 = 17179869176 values is more than one tensor can hold"), table.getMessage());
    }

    @Test
    void sizeArithmeticSaturatesInsteadOfWrapping() {
        assertEquals(Long.MAX_VALUE, HeapBudget.times(1L << 40, 1L << 40));
        assertEquals(6, HeapBudget.times(2, 3));
        assertEquals(0, HeapBudget.times(0, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, HeapBudget.plus(Long.MAX_VALUE, 1));
        assertEquals("17.9 GB", HeapBudget.format(19_200_000_000L));
        assertEquals("512 bytes", HeapBudget.format(512));
    }
}
