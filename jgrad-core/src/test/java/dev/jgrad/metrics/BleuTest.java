package dev.jgrad.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published cases of sacreBLEU's README and test/test_bleu.py, written out by hand, and jgrad's own checks. */
class BleuTest {

    static final List<String> HYPS = List.of("The dog bit the man.", "It wasn't surprising.", "The man had just bitten him.");
    static final List<List<String>> REFS = List.of(
            List.of("The dog bit the man.", "It was not unexpected.", "The man bit him first."),
            List.of("The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."));

    /** sacreBLEU's raw_corpus_bleu: no tokenization, floor smoothing, effective order. */
    static Bleu raw(double floor) {
        return new Bleu(Bleu.Options.defaults().withTokenizer(BleuTokenizer.NONE)
                .withSmoothing(BleuSmoothing.FLOOR, floor).withEffectiveOrder(true));
    }

    @Test
    void readmeExample() {
        BleuScore s = new Bleu().corpusScore(HYPS, REFS);
        assertEquals(48.530827, s.score(), 1e-6);
        assertEquals("BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)", s.toString());
        assertEquals("nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:jgrad", s.signature());
        assertArrayEquals(new long[] {14, 7, 5, 3}, s.counts());
        assertArrayEquals(new long[] {17, 14, 11, 8}, s.totals());
    }

    @Test
    void readmeVariantsFromTestBleu() {
        assertEquals(49.1919566, new Bleu(Bleu.Options.defaults().withTokenizer(BleuTokenizer.NONE)).corpusScore(HYPS, REFS).score(), 1e-7);
        assertEquals(48.530827, new Bleu(Bleu.Options.defaults().withSmoothing(BleuSmoothing.NONE)).corpusScore(HYPS, REFS).score(), 1e-6);
        assertEquals(0.0, new Bleu().corpusScore(List.of("", "", ""), REFS).score()); // empty hypotheses are kept
        String[] byOrder = {"77.65", "60.50", "53.93", "48.53", "46.14", "43.28"};
        for (int order = 1; order <= 6; order++) {
            BleuScore s = new Bleu(Bleu.Options.defaults().withMaxNgramOrder(order)).corpusScore(HYPS, REFS);
            assertEquals(byOrder[order - 1], s.formatScore(2), "max n-gram order " + order);
        }
    }

    @Test
    void variableNumberOfReferences() {
        // README: a missing first reference (None) gives nrefs:var and 29.44.
        List<List<String>> refs = List.of(Arrays.asList(null, "It was not unexpected.", "The man bit him first."), REFS.get(1));
        BleuScore s = new Bleu().corpusScore(HYPS, refs);
        assertEquals("BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)", s.toString());
        assertTrue(s.signature().startsWith("nrefs:var|"), s.signature());
    }

    @Test
    void statisticsCase() {
        BleuStatistics st = raw(0.01).statistics("am I am a character sequence", List.of("I am a symbol string sequence a a"));
        assertArrayEquals(new long[] {4, 2, 1, 0}, st.correct());
        assertArrayEquals(new long[] {6, 5, 4, 3}, st.total());
        assertEquals(6, st.hypLength());
        assertEquals(8, st.refLength());
        // test_offset: 0.1555722182 with the default floor of 0.1, 0 without one.
        Bleu floorDefault = new Bleu(Bleu.Options.defaults().withTokenizer(BleuTokenizer.NONE)
                .withSmoothing(BleuSmoothing.FLOOR).withEffectiveOrder(true));
        assertEquals(0.1555722182, floorDefault.corpusScore(List.of("am I am a character sequence"),
                List.of(List.of("I am a symbol string sequence a a"))).score() / 100, 1e-8);
        assertEquals(0.0, raw(0.0).corpusScore(List.of("am I am a character sequence"),
                List.of(List.of("I am a symbol string sequence a a"))).score() / 100, 1e-8);
    }

