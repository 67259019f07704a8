package dev.jgrad.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A byte-pair-encoding subword tokenizer (Sennrich et al., 2016) over characters, for translation: learnt
 * from training text with {@link #learn}, then {@code encode(String) -> int[]} and {@code decode(int[]) -> String}.
 *
 * <p>Text is first cut into pieces by {@link BpePreTokenizer} (spaces become the word-boundary mark
 * {@code ▁}, punctuation stands alone), so {@code decode(encode(s)).equals(s)} for any text whose characters
 * were all seen in training, whitespace included. Each piece starts as its characters; the learnt merges are
 * then applied in the order they were learnt (lowest rank first, all non-overlapping occurrences left to
 * right), which reproduces the segmentation of the training words.
 *
 * <p>Characters never seen in training become {@link SubwordVocabulary#UNK_ID}, one per character;
 * {@link #encodeStrict} reports them instead, and {@link #unknownCharacters} lists them. {@link #decode}
 * writes {@value #UNK_TEXT} for {@code <unk>} and skips the other specials.
 *
 * <p>A tokenizer is saved as a small UTF-8 text file ({@link #save}, {@link #load}) or string
 * ({@link #serialize}, e.g. in a checkpoint's metadata), and identified by the SHA-256 of that text
 * ({@link #fingerprint}), so a checkpoint can refuse a tokenizer other than the one it was trained with.
 * Instances are immutable and thread-safe.
 */
public final class Bpe {
    /** What {@link #decode} writes for {@code <unk>} (SentencePiece's choice: one visible character). */
    public static final String UNK_TEXT = "\u2047";
    /** Metadata key of {@link #putMetadata}: the serialized tokenizer. */
    public static final String METADATA_KEY = "jgrad.bpe";
    /** Metadata key of {@link #putMetadata}: the tokenizer's fingerprint. */
    public static final String FINGERPRINT_KEY = "jgrad.bpe.sha256";

    /**
     * How much to learn. Learning stops at the first limit reached, or when no pair of symbols occurs
     * {@code minPairFrequency} times any more.
     *
     * @param vocabSize        vocabulary size including the 4 specials and the characters, or 0 for no limit
     * @param maxMerges        number of merges, or 0 for no limit
     * @param minPairFrequency a pair is merged only if it occurs at least this often (2: never merge a pair
     *                         seen once)
     * @param minCharFrequency characters rarer than this in the training text are left out (they become
     *                         {@code <unk>}); 1 keeps every character
     */
    public record Options(int vocabSize, int maxMerges, int minPairFrequency, int minCharFrequency) {
        /**
         * Checks the fields.
         *
         * @throws IllegalArgumentException if a value is negative, both limits are 0, the vocabulary size
         *                                  leaves no room after the specials, or a frequency is below 1
         */
        public Options {
            if (vocabSize < 0) throw new IllegalArgumentException("bpe: vocab size must be >= 0 (0: no limit), got " + vocabSize);
            if (maxMerges < 0) throw new IllegalArgumentException("bpe: max merges must be >= 0 (0: no limit), got " + maxMerges);
            if (vocabSize == 0 && maxMerges == 0) throw new IllegalArgumentException("bpe: give a vocab size or a number of merges");
            if (vocabSize != 0 && vocabSize <= SubwordVocabulary.NUM_SPECIALS) {
                throw new IllegalArgumentException("bpe: vocab size " + vocabSize + " leaves no room after the "
                        + SubwordVocabulary.NUM_SPECIALS + " special tokens");
            }
            if (minPairFrequency < 1) throw new IllegalArgumentException("bpe: min pair frequency must be >= 1, got " + minPairFrequency);
            if (minCharFrequency < 1) throw new IllegalArgumentException("bpe: min char frequency must be >= 1, got " + minCharFrequency);
        }

        /**
         * Learn until the vocabulary (specials and characters included) has this many tokens; pairs seen
         * once are never merged and every character is kept.
         *
         * @param vocabSize the target vocabulary size, more than 4 (8000 to 16000 is usual for a small
         *                  translation corpus shared by both languages)
         * @return the options
         * @throws IllegalArgumentException if {@code vocabSize} is not above 4
         */
        public static Options vocabSize(int vocabSize) {
            return new Options(vocabSize, 0, 2, 1);
        }

        /**
         * Learn this many merges (subword-nmt's {@code -s}); pairs seen once are never merged.
         *
         * @param merges the number of merges, at least 1
         * @return the options
         * @throws IllegalArgumentException if {@code merges} is not positive
         */
        public static Options merges(int merges) {
            return new Options(0, merges, 2, 1);
        }

        /**
         * A copy with another vocabulary size limit.
         *
         * @param vocabSize the limit, or 0 for none
         * @return the new options
         * @throws IllegalArgumentException if {@code vocabSize} is negative or leaves no room after the
         *                                  specials, or the result would have no limit at all
         */
        public Options withVocabSize(int vocabSize) {
            return new Options(vocabSize, maxMerges, minPairFrequency, minCharFrequency);
        }

        /**
         * A copy with another limit on the number of merges.
         *
         * @param maxMerges the limit, or 0 for none
         * @return the new options
         * @throws IllegalArgumentException if the result would have no limit at all, or {@code maxMerges} is negative
         */
        public Options withMaxMerges(int maxMerges) {
            return new Options(vocabSize, maxMerges, minPairFrequency, minCharFrequency);
        }

        /**
         * A copy with another minimum pair frequency.
         *
         * @param minPairFrequency the fewest occurrences a pair needs to be merged, at least 1
         * @return the new options
         * @throws IllegalArgumentException if {@code minPairFrequency} is below 1
         */
        public Options withMinPairFrequency(int minPairFrequency) {
            return new Options(vocabSize, maxMerges, minPairFrequency, minCharFrequency);
        }

        /**
         * A copy with another minimum character frequency.
         *
         * @param minCharFrequency the fewest occurrences a character needs to be in the vocabulary, at least 1
         * @return the new options
         * @throws IllegalArgumentException if {@code minCharFrequency} is below 1
         */
        public Options withMinCharFrequency(int minCharFrequency) {
            return new Options(vocabSize, maxMerges, minPairFrequency, minCharFrequency);
        }
    }

    /**
     * One learnt merge: two tokens that are joined into their concatenation.
     *
     * @param left  the first token of the pair
     * @param right the token that follows it
     */
    public record Merge(String left, String right) {
        /**
         * The token the merge produces.
         *
         * @return {@code left + right}
         */
        public String merged() {
            return left + right;
        }
    }

    private final SubwordVocabulary vocabulary;
    private final List<Merge> merges;
    /** (left id << 32 | right id) -> {rank, merged id}. */
    private final Map<Long, int[]> mergeIndex;
    /** Character (code point) -> id, for the characters seen in training. */
    private final Map<Integer, Integer> charIds;
    private final String serialized;
    private final String fingerprint;
    /** Encodings of pieces met so far: text is mostly the same few thousand words. */
    private final Map<PieceKey, int[]> cache = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 1 << 18;

    /** Checks that every merge's tokens and result are in the vocabulary; rank = position in the list. */
    Bpe(SubwordVocabulary vocabulary, List<Merge> merges) {
        this.vocabulary = vocabulary;
        this.merges = List.copyOf(merges);
        this.mergeIndex = new HashMap<>(merges.size() * 2);
        for (int r = 0; r < merges.size(); r++) {
            Merge m = merges.get(r);
            for (String t : new String[] {m.left(), m.right(), m.merged()}) {
                if (!vocabulary.contains(t) || SubwordVocabulary.isSpecial(vocabulary.id(t))) {
                    throw new IllegalArgumentException("bpe: merge " + (r + 1) + " (" + m.left() + " + " + m.right()
                            + ") uses '" + t + "', which is not a learnt token of the vocabulary");
                }
            }
            long key = pairKey(vocabulary.id(m.left()), vocabulary.id(m.right()));
            mergeIndex.putIfAbsent(key, new int[] {r, vocabulary.id(m.merged())});
        }
        this.charIds = new HashMap<>();
        Set<String> results = new java.util.HashSet<>();
        for (Merge m : merges) results.add(m.merged());
        for (int id = SubwordVocabulary.NUM_SPECIALS; id < vocabulary.size(); id++) {
            String t = vocabulary.token(id);
            if (t.codePointCount(0, t.length()) == 1) {
                charIds.put(t.codePointAt(0), id);
            } else if (!results.contains(t)) {
                throw new IllegalArgumentException("bpe: token " + id + " '" + t
                        + "' is neither a single character nor the result of a merge");
            }
        }
        if (!charIds.containsKey(BpePreTokenizer.MARK)) {
            throw new IllegalArgumentException("bpe: the vocabulary lacks the word-boundary mark " + BpePreTokenizer.MARK_STRING);
        }
        this.serialized = BpeFile.write(vocabulary, this.merges);
        this.fingerprint = sha256(serialized);
    }

    /**
     * Learns a tokenizer of (at most) this vocabulary size from the lines, with default options.
     *
     * @param lines     the training text, one sentence a line (e.g. both sides of a parallel corpus)
     * @param vocabSize the vocabulary size to reach, specials and characters included; more than 4
     * @return the learnt tokenizer
     * @throws IllegalArgumentException if {@code vocabSize} is not above 4
     */
    public static Bpe learn(Iterable<String> lines, int vocabSize) {
        return learn(lines, Options.vocabSize(vocabSize));
    }

    /**
     * Learns merges from the lines: repeatedly joins the most frequent adjacent pair of symbols within a piece.
     * Ties (equal counts) go to the pair whose left token is smaller, then whose right token is smaller, by
     * {@link String#compareTo}, so the result depends only on the multiset of lines (not their order).
     *
     * @param lines   the training text, one sentence a line
     * @param options when to stop and what to leave out
     * @return the learnt tokenizer
     */
    public static Bpe learn(Iterable<String> lines, Options options) {
        return BpeTrainer.learn(lines, options);
    }

    /**
     * The tokens and their ids.
     *
     * @return the vocabulary: the specials, the characters and the merge results
     */
    public SubwordVocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The merges in the order learnt (rank 0 first).
     *
     * @return an unmodifiable list
     */
    public List<Merge> merges() {
        return merges;
    }

    /**
     * Token ids of the text; unknown characters become {@code <unk>}. No BOS/EOS is added.
     *
     * @param text any text
     * @return its ids, empty for the empty text
     * @throws IllegalArgumentException if {@code text} is null
     */
    public int[] encode(String text) {
        return encode(text, false);
    }

    /**
     * Like {@link #encode} but an unknown character is an {@link UnknownCharacterException} naming it and the text.
     *
     * @param text any text
     * @return its ids
     * @throws UnknownCharacterException at the first character the tokenizer does not know
     */
    public int[] encodeStrict(String text) {
        return encode(text, true);
    }

    /**
     * {@code <bos>}, the text's ids, {@code <eos>}: a translation model's target sequence.
     *
     * @param text any text; unknown characters become {@code <unk>}
     * @return {@link SubwordVocabulary#BOS_ID}, the ids of {@link #encode}, {@link SubwordVocabulary#EOS_ID}
     */
    public int[] encodeWithBosEos(String text) {
        int[] ids = encode(text);
        int[] out = new int[ids.length + 2];
        out[0] = SubwordVocabulary.BOS_ID;
        System.arraycopy(ids, 0, out, 1, ids.length);
        out[out.length - 1] = SubwordVocabulary.EOS_ID;
        return out;
    }

    /**
     * The subword strings of the text (with {@code ▁} for spaces), for inspection.
     *
     * @param text any text
     * @return one string per id of {@link #encode}
     */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        for (int id : encode(text)) out.add(vocabulary.token(id));
        return out;
    }

    /**
     * The distinct characters of the text that the tokenizer does not know, in order of appearance.
     *
     * @param text any text
     * @return each unknown character once, as a string (a literal {@code ▁} counts as unknown); empty if all are known
     */
    public List<String> unknownCharacters(String text) {
        Set<String> out = new LinkedHashSet<>();
        text.codePoints().forEach(cp -> {
            if (cp != ' ' && (cp == BpePreTokenizer.MARK || !charIds.containsKey(cp))) out.add(new String(Character.toChars(cp)));
        });
        return new ArrayList<>(out);
    }

    private int[] encode(String text, boolean strict) {
        if (text == null) throw new IllegalArgumentException("bpe: cannot encode null");
        if (strict) checkKnown(text);
        List<int[]> pieces = BpePreTokenizer.pieces(text);
        int[][] parts = new int[pieces.size()][];
        int total = 0;
        for (int p = 0; p < parts.length; p++) {
            parts[p] = encodePiece(pieces.get(p));
            total += parts[p].length;
        }
        int[] out = new int[total];
        int k = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, out, k, part.length);
            k += part.length;
        }
        return out;
    }

    private void checkKnown(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp == BpePreTokenizer.MARK) {
                throw new UnknownCharacterException(cp, i, text, "is reserved as the word-boundary mark and cannot be encoded");
            }
            if (cp != ' ' && !charIds.containsKey(cp)) {
                throw new UnknownCharacterException(cp, i, text, "was never seen when the tokenizer was learnt (it would become "
                        + SubwordVocabulary.UNK + ")");
            }
            i += Character.charCount(cp);
        }
    }

    private int[] encodePiece(int[] piece) {
        PieceKey key = new PieceKey(piece);
        int[] cached = cache.get(key);
        if (cached != null) return cached;
        int[] sym = new int[piece.length];
        for (int i = 0; i < piece.length; i++) {
            Integer id = piece[i] == BpePreTokenizer.RESERVED ? null : charIds.get(piece[i]);
            sym[i] = id == null ? -1 : id; // -1: <unk>, never part of a merge
        }
        int n = sym.length;
        while (n > 1) {
            int bestRank = Integer.MAX_VALUE, bestLeft = -1, bestRight = -1, bestMerged = -1;
            for (int i = 0; i + 1 < n; i++) {
                if (sym[i] < 0 || sym[i + 1] < 0) continue;
                int[] m = mergeIndex.get(pairKey(sym[i], sym[i + 1]));
                if (m != null && m[0] < bestRank) {
                    bestRank = m[0];
                    bestLeft = sym[i];
                    bestRight = sym[i + 1];
                    bestMerged = m[1];
                }
            }
            if (bestLeft < 0) break;
            n = mergeAll(sym, n, bestLeft, bestRight, bestMerged);
        }
        int[] out = Arrays.copyOf(sym, n);
        for (int i = 0; i < n; i++) if (out[i] < 0) out[i] = SubwordVocabulary.UNK_ID;
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        cache.put(key, out);
        return out;
    }

    /** Replaces every non-overlapping (left, right), scanning left to right, by merged, in place; the new length. */
    static int mergeAll(int[] sym, int n, int left, int right, int merged) {
        int w = 0;
        for (int r = 0; r < n; r++) {
            if (r + 1 < n && sym[r] == left && sym[r + 1] == right) {
                sym[w++] = merged;
                r++;
            } else {
                sym[w++] = sym[r];
            }
        }
        return w;
    }

    /**
     * The text of token ids: tokens joined, {@code ▁} turned back into spaces and the space put in front of
     * the first word removed. {@code <pad>}, {@code <bos>} and {@code <eos>} are skipped; {@code <unk>}
     * becomes {@value #UNK_TEXT}.
     *
     * @param ids token ids, e.g. a model's output
     * @return the text
     * @throws IllegalArgumentException if an id is out of the vocabulary's range
     */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= vocabulary.size()) {
                throw new IllegalArgumentException("bpe: id " + id + " at position " + i + " is out of range [0, "
                        + vocabulary.size() + ")");
            }
            if (id == SubwordVocabulary.UNK_ID) sb.append(UNK_TEXT);
            else if (!SubwordVocabulary.isSpecial(id)) sb.append(vocabulary.token(id));
        }
        String text = sb.toString().replace(BpePreTokenizer.MARK_STRING, " ");
        return text.startsWith(" ") ? text.substring(1) : text;
    }

    /**
     * The tokenizer as text (the format of {@link #save}).
     *
     * @return the vocabulary and the merges, one a line
     */
    public String serialize() {
        return serialized;
    }

    /**
     * The tokenizer of a string written by {@link #serialize()}.
     *
     * @param text the serialized tokenizer
     * @return the tokenizer
     * @throws IllegalArgumentException naming the line, if the text is not a valid tokenizer
     */
    public static Bpe deserialize(String text) {
        return BpeFile.read(text, "serialized tokenizer");
    }

    /**
     * Writes the tokenizer as UTF-8 text, atomically (a temporary file renamed over the target).
     *
     * @param file the file to create or replace, conventionally {@code tokenizer.bpe}
     * @throws IOException if the file cannot be written; an existing one is then left untouched
     */
    public void save(Path file) throws IOException {
        BpeFile.save(file, serialized);
    }

    /**
     * Reads a tokenizer written by {@link #save}.
     *
     * @param file the tokenizer file
     * @return the tokenizer
     * @throws IOException              if the file does not exist or cannot be read
     * @throws IllegalArgumentException naming the file and line, if it is not a valid tokenizer
     */
    public static Bpe load(Path file) throws IOException {
        return BpeFile.load(file);
    }

    /**
     * SHA-256 (hex) of {@link #serialize()}: equal for tokenizers with the same vocabulary and merges.
     *
     * @return 64 lowercase hexadecimal digits
     */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * Fails unless this tokenizer's fingerprint is the expected one (e.g. stored with a model's weights),
     * naming where the expectation came from.
     *
     * @param expected the fingerprint recorded with the model
     * @param source   where it was recorded (e.g. the checkpoint's path), for the message
     * @throws IllegalStateException if the fingerprints differ
     */
    public void requireFingerprint(String expected, String source) {
        if (!fingerprint.equals(expected)) {
            throw new IllegalStateException("bpe: tokenizer fingerprint " + abbreviate(fingerprint) + " does not match "
                    + abbreviate(expected) + " recorded in " + source
                    + ": the model was trained with a different tokenizer (vocabulary or merges differ)");
        }
    }

    /**
     * Stores the tokenizer and its fingerprint in (safetensors) metadata under {@link #METADATA_KEY} and {@link #FINGERPRINT_KEY}.
     *
     * @param metadata the mutable metadata map of a model about to be saved
     */
    public void putMetadata(Map<String, String> metadata) {
        metadata.put(METADATA_KEY, serialized);
        metadata.put(FINGERPRINT_KEY, fingerprint);
    }

    /**
     * The tokenizer stored by {@link #putMetadata}, checked against its stored fingerprint.
     *
     * @param metadata a checkpoint's metadata
     * @param source   the checkpoint's name or path, for messages
     * @return the tokenizer
     * @throws IllegalArgumentException if there is no tokenizer, or it is malformed
     * @throws IllegalStateException    if it does not match the stored fingerprint
     */
    public static Bpe fromMetadata(Map<String, String> metadata, String source) {
        String text = metadata.get(METADATA_KEY);
        if (text == null) throw new IllegalArgumentException("bpe: " + source + " has no tokenizer (metadata key '" + METADATA_KEY + "')");
        Bpe bpe = BpeFile.read(text, source + " metadata '" + METADATA_KEY + "'");
        String expected = metadata.get(FINGERPRINT_KEY);
        if (expected != null) bpe.requireFingerprint(expected, source);
        return bpe;
    }

    private static String abbreviate(String hex) {
        return hex == null ? "null" : hex.length() > 16 ? hex.substring(0, 16) + "..." : hex;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Two symbol ids as one hash key. The low half is scrambled with the left id because {@link Long#hashCode}
     * is {@code high ^ low}: plain {@code left << 32 | right} would give every pair of small ids one of a few
     * thousand hash codes, and the pair maps would degrade into trees.
     */
    static long pairKey(int left, int right) {
        return ((long) left << 32) | ((right ^ (left * 0x9E3779B9)) & 0xffffffffL);
    }

    static int pairLeft(long key) {
        return (int) (key >>> 32);
    }

    static int pairRight(long key) {
        int left = (int) (key >>> 32);
        return (int) key ^ (left * 0x9E3779B9);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bpe b && b.serialized.equals(serialized);
    }

    @Override
    public int hashCode() {
        return serialized.hashCode();
    }

    @Override
    public String toString() {
        return "Bpe[" + vocabulary.size() + " tokens, " + merges.size() + " merges, sha256 " + abbreviate(fingerprint) + "]";
    }

    /** A piece's code points as a hash key. */
    record PieceKey(int[] cps) {
        @Override
        public boolean equals(Object o) {
            return o instanceof PieceKey k && Arrays.equals(k.cps, cps);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(cps);
        }
    }
}
