package dev.jgrad.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTest {

    @TempDir
    Path dir;

    /** Sennrich et al.'s example: low x5, lower x2, newest x6, widest x3. */
    static final String SENNRICH = "low low low low low lower lower newest newest newest newest newest newest widest widest widest";

    /** Learnt on the first 4000 Multi30k training pairs (en and de), or null without the data. */
    static Bpe multi30k;
    static List<String> trainLines;

    @BeforeAll
    static void learnOnMulti30k() throws IOException {
        if (Multi30k.dir() == null) return;
        trainLines = new ArrayList<>(Multi30k.read("train.en.gz", 4000));
        trainLines.addAll(Multi30k.read("train.de.gz", 4000));
        multi30k = Bpe.learn(trainLines, 2000);
    }

    private static List<String> merges(Bpe bpe) {
        List<String> out = new ArrayList<>();
        for (Bpe.Merge m : bpe.merges()) out.add(m.left() + " " + m.right());
        return out;
    }

    @Test
    void handCheckedMergeSequence() {
        Bpe bpe = Bpe.learn(List.of(SENNRICH), 1000);
        // Counts: (e,s) and (s,t) 9 each, tie to the smaller left token "e"; then (es,t) 9; then the 7s:
        // (l,o), (o,w), (▁,l) - "l" < "o" < "▁" (U+2581 sorts after ASCII); then (lo,w), (▁,low); the 6s of
        // "▁newest" from the left-smallest pair (e,w) on; the 3s of "▁widest" from (d,est); finally the 2s of
        // "▁lower": (e,r), then (▁low,er). No pair occurs twice after that, so learning stops at 15 merges.
        assertEquals(List.of("e s", "es t", "l o", "lo w", "▁ low", "e w", "ew est", "n ewest", "▁ newest",
                "d est", "i dest", "w idest", "▁ widest", "e r", "▁low er"), merges(bpe));
        // 4 specials, 11 characters in code point order, 15 merge results.
        assertEquals(List.of("<pad>", "<unk>", "<bos>", "<eos>", "d", "e", "i", "l", "n", "o", "r", "s", "t", "w", "▁"),
                bpe.vocabulary().tokens().subList(0, 15));
        assertEquals(30, bpe.vocabulary().size());
        assertEquals(List.of("▁low", "est", "▁", "n", "ew", "er"), bpe.tokenize("lowest newer"));
        assertEquals(List.of("▁newest", "▁widest", "▁lower"), bpe.tokenize("newest widest lower"));
    }

    @Test
    void limitsByVocabSizeAndMerges() {
        assertEquals(17, Bpe.learn(List.of(SENNRICH), 17).vocabulary().size());
        Bpe three = Bpe.learn(List.of(SENNRICH), Bpe.Options.merges(3));
        assertEquals(List.of("e s", "es t", "l o"), merges(three));
        Bpe once = Bpe.learn(List.of(SENNRICH + " xyz"), Bpe.Options.vocabSize(1000).withMinPairFrequency(1));
        assertTrue(merges(once).contains("x y"), "pairs seen once are merged too: " + merges(once));
        assertTrue(!merges(Bpe.learn(List.of(SENNRICH + " xyz"), 1000)).contains("x y"));
    }

    @Test
    void deterministicAndIndependentOfLineOrder() {
        assumeTrue(multi30k != null, "Multi30k not found");
        assertEquals(multi30k.serialize(), Bpe.learn(trainLines, 2000).serialize());
        List<String> shuffled = new ArrayList<>(trainLines);
        Collections.shuffle(shuffled, new Random(7));
        assertEquals(multi30k.fingerprint(), Bpe.learn(shuffled, 2000).fingerprint());
        assertEquals(2000, multi30k.vocabulary().size());
    }

    @Test
    void roundTripsMulti30k() throws IOException {
        assumeTrue(multi30k != null, "Multi30k not found");
        int checked = 0, skipped = 0;
        for (String file : List.of("val.en.gz", "val.de.gz", "test_2016_flickr.en.gz", "test_2016_flickr.de.gz")) {
            for (String s : Multi30k.read(file, -1)) {
                if (!multi30k.unknownCharacters(s).isEmpty()) {
                    skipped++;
                    continue;
                }
                int[] ids = multi30k.encode(s);
                assertEquals(s, multi30k.decode(ids), () -> "round trip of \"" + s + "\" via " + multi30k.tokenize(s));
                for (int id : ids) assertTrue(id >= SubwordVocabulary.NUM_SPECIALS, s);
                checked++;
            }
        }
        assertTrue(checked > 3900 && skipped < 100, checked + " checked, " + skipped + " with unknown characters");
        String de = "Zwei junge weiße Männer sind im Freien in der Nähe vieler Büsche.";
        assertTrue(multi30k.encode(de).length < de.length() / 2, multi30k.tokenize(de).toString());
    }

    @Test
    void roundTripsWhitespaceExactly() {
        Bpe bpe = Bpe.learn(List.of("a b\tc", "x  y", " lead", "trail "), 100);
        for (String s : List.of("a b", "  a  b  ", "a\tb", " ", "   ", "", "b a\t c", "ab ba", "a.b", "x,y")) {
            if (!bpe.unknownCharacters(s).isEmpty()) continue;
            assertEquals(s, bpe.decode(bpe.encode(s)), () -> "\"" + s + "\" via " + bpe.tokenize(s));
        }
        assertArrayEquals(new int[0], bpe.encode(""));
        assertEquals("a b", bpe.decode(bpe.encodeWithBosEos("a b")));
        int[] withSpecials = bpe.encodeWithBosEos("a");
        assertEquals(SubwordVocabulary.BOS_ID, withSpecials[0]);
        assertEquals(SubwordVocabulary.EOS_ID, withSpecials[withSpecials.length - 1]);
    }

    @Test
    void punctuationStaysOutOfWords() {
        assertEquals(List.of(4, 5, 1), // ▁Ein, ▁Hund, .
                BpePreTokenizer.pieces("Ein Hund.").stream().map(p -> p.length).toList());
        Bpe bpe = Bpe.learn(List.of("the dog. the dog. the dog."), 100);
        assertTrue(bpe.tokenize("the dog.").contains("."), bpe.tokenize("the dog.").toString());
    }

    @Test
    void unknownCharacters() {
        Bpe bpe = Bpe.learn(List.of("Ein Hund läuft."), 100);
        String s = "Ein Hund ☃ läuft!";
        int[] ids = bpe.encode(s);
        long unks = java.util.Arrays.stream(ids).filter(id -> id == SubwordVocabulary.UNK_ID).count();
        assertEquals(2, unks); // ☃ and !
        assertEquals(List.of("☃", "!"), bpe.unknownCharacters(s));
        assertEquals("Ein Hund ⁇ läuft⁇", bpe.decode(ids));
        var e = assertThrows(UnknownCharacterException.class, () -> bpe.encodeStrict(s));
        assertTrue(e.getMessage().contains("'☃' (U+2603, SNOWMAN) at index 9 of \"Ein Hund ☃ läuft!\""), e.getMessage());
        assertEquals(0x2603, e.codePoint());
        // The word-boundary mark itself cannot be encoded: it would come back as a space.
        assertEquals(List.of("▁"), bpe.unknownCharacters("E▁H"));
        assertEquals(SubwordVocabulary.UNK_ID, bpe.encode("▁")[1]);
        e = assertThrows(UnknownCharacterException.class, () -> bpe.encodeStrict("Ein▁Hund"));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        assertArrayEquals(bpe.encode("Ein Hund"), bpe.encodeStrict("Ein Hund"));
        e = assertThrows(UnknownCharacterException.class, () -> bpe.encodeStrict("Ein \u0378"));
        assertTrue(e.getMessage().contains("(U+0378, unassigned)"), e.getMessage());
    }

    @Test
    void rareCharactersCanBeLeftOut() {
        Bpe bpe = Bpe.learn(List.of("aaa bbb aaa bbb q"), Bpe.Options.vocabSize(100).withMinCharFrequency(2));
        assertEquals(List.of("q"), bpe.unknownCharacters("q"));
        assertEquals(SubwordVocabulary.UNK_ID, bpe.encode("q")[1]);
    }

    @Test
    void saveLoadAndSerializeGiveEqualTokenizers() throws IOException {
        // Tokens with a tab, a no-break space and a backslash must survive the one-token-a-line format.
        Bpe bpe = Bpe.learn(List.of("a\tb a\tb", "x\u00a0y x\u00a0y", "c\\d c\\d", SENNRICH), 1000);
        assertTrue(bpe.vocabulary().contains("\t") && bpe.vocabulary().contains("\u00a0") && bpe.vocabulary().contains("\\"));
        Path file = dir.resolve("sub/bpe.txt");
        bpe.save(file);
        Bpe loaded = Bpe.load(file);
        assertEquals(bpe, loaded);
        assertEquals(bpe.vocabulary(), loaded.vocabulary());
        assertEquals(bpe.merges(), loaded.merges());
        assertEquals(bpe.fingerprint(), loaded.fingerprint());
        assertArrayEquals(bpe.encode("a\tb lowest c\\d"), loaded.encode("a\tb lowest c\\d"));
        assertEquals(bpe, Bpe.deserialize(bpe.serialize()));
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("jgrad-bpe 1\nvocab " + bpe.vocabulary().size() + "\n<pad>\n<unk>\n<bos>\n<eos>\n"), text);
        assertTrue(text.contains("\n\\u{9}\n") && text.contains("\n\\\\\n"), text);
        // CRLF line ends (a file edited on Windows) read the same.
        assertEquals(bpe, Bpe.deserialize(text.replace("\n", "\r\n")));
    }

    @Test
    void fingerprintsTellTokenizersApart() throws IOException {
        Bpe a = Bpe.learn(List.of(SENNRICH), 1000), b = Bpe.learn(List.of(SENNRICH), 20);
        assertNotEquals(a.fingerprint(), b.fingerprint());
        assertEquals(64, a.fingerprint().length());
        a.requireFingerprint(Bpe.learn(List.of(SENNRICH), 1000).fingerprint(), "model.safetensors");
        var e = assertThrows(IllegalStateException.class, () -> a.requireFingerprint(b.fingerprint(), "model.safetensors"));
        assertTrue(e.getMessage().contains("recorded in model.safetensors") && e.getMessage().contains("different tokenizer"), e.getMessage());

        // Through a real checkpoint's metadata.
        Map<String, String> metadata = new HashMap<>();
        a.putMetadata(metadata);
        Path ckpt = dir.resolve("model.safetensors");
        SafeTensors.save(ckpt, Map.of("w", Tensor.zeros(2)), metadata);
        Map<String, String> read = SafeTensors.loadMetadata(ckpt);
        assertEquals(a, Bpe.fromMetadata(read, ckpt.toString()));
        read = new HashMap<>(read);
        read.put(Bpe.FINGERPRINT_KEY, b.fingerprint());
        Map<String, String> tampered = read;
        assertThrows(IllegalStateException.class, () -> Bpe.fromMetadata(tampered, "model.safetensors"));
        var missing = assertThrows(IllegalArgumentException.class, () -> Bpe.fromMetadata(Map.of(), "x.safetensors"));
        assertTrue(missing.getMessage().contains("x.safetensors has no tokenizer"), missing.getMessage());
    }

    @Test
    void corruptFilesAreClearErrors() {
        String good = Bpe.learn(List.of(SENNRICH), 1000).serialize();
        var e = assertThrows(IllegalArgumentException.class, () -> Bpe.deserialize("hello\n"));
        assertTrue(e.getMessage().contains(":1: not a jgrad BPE tokenizer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Bpe.deserialize(good.replace("\nd\n", "\nd\\q\n")));
        assertTrue(e.getMessage().contains("bad escape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Bpe.deserialize(good.replace("\ne s\n", "\ne z\n")));
        assertTrue(e.getMessage().contains("merge 1 (e + z) uses 'z'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Bpe.deserialize(good.substring(0, good.length() - 10)));
        assertTrue(e.getMessage().contains("merges announced"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Bpe.deserialize(good.replace("<bos>", "<sos>")));
        assertTrue(e.getMessage().contains("must start with [<pad>, <unk>, <bos>, <eos>]"), e.getMessage());
        var io = assertThrows(IOException.class, () -> Bpe.load(dir.resolve("missing.txt")));
        assertTrue(io.getMessage().contains("missing.txt"), io.getMessage());
    }

    @Test
    void badOptionsAndInputs() {
        var e = assertThrows(IllegalArgumentException.class, () -> Bpe.learn(List.of(SENNRICH), 10));
        assertTrue(e.getMessage().contains("vocab size 10 is smaller than the 4 special tokens and 11 characters"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Bpe.learn(List.of("", ""), 100));
        assertTrue(e.getMessage().contains("nothing to learn from (2 lines, all empty)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Bpe.Options(0, 0, 2, 1));
        assertTrue(e.getMessage().contains("give a vocab size or a number of merges"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Bpe.Options.vocabSize(4));
        assertTrue(e.getMessage().contains("no room"), e.getMessage());
        Bpe bpe = Bpe.learn(List.of(SENNRICH), 1000);
        e = assertThrows(IllegalArgumentException.class, () -> bpe.decode(new int[] {5, 30}));
        assertTrue(e.getMessage().contains("id 30 at position 1 is out of range [0, 30)"), e.getMessage());
    }
}
