package dev.jgrad.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Learns BPE merges with incremental pair counts, so that each merge costs time in proportion to the pieces
 * that contain the merged pair, not to the corpus:
 *
 * <ul>
 *   <li>the corpus is reduced to its distinct pieces with their counts;</li>
 *   <li>each adjacent pair of symbols keeps its total count (weighted by piece count) and the list of pieces it
 *       occurs in (entries may be stale: a piece is checked again before it is rewritten);</li>
 *   <li>merging (a, b) into z rewrites only those pieces and adjusts only the pairs next to each merge site:
 *       (p, a) and (b, n) lose the piece's count, (p, z) and (z, n) gain it;</li>
 *   <li>a priority queue holds (count, pair) entries, pushed whenever a count changes; a popped entry whose
 *       count is no longer the pair's current count is outdated and dropped.</li>
 * </ul>
 */
final class BpeTrainer {
    private BpeTrainer() {}

    /** A pair's running count and the pieces (by index) it may occur in. */
    private static final class PairStat {
        final int left, right;
        long count;
        int[] pieces = new int[2];
        int size;
        int changedAt = -1;

        PairStat(int left, int right) {
            this.left = left;
            this.right = right;
        }

        void addPiece(int w) {
            if (size > 0 && pieces[size - 1] == w) return;
            if (size == pieces.length) pieces = Arrays.copyOf(pieces, size * 2);
            pieces[size++] = w;
        }
    }

    private record Entry(long count, int left, int right) {}

    /** Pair key -> stat, open addressing on primitive keys (no boxing in the inner loop). */
    private static final class PairMap {
        private long[] keys = new long[1 << 16];
        private PairStat[] values = new PairStat[1 << 16];
        private int size;

