package dev.jgrad.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    private static final List<List<String>> SENTENCES = List.of(
            List.of("the", "film", "is", "good"),
            List.of("the", "film", "is", "bad"),
            List.of("the", "plot", "is", "good"));

    @Test
    void specialsFirstThenByFrequencyThenAlphabetically() {
        Vocabulary v = Vocabulary.build(SENTENCES, 1, 0);
        assertEquals(List.of("<pad>", "<unk>", "is", "the", "film", "good", "bad", "plot"), v.tokens());
        assertEquals(Vocabulary.PAD_ID, v.id("<pad>"));
        assertEquals(Vocabulary.UNK_ID, v.id("<unk>"));
    }

    @Test
    void minFrequencyAndMaxSizeSendRareWordsToUnk() {
        Vocabulary v = Vocabulary.build(SENTENCES, 2, 0);
        assertEquals(List.of("<pad>", "<unk>", "is", "the", "film", "good"), v.tokens());
        assertArrayEquals(new int[] {3, 1, 2, 5}, v.encode(List.of("the", "plot", "is", "good")));
        assertEquals(List.of("<pad>", "<unk>", "is"), Vocabulary.build(SENTENCES, 1, 3).tokens());
    }

    @Test
    void unknownWordsMapToUnk() {
        Vocabulary v = Vocabulary.build(SENTENCES, 1, 0);
        assertEquals(Vocabulary.UNK_ID, v.id("masterpiece"));
        assertTrue(v.contains("plot"));
    }

    @Test
    void serializesAndRestoresExactly() {
        Vocabulary v = Vocabulary.build(SENTENCES, 1, 0);
        assertEquals(v.tokens(), Vocabulary.deserialize(v.serialize()).tokens());
    }

    @Test
    void rejectsBadArgumentsAndMalformedTokenLists() {
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(SENTENCES, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(SENTENCES, 1, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "<unk>")));
        assertTrue(e.getMessage().contains("<pad>"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("<pad>", "<unk>", "x", "x")));
    }

    @Test
    void encoderNeverReturnsAnEmptySequence() {
        TextEncoder enc = new TextEncoder(WordTokenizer.lowercasing(), Vocabulary.build(SENTENCES, 1, 0));
        assertArrayEquals(new int[] {3, 4, 2, 5}, enc.encode("The film is GOOD"));
        assertArrayEquals(new int[] {Vocabulary.UNK_ID}, enc.encode("\u00a0"));
        assertEquals(0.5, enc.unknownRate(new int[][] {{1, 2}, {1, 3}}));
    }
}
