package dev.jgrad.data;

import dev.jgrad.tensor.Generator;
import dev.jgrad.text.Bpe;
import dev.jgrad.text.SubwordVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parallel text reading, encoding and token-budget batching. */
class TranslationDataTest {
    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private Path writeGz(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void readsPlainAndGzipLineForLine() throws IOException {
        Path s = write("a.en", "A dog runs.\r\nTwo cats.\n"), t = writeGz("a.de.gz", "Ein Hund rennt.\nZwei Katzen.\n");
        ParallelText p = ParallelText.read(s, t, ParallelText.EmptyLines.SKIP);
        assertEquals(2, p.size());
        assertEquals("A dog runs.", p.pairs().get(0).source());
        assertEquals("Zwei Katzen.", p.pairs().get(1).target());
        assertEquals(2, p.pairs().get(1).line());
    }

    @Test
    void mismatchedLineCountsNameBothFiles() throws IOException {
        Path s = write("b.en", "one\ntwo\nthree\n"), t = write("b.de", "eins\nzwei\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ParallelText.read(s, t, ParallelText.EmptyLines.SKIP));
        assertTrue(e.getMessage().contains("b.en has 3") && e.getMessage().contains("b.de has 2"), e.getMessage());
        assertTrue(e.getMessage().startsWith(t + ":3:"), e.getMessage());
    }

    @Test
    void emptyLinesAreSkippedAndCountedKeptOrErrors() throws IOException {
        Path s = write("c.en", "one\n\nthree\nfour\n"), t = write("c.de", "eins\nzwei\n  \nvier\n");
        ParallelText skipped = ParallelText.read(s, t, ParallelText.EmptyLines.SKIP);
        assertEquals(2, skipped.size());
        assertEquals(List.of(2, 3), skipped.skippedLines());
        assertTrue(skipped.skippedReport().contains("skipped 2 sentence pairs with an empty side (lines 2, 3)"), skipped.skippedReport());
        assertEquals(4, ParallelText.read(s, t, ParallelText.EmptyLines.KEEP).size());
        DataFormatException e = assertThrows(DataFormatException.class, () -> ParallelText.read(s, t, ParallelText.EmptyLines.ERROR));
        assertTrue(e.getMessage().startsWith(s + ":2: empty sentence"), e.getMessage());
    }

    @Test
    void invalidUtf8NamesFileAndLine() throws IOException {
        Path s = tmp.resolve("d.en");
        Files.write(s, new byte[] {'o', 'k', '\n', 'b', (byte) 0xff, 'd', '\n'});
        Path t = write("d.de", "gut\nschlecht\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ParallelText.read(s, t, ParallelText.EmptyLines.SKIP));
        assertTrue(e.getMessage().startsWith(s + ":2: not valid UTF-8"), e.getMessage());
    }

    @Test
    void aDirectoryIsRefusedByNameNotAsIsADirectory() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("a-folder.en"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> ParallelText.readLines(dir));
        assertEquals(dir + ":0: is a directory, not a text file", e.getMessage());
        DataFormatException e2 = assertThrows(DataFormatException.class, () -> dev.jgrad.data.TextFile.readUtf8(dir));
        assertEquals(e.getMessage(), e2.getMessage());
    }

    @Test
    void overlongFormsAndEncodedSurrogatesAreReportedAtTheirFirstByte() throws IOException {
        // "ok\n" then an overlong '/' (C0 AF), then an encoded surrogate (ED A0 80, CESU-8), then more text.
        byte[][] bad = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}};
        for (byte[] sequence : bad) {
            byte[] bytes = new byte[3 + 2 + sequence.length + 20];
            System.arraycopy(new byte[] {'o', 'k', '\n', 'a', ' '}, 0, bytes, 0, 5);
            System.arraycopy(sequence, 0, bytes, 5, sequence.length);
            java.util.Arrays.fill(bytes, 5 + sequence.length, bytes.length, (byte) 'z');
            Path s = tmp.resolve("bad.en");
            Files.write(s, bytes);
            DataFormatException e = assertThrows(DataFormatException.class, () -> ParallelText.readLines(s));
            assertTrue(e.getMessage().startsWith(s + ":2: not valid UTF-8 (byte 0x" + String.format("%02X", sequence[0] & 0xff)
                    + " at offset 5)"), e.getMessage());
            DataFormatException e2 = assertThrows(DataFormatException.class, () -> dev.jgrad.data.TextFile.readUtf8(s));
            assertEquals(e.getMessage(), e2.getMessage());
        }
    }