        private static int slot(long key, int mask) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 29)) & mask;
        }

        PairStat get(int left, int right) {
            long key = Bpe.pairKey(left, right);
            int mask = keys.length - 1;
            for (int i = slot(key, mask); values[i] != null; i = (i + 1) & mask) {
                if (keys[i] == key) return values[i];
            }
            return null;
        }

        PairStat getOrAdd(int left, int right) {
            long key = Bpe.pairKey(left, right);
            int mask = keys.length - 1;
            int i = slot(key, mask);
            for (; values[i] != null; i = (i + 1) & mask) {
                if (keys[i] == key) return values[i];
            }
            PairStat st = new PairStat(left, right);
            keys[i] = key;
            values[i] = st;
            if (++size * 2 > keys.length) grow();
            return st;
        }

        /** Stats are never removed: a pair whose count drops to zero keeps its (empty) entry. */
        private void grow() {
            long[] oldKeys = keys;
            PairStat[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new PairStat[oldKeys.length * 2];
            int mask = keys.length - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldValues[j] == null) continue;
                int i = slot(oldKeys[j], mask);
                while (values[i] != null) i = (i + 1) & mask;
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }

        void forEach(java.util.function.Consumer<PairStat> action) {
            for (PairStat st : values) if (st != null) action.accept(st);
        }
    }

    static Bpe learn(Iterable<String> lines, Bpe.Options options) {
        if (lines == null) throw new IllegalArgumentException("bpe: no training lines (null)");
        // 1. Distinct pieces with their counts.
        Map<Bpe.PieceKey, long[]> pieceCounts = new HashMap<>();
        long lineCount = 0;
        for (String line : lines) {
            if (line == null) throw new IllegalArgumentException("bpe: training line " + (lineCount + 1) + " is null");
            lineCount++;
            for (int[] piece : BpePreTokenizer.pieces(line)) pieceCounts.computeIfAbsent(new Bpe.PieceKey(piece), k -> new long[1])[0]++;
        }
        if (pieceCounts.isEmpty()) throw new IllegalArgumentException("bpe: nothing to learn from (" + lineCount + " lines, all empty)");

        // 2. The alphabet: characters seen at least minCharFrequency times, in code point order, and the mark.
        TreeMap<Integer, Long> charCounts = new TreeMap<>();
        for (Map.Entry<Bpe.PieceKey, long[]> e : pieceCounts.entrySet()) {
            for (int cp : e.getKey().cps()) if (cp != BpePreTokenizer.RESERVED) charCounts.merge(cp, e.getValue()[0], Long::sum);
        }
        SubwordVocabulary.Builder vocab = SubwordVocabulary.builder();
        Map<Integer, Integer> charIds = new HashMap<>();
        for (Map.Entry<Integer, Long> e : charCounts.entrySet()) {
            if (e.getValue() >= options.minCharFrequency() || e.getKey() == BpePreTokenizer.MARK) {
                charIds.put(e.getKey(), vocab.add(new String(Character.toChars(e.getKey()))));
            }
        }
        if (options.vocabSize() != 0 && vocab.size() > options.vocabSize()) {
            throw new IllegalArgumentException("bpe: vocab size " + options.vocabSize() + " is smaller than the "
                    + SubwordVocabulary.NUM_SPECIALS + " special tokens and " + charIds.size()
                    + " characters of the training text; raise it, or the min char frequency ("
                    + options.minCharFrequency() + ") to leave rare characters out");
        }

        // 3. Pieces as symbol ids (-1: a character left out, which no pair includes), sorted for determinism.
        List<Map.Entry<Bpe.PieceKey, long[]>> entries = new ArrayList<>(pieceCounts.entrySet());
        entries.sort((x, y) -> Arrays.compare(x.getKey().cps(), y.getKey().cps()));
        int numPieces = entries.size();
        int[][] sym = new int[numPieces][];
        int[] len = new int[numPieces];
        long[] freq = new long[numPieces];
        for (int w = 0; w < numPieces; w++) {
            int[] cps = entries.get(w).getKey().cps();
            sym[w] = new int[cps.length];
            len[w] = cps.length;
            for (int i = 0; i < cps.length; i++) {
                Integer id = cps[i] == BpePreTokenizer.RESERVED ? null : charIds.get(cps[i]);
                sym[w][i] = id == null ? -1 : id;
            }
            freq[w] = entries.get(w).getValue()[0];
        }

        // 4. Initial pair counts and the queue.
        PairMap pairs = new PairMap();
        for (int w = 0; w < numPieces; w++) {
            int[] s = sym[w];
            for (int i = 0; i + 1 < s.length; i++) {
                if (s[i] < 0 || s[i + 1] < 0) continue;
                PairStat st = pairs.getOrAdd(s[i], s[i + 1]);
                st.count += freq[w];
                st.addPiece(w);
            }
        }
        PriorityQueue<Entry> queue = new PriorityQueue<>((x, y) -> {
            int c = Long.compare(y.count, x.count);
            if (c != 0) return c;
            c = vocab.token(x.left).compareTo(vocab.token(y.left));
            return c != 0 ? c : vocab.token(x.right).compareTo(vocab.token(y.right));
        });
        pairs.forEach(st -> queue.add(new Entry(st.count, st.left, st.right)));

        // 5. Merge until a limit is reached or no pair is frequent enough.
        List<Bpe.Merge> merges = new ArrayList<>();
        int[] seen = new int[numPieces];
        List<PairStat> changed = new ArrayList<>();
        while ((options.vocabSize() == 0 || vocab.size() < options.vocabSize())
                && (options.maxMerges() == 0 || merges.size() < options.maxMerges())) {
            PairStat best = null;
            while (!queue.isEmpty()) {
                Entry e = queue.poll();
                PairStat st = pairs.get(e.left, e.right);
                if (st != null && st.count == e.count && st.count > 0) {
                    best = st;
                    break;
                }
            }
            if (best == null || best.count < options.minPairFrequency()) break;
            int a = best.left, b = best.right;
            String left = vocab.token(a), right = vocab.token(b);
            int z = vocab.add(left + right);
            merges.add(new Bpe.Merge(left, right));
            int step = merges.size();

            changed.clear();
            for (int k = 0; k < best.size; k++) {
                int w = best.pieces[k];
                if (seen[w] == step) continue;
                seen[w] = step;
                int[] s = sym[w];
                int n = len[w];
                long f = freq[w];
                // Left to right, non-overlapping, in place; s[out-1] is the (possibly merged) left neighbour.
                int out = 0;
                boolean any = false;
                for (int i = 0; i < n; i++) {
                    if (i + 1 < n && s[i] == a && s[i + 1] == b) {
                        any = true;
                        if (out > 0 && s[out - 1] >= 0) {
                            adjust(pairs, changed, step, s[out - 1], a, -f, a, b);
                            adjust(pairs, changed, step, s[out - 1], z, f, a, b).addPiece(w);
                        }
                        if (i + 2 < n && s[i + 2] >= 0) {
                            adjust(pairs, changed, step, b, s[i + 2], -f, a, b);
                            adjust(pairs, changed, step, z, s[i + 2], f, a, b).addPiece(w);
                        }
                        s[out++] = z;
                        i++;
                    } else {
                        s[out++] = s[i];
                    }
                }
                if (any) len[w] = out;
            }
            best.count = 0;
            best.size = 0;
            best.pieces = new int[0];
            for (PairStat st : changed) if (st.count > 0) queue.add(new Entry(st.count, st.left, st.right));
        }
        return new Bpe(vocab.build(), merges);
    }

    /**
     * Adds delta to the count of (left, right) and marks it changed in this step; the merged pair (a, b) itself
     * is left alone (it is emptied once the step is done).
     */
    private static PairStat adjust(PairMap pairs, List<PairStat> changed, int step, int left, int right, long delta, int a, int b) {
        PairStat st = pairs.getOrAdd(left, right);
        if (left == a && right == b) return st;
        st.count += delta;
        if (st.changedAt != step) {
            st.changedAt = step;
            changed.add(st);
        }
        return st;
    }
}
