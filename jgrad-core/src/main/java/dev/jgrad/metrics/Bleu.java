package dev.jgrad.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * BLEU (Papineni et al., 2002) exactly as sacreBLEU computes it by default, so scores are comparable with
 * published ones: 13a tokenization, case-sensitive, n-grams up to 4, each hypothesis n-gram count clipped by
 * its largest count in any one reference, the closest reference length per sentence (ties go to the shorter),
 * brevity penalty {@code exp(1 - r/c)} when the hypotheses are shorter, and NIST's 'exp' smoothing.
 *
 * <p>Corpus BLEU sums the statistics of all sentences and computes one score from the sums; it is not the
 * mean of sentence scores. Sentence BLEU is that computation on one sentence; as in sacreBLEU, enable
 * {@link Options#withEffectiveOrder effective order} for it, so that a short sentence without 4-grams is not
 * scored zero.
 *
 * <pre>{@code
 * BleuScore s = new Bleu().corpusScore(hypotheses, List.of(references));
 * System.out.println(s);             // BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ...)
 * System.out.println(s.signature()); // nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:jgrad
 * }</pre>
 */
public final class Bleu {
    /** The standard largest n-gram order, 4 (BLEU-4). */
    public static final int MAX_NGRAM_ORDER = 4;
    /** The version field of signatures: these scores come from jgrad's implementation. */
    public static final String VERSION = "jgrad";

    /** sacreBLEU's {@code my_log(0)}: the log of a zero precision, so that the score becomes 0 rather than NaN. */
    private static final double LOG_ZERO = -9999999999.0;

    /**
     * How BLEU is computed; {@link #defaults()} is sacreBLEU's default, and the with-methods change one field.
     *
     * @param lowercase      case-insensitive BLEU (sacreBLEU's {@code lowercase}, signature {@code case:lc})
     * @param tokenizer      how sentences are split into words
     * @param smoothing      smoothing method
     * @param smoothValue    the value for floor and add-k, NaN for the method's default
     * @param maxNgramOrder  the largest n-gram order (4)
     * @param effectiveOrder average only over the orders that have hypothesis n-grams (for sentence BLEU)
     */
    public record Options(boolean lowercase, BleuTokenizer tokenizer, BleuSmoothing smoothing, double smoothValue,
                          int maxNgramOrder, boolean effectiveOrder) {
        /**
         * Checks the fields.
         *
         * @throws IllegalArgumentException if the tokenizer or smoothing is null, the order is below 1, or a
         *                                  smoothing value is given to a method without one or is negative
         */
        public Options {
            if (tokenizer == null) throw new IllegalArgumentException("bleu: tokenizer is null");
            if (smoothing == null) throw new IllegalArgumentException("bleu: smoothing method is null");
            if (maxNgramOrder < 1) throw new IllegalArgumentException("bleu: max n-gram order must be at least 1, got " + maxNgramOrder);
            if (!Double.isNaN(smoothValue)) {
                if (!smoothing.takesValue()) {
                    throw new IllegalArgumentException("bleu: smoothing method '" + smoothing.signature()
                            + "' takes no value, got " + smoothValue + "; only floor and add-k do");
                }
                if (!(smoothValue >= 0) || Double.isInfinite(smoothValue)) {
                    throw new IllegalArgumentException("bleu: smoothing value must be finite and >= 0, got " + smoothValue);
                }
            }
        }

        /**
         * sacreBLEU's defaults: mixed case, 13a, exp smoothing, order 4, no effective order.
         *
         * @return the default options, right for corpus BLEU
         */
        public static Options defaults() {
            return new Options(false, BleuTokenizer.THIRTEEN_A, BleuSmoothing.EXP, Double.NaN, MAX_NGRAM_ORDER, false);
        }

        /**
         * A copy with case sensitivity changed.
         *
         * @param lowercase true for case-insensitive BLEU
         * @return the new options
         */
        public Options withLowercase(boolean lowercase) {
            return new Options(lowercase, tokenizer, smoothing, smoothValue, maxNgramOrder, effectiveOrder);
        }

        /**
         * A copy with another tokenizer.
         *
         * @param tokenizer how sentences are split into words
         * @return the new options
         * @throws IllegalArgumentException if {@code tokenizer} is null
         */
        public Options withTokenizer(BleuTokenizer tokenizer) {
            return new Options(lowercase, tokenizer, smoothing, smoothValue, maxNgramOrder, effectiveOrder);
        }

        /**
         * A copy with another smoothing method, with its default value.
         *
         * @param smoothing the method
         * @return the new options
         * @throws IllegalArgumentException if {@code smoothing} is null
         */
        public Options withSmoothing(BleuSmoothing smoothing) {
            return new Options(lowercase, tokenizer, smoothing, Double.NaN, maxNgramOrder, effectiveOrder);
        }

        /**
         * A copy with another smoothing method and value.
         *
         * @param smoothing the method, floor or add-k if {@code value} is not NaN
         * @param value     the method's value (floor's epsilon, add-k's k), or NaN for its default
         * @return the new options
         * @throws IllegalArgumentException if the method takes no value but one is given, or it is negative
         */
        public Options withSmoothing(BleuSmoothing smoothing, double value) {
            return new Options(lowercase, tokenizer, smoothing, value, maxNgramOrder, effectiveOrder);
        }

        /**
         * A copy with another largest n-gram order.
         *
         * @param maxNgramOrder the order, at least 1
         * @return the new options
         * @throws IllegalArgumentException if {@code maxNgramOrder} is below 1
         */
        public Options withMaxNgramOrder(int maxNgramOrder) {
            return new Options(lowercase, tokenizer, smoothing, smoothValue, maxNgramOrder, effectiveOrder);
        }

        /**
         * A copy with effective order on or off; turn it on for sentence BLEU.
         *
         * @param effectiveOrder average only over the orders the hypothesis has n-grams of
         * @return the new options
         */
        public Options withEffectiveOrder(boolean effectiveOrder) {
            return new Options(lowercase, tokenizer, smoothing, smoothValue, maxNgramOrder, effectiveOrder);
        }

        /**
         * The smoothing value in use: the given one, else the method's default (NaN for exp and none).
         *
         * @return the value
         */
        public double resolvedSmoothValue() {
            return Double.isNaN(smoothValue) ? smoothing.defaultValue() : smoothValue;
        }
    }

    private final Options options;

    /** BLEU with sacreBLEU's default options ({@link Options#defaults()}). */
    public Bleu() {
        this(Options.defaults());
    }

    /**
     * BLEU with the given options.
     *
     * @param options how to tokenize, smooth and average
     * @throws IllegalArgumentException if {@code options} is null
     */
    public Bleu(Options options) {
        if (options == null) throw new IllegalArgumentException("bleu: options are null");
        this.options = options;
    }

    /**
     * The options this BLEU computes with.
     *
     * @return the options
     */
    public Options options() {
        return options;
    }

    /**
     * Corpus BLEU.
     *
     * @param hypotheses one sentence per segment
     * @param references reference streams, as sacreBLEU takes them: {@code references.get(r).get(i)} is the r-th
     *                   reference of sentence i. A null entry means that sentence has fewer references
     *                   (the signature then says {@code nrefs:var}); an empty string is an empty reference.
     * @return the score, with the sacreBLEU signature of these options
     * @throws IllegalArgumentException if a stream's length differs from the hypotheses', a hypothesis is
     *                                  null, or a sentence has no reference at all
     */
    public BleuScore corpusScore(List<String> hypotheses, List<? extends List<String>> references) {
        if (hypotheses == null) throw new IllegalArgumentException("bleu: hypotheses are null");
        if (references == null || references.isEmpty()) throw new IllegalArgumentException("bleu: no reference stream given");
        for (int r = 0; r < references.size(); r++) {
            List<String> stream = references.get(r);
            if (stream == null) throw new IllegalArgumentException("bleu: reference stream " + (r + 1) + " is null");
            if (stream.size() != hypotheses.size()) {
                throw new IllegalArgumentException("bleu: reference stream " + (r + 1) + " has " + stream.size()
                        + " sentences but there are " + hypotheses.size() + " hypotheses");
            }
        }
        BleuStatistics sum = BleuStatistics.zero(options.maxNgramOrder());
        TreeSet<Integer> refCounts = new TreeSet<>();
        List<String> refs = new ArrayList<>(references.size());
        for (int i = 0; i < hypotheses.size(); i++) {
            String hyp = hypotheses.get(i);
            if (hyp == null) throw new IllegalArgumentException("bleu: hypothesis " + (i + 1) + " is null");
            refs.clear();
            for (List<String> stream : references) {
                String ref = stream.get(i);
                if (ref != null) refs.add(ref);
            }
            if (refs.isEmpty()) {
                throw new IllegalArgumentException("bleu: sentence " + (i + 1) + " has no reference (all "
                        + references.size() + " are null)");
            }
            refCounts.add(refs.size());
            sum = sum.plus(statistics(hyp, refs));
        }
        String nrefs = refCounts.isEmpty() ? String.valueOf(references.size())
                : refCounts.size() == 1 ? String.valueOf(refCounts.first()) : "var";
        return compute(sum, nrefs);
    }

    /**
     * Sentence BLEU of one hypothesis against its references (null references are skipped).
     *
     * @param hypothesis the system's sentence
     * @param references its reference translations, at least one non-null
     * @return the score, with the signature of these options
     * @throws IllegalArgumentException if an argument is null or there is no reference
     */
    public BleuScore sentenceScore(String hypothesis, List<String> references) {
        if (hypothesis == null) throw new IllegalArgumentException("bleu: hypothesis is null");
        if (references == null) throw new IllegalArgumentException("bleu: references are null");
        List<String> refs = new ArrayList<>();
        for (String r : references) if (r != null) refs.add(r);
        if (refs.isEmpty()) throw new IllegalArgumentException("bleu: no reference for hypothesis \"" + hypothesis + "\"");
        return compute(statistics(hypothesis, refs), String.valueOf(refs.size()));
    }

    /**
     * The statistics of one sentence against its (non-null) references, to sum over a corpus and pass to
     * {@link #score(BleuStatistics)}.
     *
     * @param hypothesis the system's sentence
     * @param references its reference translations, at least one
     * @return the sentence's lengths and n-gram counts
     * @throws IllegalArgumentException if a reference is null
     */
    public BleuStatistics statistics(String hypothesis, List<String> references) {
        int order = options.maxNgramOrder();
        Map<String, Integer> refMax = new HashMap<>();
        long[] refLengths = new long[references.size()];
        for (int r = 0; r < references.size(); r++) {
            String ref = references.get(r);
            if (ref == null) throw new IllegalArgumentException("bleu: reference " + (r + 1) + " is null");
            List<String> words = words(ref);
            refLengths[r] = words.size();
            for (Map.Entry<String, Integer> e : ngrams(words, order).entrySet()) {
                refMax.merge(e.getKey(), e.getValue(), Math::max);
            }
        }
        List<String> words = words(hypothesis);
        long hypLength = words.size();
        long[] correct = new long[order], total = new long[order];
        for (Map.Entry<String, Integer> e : ngrams(words, order).entrySet()) {
            int n = ngramOrder(e.getKey());
            int count = e.getValue();
            total[n - 1] += count;
            Integer inRef = refMax.get(e.getKey());
            if (inRef != null) correct[n - 1] += Math.min(count, inRef);
        }
        return new BleuStatistics(hypLength, closestRefLength(hypLength, refLengths), correct, total);
    }

    /**
     * The score of (summed) statistics with these options; its signature is empty, since nrefs is not known.
     *
     * @param statistics statistics of one sentence or summed over a corpus, of this BLEU's n-gram order
     * @return the score
     * @throws IllegalArgumentException if the n-gram order differs from the options'
     */
    public BleuScore score(BleuStatistics statistics) {
        return compute(statistics, null);
    }

    /**
     * sacreBLEU's signature for these options and a number of references ("1", "2", "var").
     *
     * @param nrefs the number of references per sentence, or "var" when it varies
     * @return e.g. {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:jgrad}
     */
    public String signature(String nrefs) {
        String smooth = options.smoothing().signature();
        if (options.smoothing().takesValue()) smooth += "[" + PythonText.fixed(options.resolvedSmoothValue(), 2) + "]";
        return "nrefs:" + nrefs + "|case:" + (options.lowercase() ? "lc" : "mixed") + "|eff:"
                + (options.effectiveOrder() ? "yes" : "no") + "|tok:" + options.tokenizer().signature()
                + "|smooth:" + smooth + "|version:" + VERSION;
    }

    /** Lower-cased (if asked), right-stripped and tokenized, then split on whitespace: sacreBLEU's preprocessing. */
    List<String> words(String sentence) {
        String s = options.lowercase() ? sentence.toLowerCase(Locale.ROOT) : sentence;
        return PythonText.split(options.tokenizer().tokenize(PythonText.rstrip(s)));
    }

    /** Every n-gram of order 1..maxOrder with its count; an n-gram's words are joined by single spaces. */
    private static Map<String, Integer> ngrams(List<String> words, int maxOrder) {
        Map<String, Integer> counts = new HashMap<>();
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= maxOrder; n++) {
            for (int i = 0; i + n <= words.size(); i++) {
                sb.setLength(0);
                for (int k = i; k < i + n; k++) {
                    if (k > i) sb.append(' ');
                    sb.append(words.get(k));
                }
                counts.merge(sb.toString(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Words contain no whitespace, so an n-gram's order is its number of spaces plus one. */
    private static int ngramOrder(String ngram) {
        int n = 1;
        for (int i = 0; i < ngram.length(); i++) if (ngram.charAt(i) == ' ') n++;
        return n;
    }

    /** The reference length closest to the hypothesis length; of two equally close, the shorter. */
    static long closestRefLength(long hypLength, long[] refLengths) {
        long bestDiff = -1, best = -1;
        for (long len : refLengths) {
            long diff = Math.abs(hypLength - len);
            if (bestDiff == -1 || diff < bestDiff) {
                bestDiff = diff;
                best = len;
            } else if (diff == bestDiff && len < best) {
                best = len;
            }
        }
        return best;
    }

    private BleuScore compute(BleuStatistics stats, String nrefs) {
        if (stats.maxNgramOrder() != options.maxNgramOrder()) {
            throw new IllegalArgumentException("bleu: statistics of n-gram order " + stats.maxNgramOrder()
                    + " given to a BLEU of order " + options.maxNgramOrder());
        }
        BleuScore s = compute(stats, options.smoothing(), options.smoothValue(), options.effectiveOrder());
        return nrefs == null ? s : new BleuScore(s.score(), s.counts(), s.totals(), s.precisions(), s.bp(),
                s.hypLength(), s.refLength(), signature(nrefs));
    }

    /**
     * BLEU from sufficient statistics (sacreBLEU's {@code compute_bleu}). No match at any order gives 0
     * whatever the smoothing; an order without hypothesis n-grams ends the precisions (with effective order,
     * the mean is over the orders before it; without, the missing precision makes the score 0).
     *
     * @param stats          the (summed) statistics
     * @param smoothing      what to do with orders without matches
     * @param smoothValue    for floor and add-k; NaN for the method's default
     * @param effectiveOrder average only over the orders that have hypothesis n-grams
     * @return the score, with an empty signature
     */
    public static BleuScore compute(BleuStatistics stats, BleuSmoothing smoothing, double smoothValue, boolean effectiveOrder) {
        if (Double.isNaN(smoothValue)) smoothValue = smoothing.defaultValue();
        int order = stats.maxNgramOrder();
        long sysLen = stats.hypLength(), refLen = stats.refLength();
        long[] counts = stats.correct(), totals = stats.total();

        double bp = 1.0;
        if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - (double) refLen / sysLen) : 0.0;

        double[] precisions = new double[order];
        boolean anyMatch = false;
        for (long c : counts) anyMatch |= c != 0;
        if (!anyMatch) return new BleuScore(0.0, counts, totals, precisions, bp, sysLen, refLen, "");

        double[] correct = new double[order], total = new double[order];
        for (int i = 0; i < order; i++) {
            correct[i] = counts[i];
            total[i] = totals[i];
        }
        double smoothMteval = 1.0;
        int effOrder = order;
        for (int n = 1; n <= order; n++) {
            if (smoothing == BleuSmoothing.ADD_K && n > 1) {
                correct[n - 1] += smoothValue;
                total[n - 1] += smoothValue;
            }
            if (total[n - 1] == 0) break;
            if (effectiveOrder) effOrder = n;
            if (correct[n - 1] == 0) {
                if (smoothing == BleuSmoothing.EXP) {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * total[n - 1]);
                } else if (smoothing == BleuSmoothing.FLOOR) {
                    precisions[n - 1] = 100.0 * smoothValue / total[n - 1];
                }
            } else {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }
        double logSum = 0;
        for (int i = 0; i < effOrder; i++) logSum += precisions[i] == 0.0 ? LOG_ZERO : Math.log(precisions[i]);
        double score = bp * Math.exp(logSum / effOrder);
        return new BleuScore(score, counts, totals, precisions, bp, sysLen, refLen, "");
    }
}