    @Test
    void encodingReportsUnknownCharactersAndCutsLongSentences() throws IOException {
        Bpe bpe = Bpe.learn(List.of("a dog runs", "ein hund rennt", "two dogs", "zwei hunde"), 40);
        Path s = write("e.en", "a dog runs\ntwo dogs ß\n" + "a dog runs ".repeat(10).strip() + "\n");
        Path t = write("e.de", "ein hund rennt\nzwei hunde\nein hund\n");
        ParallelText text = ParallelText.read(s, t, ParallelText.EmptyLines.SKIP);
        TranslationExamples ex = TranslationExamples.encode(text, bpe, 12, false);
        assertEquals(3, ex.size());
        String warnings = String.join("\n", ex.warnings());
        assertTrue(warnings.contains("1 line of " + s + " holds characters the tokenizer does not know") && warnings.contains("'ß'"), warnings);
        assertTrue(warnings.contains("cut 1 sentence of " + s + " to the maximum length of 12 tokens (line 3)"), warnings);
        int[] cut = ex.examples().get(2).source();
        assertEquals(12, cut.length);
        assertEquals(SubwordVocabulary.EOS_ID, cut[11]);
        int[] tgt = ex.examples().get(0).target();
        assertEquals(SubwordVocabulary.BOS_ID, tgt[0]);
        assertEquals(SubwordVocabulary.EOS_ID, tgt[tgt.length - 1]);
        assertTrue(Arrays.stream(ex.examples().get(1).source()).anyMatch(id -> id == SubwordVocabulary.UNK_ID));

        DataFormatException e = assertThrows(DataFormatException.class, () -> TranslationExamples.encode(text, bpe, 12, true));
        assertTrue(e.getMessage().startsWith(s + ":2: character 'ß'"), e.getMessage());
        Path s2 = write("f.en", "a dog runs\n" + "a dog runs ".repeat(10).strip() + "\n"), t2 = write("f.de", "ein hund\nein hund\n");
        e = assertThrows(DataFormatException.class, () -> TranslationExamples.read(s2, t2, ParallelText.EmptyLines.ERROR, bpe, 12, true));
        assertTrue(e.getMessage().startsWith(s2 + ":2:") && e.getMessage().contains("maximum length 12"), e.getMessage());
    }

    static List<int[]> sequences(Generator g, int n, int min, int max, boolean bosEos) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = min + g.nextInt(max - min + 1);
            int[] s = new int[len];
            for (int k = 0; k < len; k++) s[k] = 4 + g.nextInt(20);
            if (bosEos) {
                s[0] = SubwordVocabulary.BOS_ID;
                s[len - 1] = SubwordVocabulary.EOS_ID;
            } else {
                s[len - 1] = SubwordVocabulary.EOS_ID;
            }
            out.add(s);
        }
        return out;
    }

    @Test
    void batchesRespectTheTokenBudgetCoverEveryPairOnceAndShuffleBySeed() {
        Generator g = new Generator(1);
        List<int[]> src = sequences(g, 300, 2, 30, false), tgt = sequences(g, 300, 3, 31, true);
        TranslationBatcher batcher = new TranslationBatcher(src, tgt, 200);
        List<int[]> epoch = batcher.epoch(new Generator(9));
        Set<Integer> seen = new HashSet<>();
        for (int[] idx : epoch) {
            TranslationBatcher.Batch b = batcher.batch(idx);
            int width = Math.max(b.source().size(1), b.targetIn().size(1));
            assertTrue(idx.length == 1 || idx.length * width <= 200, "batch of " + idx.length + " x " + width);
            for (int i : idx) assertTrue(seen.add(i), "pair " + i + " twice");
        }
        assertEquals(300, seen.size());
        // Same seed, same batches; another seed, another order; the number of batches never changes.
        assertEquals(flatten(epoch), flatten(batcher.epoch(new Generator(9))));
        List<int[]> other = batcher.epoch(new Generator(10));
        assertNotEquals(flatten(epoch), flatten(other));
        assertEquals(epoch.size(), other.size());
    }

    private static List<Integer> flatten(List<int[]> batches) {
        List<Integer> out = new ArrayList<>();
        for (int[] b : batches) for (int i : b) out.add(i);
        return out;
    }

    @Test
    void batchTensorsArePaddedShiftedAndMasked() {
        List<int[]> src = List.of(new int[] {5, 6, 3}, new int[] {7, 3});
        List<int[]> tgt = List.of(new int[] {2, 8, 3}, new int[] {2, 9, 10, 11, 3});
        TranslationBatcher b = new TranslationBatcher(src, tgt, 1000);
        TranslationBatcher.Batch batch = b.batch(new int[] {0, 1});
        assertArrayEquals(new int[] {2, 3}, batch.source().shape());
        assertArrayEquals(new int[] {5, 6, 3, 7, 3, 0}, batch.source().data());
        assertArrayEquals(new int[] {2, 8, 0, 0, 2, 9, 10, 11}, batch.targetIn().data());
        assertArrayEquals(new int[] {8, 3, 0, 0, 9, 10, 11, 3}, batch.targetOut().data());
        assertEquals(5, batch.sourceTokens());
        assertEquals(6, batch.targetTokens());
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1}, batch.sourcePadding().tensor().toArray());
        var e = assertThrows(IllegalArgumentException.class, () -> new TranslationBatcher(src, List.of(tgt.get(0)), 100));
        assertTrue(e.getMessage().contains("2 sources but 1 targets"), e.getMessage());
    }
}