    @Test
    void rawCorpusCases() {
        assertEquals(0.0, raw(0.01).corpusScore(List.of("this is a test", "another test"), List.of(List.of("ref1", "ref2"))).score());
        assertEquals(1.0, raw(0.01).corpusScore(List.of("this is a test"), List.of(List.of("this is a test"))).score() / 100, 1e-8);
        assertEquals(0.223606797749979, raw(0.01).corpusScore(List.of("this is a fest"), List.of(List.of("this is a test"))).score() / 100, 1e-8);
    }

    @Test
    void effectiveOrderCases() {
        assertEquals(0.3678794411714425, raw(0.01).corpusScore(List.of("test"), List.of(List.of("a test"))).score() / 100, 1e-8);
        assertEquals(1.0, raw(0.01).corpusScore(List.of("a test"), List.of(List.of("a test"))).score() / 100, 1e-8);
        assertEquals(0.03218297948685433, raw(0.01).corpusScore(List.of("a little test"), List.of(List.of("a test"))).score() / 100, 1e-8);
    }

    @Test
    void scoringFromStatistics() {
        BleuStatistics st = new BleuStatistics(11, 11, new long[] {9, 7, 5, 3}, new long[] {10, 8, 6, 4});
        assertEquals(0.8375922397, Bleu.compute(st, BleuSmoothing.NONE, Double.NaN, false).score() / 100, 1e-8);
    }

    @Test
    void degenerateStatisticsGiveExactlyZero() {
        Object[][] cases = {
            {new long[] {0, 0, 0, 0}, new long[] {4, 4, 2, 1}, 0L, 1L, 0.0},
            {new long[] {0, 0, 0, 0}, new long[] {10, 11, 12, 0}, 14L, 10L, 0.0},
            {new long[] {0, 0, 0, 0}, new long[] {0, 0, 0, 0}, 0L, 0L, 0.0},
            {new long[] {6, 5, 4, 0}, new long[] {6, 5, 4, 3}, 6L, 6L, 0.0},
            {new long[] {0, 0, 0, 0}, new long[] {0, 0, 0, 0}, 0L, 0L, 0.1},
            {new long[] {0, 0, 0, 0}, new long[] {0, 0, 0, 0}, 1L, 5L, 0.01},
        };
        for (Object[] c : cases) {
            BleuStatistics st = new BleuStatistics((long) c[2], (long) c[3], (long[]) c[0], (long[]) c[1]);
            assertEquals(0.0, Bleu.compute(st, BleuSmoothing.FLOOR, (double) c[4], false).score(), st.toString());
        }
    }

    @Test
    void expSmoothingHalvesEachMissingOrder() {
        // 1/(2^k total) for the k-th order without matches: orders 3 and 4 get 100/(2*4) and 100/(4*2).
        BleuStatistics st = new BleuStatistics(5, 5, new long[] {5, 2, 0, 0}, new long[] {5, 4, 4, 2});
        BleuScore s = Bleu.compute(st, BleuSmoothing.EXP, Double.NaN, false);
        assertArrayEquals(new double[] {100, 50, 12.5, 12.5}, s.precisions(), 1e-12);
        assertEquals(Math.exp((Math.log(100) + Math.log(50) + 2 * Math.log(12.5)) / 4), s.score(), 1e-12);
    }

    @Test
    void corpusBleuSumsStatisticsRatherThanAveragingSentences() {
        Bleu bleu = new Bleu();
        BleuStatistics sum = BleuStatistics.zero(4);
        double meanOfSentences = 0;
        for (int i = 0; i < HYPS.size(); i++) {
            List<String> refs = List.of(REFS.get(0).get(i), REFS.get(1).get(i));
            sum = sum.plus(bleu.statistics(HYPS.get(i), refs));
            meanOfSentences += bleu.sentenceScore(HYPS.get(i), refs).score() / HYPS.size();
        }
        assertEquals(bleu.corpusScore(HYPS, REFS).score(), bleu.score(sum).score(), 0);
        // 47.955 for the mean of sentence scores, 48.531 for corpus BLEU
        assertEquals(47.955184174, meanOfSentences, 1e-6);
    }

