package dev.jgrad.models;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.SubwordVocabulary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Greedy and beam-search decoding of a {@link TranslationModel} ({@link TranslationTransformer}, {@link TranslationLSTM}),
 * a batch of sentences at a time, incrementally: the encoder runs once, and each step feeds only the newest token of
 * every hypothesis, what the decoder keeps of the earlier positions (the Transformer's key/value cache, the LSTM's
 * states) being in the model's {@link TranslationModel.DecodingState}. Sentences that are done leave the batch (their
 * rows are dropped with {@link TranslationModel.DecodingState#reorder}), so a long sentence does not keep the short ones
 * computing.
 *
 * <p><b>Beam search</b> keeps the {@code beam} best partial translations of each sentence by total log-probability.
 * At every step it ranks the extensions of all of them; going down that ranking, an extension ending in
 * {@code <eos>} among the first {@code beam} becomes a finished hypothesis (one further down is dropped), any other
 * becomes one of the next step's beams, until there are {@code beam} of those. A sentence is done once it has
 * {@code beam} finished hypotheses (fairseq's rule), or at the maximum length, where its open beams are finished as
 * they are. The answer is the finished hypothesis with
 * the best score after the length penalty.
 *
 * <p><b>Length penalty</b> (GNMT, Wu et al. 2016): score = log P(y) / lp(y) with lp(y) = ((5 + |y|) / 6)^alpha, |y|
 * counting the tokens including {@code <eos>}. alpha = 0 ranks by plain log-probability, which favours short
 * outputs; alpha = 1 is close to the average log-probability per token. It only decides between finished
 * hypotheses, as in GNMT; the beams themselves are ranked by log-probability.
 *
 * <p>Greedy decoding is beam search with one beam and gives the same tokens and log-probabilities (ties go to
 * the lower token id in both). {@code <pad>} and {@code <bos>} are never generated.
 *
 * <p>This is the search on token ids; {@link dev.jgrad.inference.Translator} loads a checkpoint with its tokenizer and
 * translates text with it.
 */
public final class Translator {

    /**
     * One output: the tokens (without {@code <bos>} or {@code <eos>}), their summed log-probability (of the
     * {@code <eos>} too when it was generated), and the length-penalised score beam search ranked it by.
     *
     * @param tokens   the output's token ids, without {@code <bos>} and {@code <eos>}
     * @param logProb  the summed log-probability of the generated tokens, {@code <eos>} included when generated, in nats
     * @param score    {@code logProb / lengthPenalty(length, alpha)}, what beam search ranked by ({@code logProb} itself
     *                 with greedy decoding)
     * @param finished true if the model generated {@code <eos>}, false if the output was cut at the maximum length
     */
    public record Hypothesis(int[] tokens, double logProb, double score, boolean finished) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Hypothesis(%s, logProb=%.4f, score=%.4f%s)", Arrays.toString(tokens), logProb, score,
                    finished ? "" : ", unfinished");
        }
    }

    /**
     * The longest output allowed for a source of n tokens: {@code min(a * n + b, model limit)} tokens including
     * {@code <eos>}.
     *
     * @param a the factor on the source's length in tokens, {@code >= 0}
     * @param b the tokens added to it, at least 1
     */
    public record MaxLength(double a, int b) implements java.io.Serializable {
        /**
         * Checks the bounds.
         *
         * @throws IllegalArgumentException if {@code a} is negative or {@code b} is less than 1
         */
        public MaxLength {
            if (!(a >= 0) || b < 1) throw new IllegalArgumentException("max length: a must be >= 0 and b >= 1, got a=" + a + ", b=" + b);
        }

        /**
         * 1.5 n + 10: Multi30k's German is at most about 1.4 times its English in subwords.
         *
         * @return a = 1.5, b = 10
         */
        public static MaxLength defaults() {
            return new MaxLength(1.5, 10);
        }

        int of(int sourceLength, int modelMaxLen) {
            // Positions 0 .. len-1 are fed (BOS first), the model covers modelMaxLen of them.
            return (int) Math.max(1, Math.min((long) Math.floor(a * sourceLength) + b, modelMaxLen));
        }
    }

    private final TranslationModel model;
    private final MaxLength maxLength;

    /**
     * A decoder of {@code model} with outputs of at most {@link MaxLength#defaults()} tokens.
     *
     * @param model the translation model (put in eval mode when decoding)
     */
    public Translator(TranslationModel model) {
        this(model, MaxLength.defaults());
    }

    /**
     * A decoder of {@code model} with outputs of at most {@code maxLength} tokens.
     *
     * @param model     the translation model (put in eval mode when decoding)
     * @param maxLength the longest output for a source of n tokens, further capped by the model's maximum length
     */
    public Translator(TranslationModel model, MaxLength maxLength) {
        this.model = model;
        this.maxLength = maxLength;
    }

    /**
     * GNMT's length penalty ((5 + length) / 6)^alpha.
     *
     * @param length the output's length in tokens, {@code <eos>} included
     * @param alpha  the penalty's exponent, {@code >= 0} (0 gives 1: no penalty)
     * @return the divisor of a hypothesis's log-probability
     */
    public static double lengthPenalty(int length, double alpha) {
        return Math.pow((5.0 + length) / 6.0, alpha);
    }

    /**
     * Decodes many sources in batches of up to {@code batchSentences} of similar length (less padding), greedy for
     * beam 1 and beam search otherwise; the results are in the order of the sources.
     *
     * @param sources        token ids of each source, each ending in {@code <eos>}, not empty, without padding
     * @param beam           hypotheses kept per sentence, at least 1 (1: greedy)
     * @param alpha          the length penalty's exponent, {@code >= 0}
     * @param batchSentences sentences decoded together, at least 1
     * @return the best hypothesis of each source, in order
     * @throws IllegalArgumentException if a source is empty, or the beam, alpha or batch size is out of range
     */
    public List<Hypothesis> translate(List<int[]> sources, int beam, double alpha, int batchSentences) {
        if (batchSentences < 1) throw new IllegalArgumentException("translation: sentences per batch must be positive, got " + batchSentences);
        Integer[] order = new Integer[sources.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(sources.get(a).length, sources.get(b).length));
        Hypothesis[] out = new Hypothesis[order.length];
        for (int start = 0; start < order.length; start += batchSentences) {
            int end = Math.min(order.length, start + batchSentences);
            List<int[]> chunk = new ArrayList<>();
            for (int k = start; k < end; k++) chunk.add(sources.get(order[k]));
            List<Hypothesis> h = beam == 1 ? greedy(chunk) : beamSearch(chunk, beam, alpha);
            for (int k = start; k < end; k++) out[order[k]] = h.get(k - start);
        }
        return Arrays.asList(out);
    }

    /**
     * Greedy decoding of each source (token ids, usually ending in {@code <eos>}, no padding): the most probable
     * next token at every step, until {@code <eos>} or the maximum length. Puts the model in eval mode.
     *
     * @param sources token ids of each source, not empty, without padding
     * @return one hypothesis per source, in order
     * @throws IllegalArgumentException if a source is empty
     */
    public List<Hypothesis> greedy(List<int[]> sources) {
        int n = sources.size();
        if (n == 0) return List.of();
        if (model.isTraining()) model.eval(); // an eval-mode model is not written to, so threads may share it
        int V = model.vocabSize();
        Hypothesis[] out = new Hypothesis[n];
        try (var _ = GradMode.noGrad()) {
            int[] srcLen = new int[n];
            TranslationModel.DecodingState state = startDecoding(sources, srcLen);
            int[] sentence = new int[n], maxLen = new int[n];
            List<List<Integer>> tokens = new ArrayList<>();
            double[] logProb = new double[n];
            int[] last = new int[n];
            for (int i = 0; i < n; i++) {
                sentence[i] = i;
                maxLen[i] = maxLength.of(srcLen[i], model.maxLen());
                tokens.add(new ArrayList<>());
                last[i] = SubwordVocabulary.BOS_ID;
            }
            for (int t = 0; last.length > 0; t++) {
                int R = last.length;
                Tensor logits = model.decodeStep(last, state);
                float[] lp = logits.logSoftmax(-1).contiguous().toArray();
                List<Integer> keep = new ArrayList<>();
                for (int r = 0; r < R; r++) {
                    int best = -1;
                    for (int v = 0; v < V; v++) {
                        if (v == SubwordVocabulary.PAD_ID || v == SubwordVocabulary.BOS_ID) continue;
                        if (best < 0 || lp[r * V + v] > lp[r * V + best]) best = v;
                    }
                    int s = sentence[r];
                    logProb[s] += lp[r * V + best];
                    boolean eos = best == SubwordVocabulary.EOS_ID;
                    if (!eos) tokens.get(s).add(best);
                    if (eos || t + 1 >= maxLen[s]) {
                        int[] ids = tokens.get(s).stream().mapToInt(Integer::intValue).toArray();
                        out[s] = new Hypothesis(ids, logProb[s], logProb[s], eos);
                    } else {
                        keep.add(r);
                        last[r] = best;
                    }
                }
                int[] idx = keep.stream().mapToInt(Integer::intValue).toArray();
                if (idx.length < R && idx.length > 0) state.reorder(idx);
                int[] nextSentence = new int[idx.length], nextLast = new int[idx.length];
                for (int k = 0; k < idx.length; k++) {
                    nextSentence[k] = sentence[idx[k]];
                    nextLast[k] = last[idx[k]];
                }
                sentence = nextSentence;
                last = nextLast;
            }
        }
        return Arrays.asList(out);
    }

    /** The model's state after encoding all sources at once, padded to the longest; their lengths go to {@code srcLen}. */
    private TranslationModel.DecodingState startDecoding(List<int[]> sources, int[] srcLen) {
        int n = sources.size();
        int S = 1;
        for (int[] s : sources) S = Math.max(S, s.length);
        int[] srcIds = new int[n * S];
        for (int i = 0; i < n; i++) {
            int[] s = sources.get(i);
            if (s.length == 0) throw new IllegalArgumentException("translation: source " + i + " is empty (give at least <eos>)");
            System.arraycopy(s, 0, srcIds, i * S, s.length);
            srcLen[i] = s.length;
        }
        return model.startDecoding(IntTensor.of(srcIds, n, S));
    }

    /**
     * Beam search over each source with {@code beam} beams and length penalty {@code alpha} (see the class comment);
     * beam 1 is greedy decoding. Puts the model in eval mode.
     *
     * @param sources token ids of each source, not empty, without padding
     * @param beam    hypotheses kept per sentence, at least 1
     * @param alpha   the length penalty's exponent, finite and {@code >= 0}
     * @return the best-scoring finished hypothesis of each source, in order
     * @throws IllegalArgumentException if a source is empty, the beam is below 1 or alpha is negative or not finite
     */
    public List<Hypothesis> beamSearch(List<int[]> sources, int beam, double alpha) {
        if (beam < 1) throw new IllegalArgumentException("beam search: the beam size must be at least 1, got " + beam);
        if (!(alpha >= 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("beam search: the length penalty alpha must be >= 0, got " + alpha);
        int n = sources.size();
        Hypothesis[] out = new Hypothesis[n];
        if (n == 0) return List.of();
        if (model.isTraining()) model.eval(); // an eval-mode model is not written to, so threads may share it
        int V = model.vocabSize();
        try (var _ = GradMode.noGrad()) {
            int[] srcLen = new int[n];
            TranslationModel.DecodingState state = startDecoding(sources, srcLen);

            // The open sentences, each with its beams; row r of the decoder batch is one beam.
            List<Sentence> open = new ArrayList<>();
            for (int i = 0; i < n; i++) open.add(new Sentence(i, maxLength.of(srcLen[i], model.maxLen()), beam));
            List<Beam> rows = new ArrayList<>();
            for (Sentence s : open) rows.add(s.beams.getFirst());
            for (int t = 0; !open.isEmpty(); t++) {
                int R = rows.size();
                int[] last = new int[R];
                for (int r = 0; r < R; r++) last[r] = rows.get(r).lastToken();
                Tensor logits = model.decodeStep(last, state);
                float[] logProbs = logits.logSoftmax(-1).contiguous().toArray();

                // Each open sentence picks its next beams among the extensions of its current ones.
                List<Integer> keepRows = new ArrayList<>();
                List<Beam> nextRows = new ArrayList<>();
                List<Sentence> stillOpen = new ArrayList<>();
                int row0 = 0;
                for (Sentence s : open) {
                    int count = s.beams.size();
                    s.step(logProbs, row0, V, t + 1, alpha);
                    if (!s.done()) {
                        stillOpen.add(s);
                        for (Beam b : s.beams) {
                            keepRows.add(row0 + b.parentRow);
                            nextRows.add(b);
                        }
                    } else {
                        out[s.index] = s.best();
                    }
                    row0 += count;
                }
                open = stillOpen;
                if (open.isEmpty()) break;
                int[] idx = keepRows.stream().mapToInt(Integer::intValue).toArray();
                state.reorder(idx);
                rows = nextRows;
            }
        }
        return Arrays.asList(out);
    }

    /** A partial translation: its tokens so far (BOS first) and their log-probability; parentRow is filled by a step. */
    private record Beam(int[] tokens, double logProb, int parentRow) {
        int lastToken() {
            return tokens[tokens.length - 1];
        }
    }

    /** One sentence's search state. */
    private static final class Sentence {
        final int index, maxLen, beamSize;
        List<Beam> beams = new ArrayList<>();
        final List<Hypothesis> finished = new ArrayList<>();

        Sentence(int index, int maxLen, int beamSize) {
            this.index = index;
            this.maxLen = maxLen;
            this.beamSize = beamSize;
            beams.add(new Beam(new int[] {SubwordVocabulary.BOS_ID}, 0.0, -1));
        }

        boolean done() {
            return beams.isEmpty() || finished.size() >= beamSize;
        }

        /**
         * Extends the beams (rows row0.. of logProbs, V columns each) to outputs of {@code length} tokens: the best
         * candidates in order, EOS ones finished, others kept, until beamSize are kept.
         */
        void step(float[] logProbs, int row0, int V, int length, double alpha) {
            int wanted = 2 * beamSize;
            // Top `wanted` (beam, token) pairs by total log-probability; ties to the lower flat index.
            int nb = beams.size();
            double[] topScore = new double[wanted];
            int[] topFlat = new int[wanted];
            int size = 0;
            for (int j = 0; j < nb; j++) {
                double base = beams.get(j).logProb;
                int off = (row0 + j) * V;
                for (int v = 0; v < V; v++) {
                    if (v == SubwordVocabulary.PAD_ID || v == SubwordVocabulary.BOS_ID) continue;
                    double sc = base + logProbs[off + v];
                    if (size == wanted && !(sc > topScore[size - 1])) continue;
                    int pos = size == wanted ? size - 1 : size++;
                    while (pos > 0 && sc > topScore[pos - 1]) {
                        topScore[pos] = topScore[pos - 1];
                        topFlat[pos] = topFlat[pos - 1];
                        pos--;
                    }
                    topScore[pos] = sc;
                    topFlat[pos] = j * V + v;
                }
            }
            List<Beam> next = new ArrayList<>();
            for (int c = 0; c < size && next.size() < beamSize; c++) {
                int j = topFlat[c] / V, v = topFlat[c] % V;
                Beam parent = beams.get(j);
                if (v == SubwordVocabulary.EOS_ID) {
                    // Only an end among the best beamSize candidates finishes a hypothesis (fairseq's rule): further down
                    // the ranking it would be an unlikely short output, filling the finished list before better ones end.
                    if (c < beamSize && finished.size() < beamSize) {
                        finished.add(new Hypothesis(Arrays.copyOfRange(parent.tokens, 1, parent.tokens.length), topScore[c],
                                topScore[c] / lengthPenalty(length, alpha), true));
                    }
                } else {
                    int[] tokens = Arrays.copyOf(parent.tokens, parent.tokens.length + 1);
                    tokens[tokens.length - 1] = v;
                    next.add(new Beam(tokens, topScore[c], j));
                }
            }
            beams = next;
            if (length >= maxLen && finished.size() < beamSize) {
                // Out of room: the open beams end here, as they are.
                for (Beam b : beams) {
                    if (finished.size() >= beamSize) break;
                    finished.add(new Hypothesis(Arrays.copyOfRange(b.tokens, 1, b.tokens.length), b.logProb, b.logProb / lengthPenalty(length, alpha), false));
                }
                beams = List.of();
            }
        }

        Hypothesis best() {
            Hypothesis best = null;
            for (Hypothesis h : finished) if (best == null || h.score() > best.score()) best = h;
            return best;
        }
    }
}
