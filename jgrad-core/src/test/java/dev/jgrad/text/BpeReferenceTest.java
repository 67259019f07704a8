package dev.jgrad.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The incremental trainer against the textbook algorithm, which recounts every pair before each merge:
 * both must learn the same merges in the same order, ties included.
 */
class BpeReferenceTest {

    /** Textbook BPE over the same pieces, with the same tie rule, by full recount. */
    static List<String> naiveMerges(List<String> lines, int numMerges) {
        Map<List<String>, Integer> words = new HashMap<>();
        for (String line : lines) {
            for (int[] piece : BpePreTokenizer.pieces(line)) {
                List<String> symbols = new ArrayList<>();
                for (int cp : piece) symbols.add(new String(Character.toChars(cp)));
                words.merge(symbols, 1, Integer::sum);
            }
        }
        List<String> merges = new ArrayList<>();
        while (merges.size() < numMerges) {
            Map<List<String>, Long> pairs = new HashMap<>();
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                List<String> s = e.getKey();
                for (int i = 0; i + 1 < s.size(); i++) pairs.merge(List.of(s.get(i), s.get(i + 1)), (long) e.getValue(), Long::sum);
            }
            List<String> best = null;
            long bestCount = 0;
            for (Map.Entry<List<String>, Long> e : pairs.entrySet()) {
                List<String> p = e.getKey();
                long c = e.getValue();
                if (best == null || c > bestCount || (c == bestCount && (p.get(0).compareTo(best.get(0)) < 0
                        || (p.get(0).equals(best.get(0)) && p.get(1).compareTo(best.get(1)) < 0)))) {
                    best = p;
                    bestCount = c;
                }
            }
            if (best == null || bestCount < 2) break;
            merges.add(best.get(0) + " " + best.get(1));
            Map<List<String>, Integer> next = new HashMap<>();
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                List<String> s = e.getKey(), out = new ArrayList<>();
                for (int i = 0; i < s.size(); i++) {
                    if (i + 1 < s.size() && s.get(i).equals(best.get(0)) && s.get(i + 1).equals(best.get(1))) {
                        out.add(best.get(0) + best.get(1));
                        i++;
                    } else {
                        out.add(s.get(i));
                    }
                }
                next.merge(out, e.getValue(), Integer::sum);
            }
            words = next;
        }
        return merges;
    }

    private static List<String> merges(Bpe bpe) {
        List<String> out = new ArrayList<>();
        for (Bpe.Merge m : bpe.merges()) out.add(m.left() + " " + m.right());
        return out;
    }

    @Test
    void sameMergesAsFullRecountOnTrickyText() {
        // Repeated symbols ("aaaa", "abab") exercise overlapping and adjacent merge sites.
        List<String> lines = List.of("aaaa aaa aa a abab ababab baba", "aaaa abab bbbb ab ba", "aaaaaa bababab  ab.ab,ab");
        Bpe bpe = Bpe.learn(lines, Bpe.Options.merges(100));
        assertEquals(naiveMerges(lines, 100), merges(bpe));
    }

    @Test
    void sameMergesAsFullRecountOnMulti30k() throws IOException {
        assumeTrue(Multi30k.dir() != null, "Multi30k not found");
        List<String> lines = new ArrayList<>(Multi30k.read("train.en.gz", 200));
        lines.addAll(Multi30k.read("train.de.gz", 200));
        List<String> expected = naiveMerges(lines, 250);
        assertEquals(expected, merges(Bpe.learn(lines, Bpe.Options.merges(250))));
    }
}