    @Test
    void closestReferenceLengthTiesGoToTheShorter() {
        assertEquals(4, Bleu.closestRefLength(5, new long[] {6, 4}));
        assertEquals(4, Bleu.closestRefLength(5, new long[] {4, 6}));
        assertEquals(6, Bleu.closestRefLength(7, new long[] {4, 6, 9}));
        BleuStatistics st = raw(0.1).statistics("a b c d e", List.of("a b c d e f", "a b c d"));
        assertEquals(4, st.refLength());
    }

    @Test
    void clippingUsesTheLargestCountInAnyOneReference() {
        // "the" appears at most twice in one reference: 7 hypothesis "the"s match 2, not 1 + 2.
        BleuStatistics st = raw(0.1).statistics("the the the the the the the", List.of("the cat the mat", "the dog"));
        assertEquals(2, st.correct()[0]);
        assertEquals(7, st.total()[0]);
    }

    @Test
    void lowercaseOption() {
        Bleu cased = new Bleu(), lower = new Bleu(Bleu.Options.defaults().withLowercase(true));
        List<String> hyp = List.of("THE DOG BIT THE MAN");
        List<List<String>> ref = List.of(List.of("the dog bit the man"));
        assertEquals(0.0, cased.corpusScore(hyp, ref).score(), 1e-9);
        assertEquals(100.0, lower.corpusScore(hyp, ref).score(), 1e-9);
        assertTrue(lower.corpusScore(hyp, ref).signature().contains("|case:lc|"));
    }

    @Test
    void signatures() {
        assertEquals("nrefs:1|case:mixed|eff:no|tok:13a|smooth:floor[0.10]|version:jgrad",
                new Bleu(Bleu.Options.defaults().withSmoothing(BleuSmoothing.FLOOR)).signature("1"));
        assertEquals("nrefs:1|case:lc|eff:yes|tok:char|smooth:add-k[2.00]|version:jgrad",
                new Bleu(Bleu.Options.defaults().withLowercase(true).withEffectiveOrder(true)
                        .withTokenizer(BleuTokenizer.CHAR).withSmoothing(BleuSmoothing.ADD_K, 2)).signature("1"));
    }

    @Test
    void pythonRounding() {
        assertEquals("0.12", PythonText.fixed(0.125, 2)); // half-even on the exact binary value
        assertEquals("2.67", PythonText.fixed(2.675, 2)); // 2.67499999... in binary
        assertEquals("0.375", PythonText.fixed(0.375, 3));
        assertEquals("100.0", PythonText.fixed(100, 1));
        assertEquals("-0.00", PythonText.fixed(-0.001, 2));
        assertEquals(List.of("a", "b", "c"), PythonText.split("\u00a0a\u2009b\u001fc\u3000"));
        assertEquals(List.of("a\u200bb"), PythonText.split(" a\u200bb ")); // zero-width space is not whitespace
        assertEquals("x", PythonText.rstrip("x \t\u00a0\u202f\r"));
    }

    @Test
    void clearErrors() {
        Bleu bleu = new Bleu();
        var e = assertThrows(IllegalArgumentException.class, () -> bleu.corpusScore(HYPS, List.of(List.of("a", "b"))));
        assertTrue(e.getMessage().contains("reference stream 1 has 2 sentences but there are 3 hypotheses"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bleu.corpusScore(HYPS, List.of()));
        assertTrue(e.getMessage().contains("no reference stream"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> bleu.corpusScore(List.of("a"), List.of(Arrays.asList((String) null))));
        assertTrue(e.getMessage().contains("sentence 1 has no reference"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Bleu.Options.defaults().withSmoothing(BleuSmoothing.EXP, 0.5));
        assertTrue(e.getMessage().contains("takes no value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BleuTokenizer.of("intl"));
        assertTrue(e.getMessage().contains("unknown tokenizer 'intl'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BleuSmoothing.of("laplace"));
        assertTrue(e.getMessage().contains("unknown smoothing method 'laplace'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Bleu.Options.defaults().withMaxNgramOrder(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }
}
