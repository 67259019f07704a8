package dev.jgrad.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of src/test/resources/dev/jgrad/metrics/sacrebleu.txt, answered by sacreBLEU 2.6.0 itself
 * (scripts/make_bleu_fixtures.py): its README example under every tokenizer, smoothing and n-gram order,
 * its test_bleu.py and test_sentence_bleu.py cases, variable and empty references, and perturbed Multi30k
 * sentences. Score to 1e-9, counts and totals exactly, the printed line and signature character for character.
 */
class SacreBleuConformanceTest {

    static Stream<SacreBleuFixtures.Case> cases() throws IOException {
        return SacreBleuFixtures.bleuCases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corpusScoreMatchesSacreBleu(SacreBleuFixtures.Case c) {
        BleuScore s = new Bleu(c.options()).corpusScore(c.hyps(), c.streams());
        assertEquals(c.score(), s.score(), 1e-9, c.name());
        // sacreBLEU reports add-k's counts with k added to every order above 1 (unless nothing matched, when it
        // stops before smoothing); jgrad reports the counts themselves.
        long[] counts = c.counts(), totals = c.totals();
        boolean anyMatch = Arrays.stream(counts).anyMatch(x -> x != 0);
        long k = c.options().smoothing() == BleuSmoothing.ADD_K && anyMatch ? (long) c.options().resolvedSmoothValue() : 0;
        for (int n = 1; n < counts.length; n++) {
            counts[n] -= k;
            totals[n] -= k;
        }
        assertArrayEquals(counts, s.counts(), c.name());
        assertArrayEquals(totals, s.totals(), c.name());
        assertEquals(c.line(), s.toString(), c.name());
        assertEquals(c.signature(), s.signature(), c.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sentenceScoresMatchSacreBleu(SacreBleuFixtures.Case c) {
        if (c.sentenceScores() == null) return;
        Bleu bleu = new Bleu(c.options());
        for (int i = 0; i < c.hyps().size(); i++) {
            List<String> refs = new ArrayList<>(c.refsPerSegment().get(i));
            double got = bleu.sentenceScore(c.hyps().get(i), refs).score();
            assertEquals(c.sentenceScores()[i], got, 1e-9, c.name() + " sentence " + (i + 1) + ": " + c.hyps().get(i));
        }
    }

    @Test
    void tokenizer13aMatchesSacreBleu() throws IOException {
        List<String> mismatches = new ArrayList<>();
        List<String[]> cases = SacreBleuFixtures.tokenizerCases();
        for (String[] io : cases) {
            String got = Tokenizer13a.tokenize(io[0]);
            if (!got.equals(io[1])) mismatches.add("\"" + io[0] + "\": expected \"" + io[1] + "\", got \"" + got + "\"");
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " of " + cases.size() + " differ:\n" + String.join("\n", mismatches));
        assertTrue(cases.size() > 400, "only " + cases.size() + " cases");
    }
}
