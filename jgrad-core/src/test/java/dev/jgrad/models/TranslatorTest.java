package dev.jgrad.models;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.SubwordVocabulary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Greedy and beam search on a model whose next-token probabilities are a fixed table, so the best translation is
 * known: the classic case where the locally best first word leads to a worse sentence.
 */
class TranslatorTest {
    static final int A = 4, B = 5, C = 6, D = 7, E = 8, EOS = SubwordVocabulary.EOS_ID, V = 9;

    /** p(next | prefix): A 0.6, B 0.4 first; after A, C/D/E 0.4/0.3/0.3; after B, C 0.9; then the end. */
    static double[] next(List<Integer> prefix) {
        double[] p = new double[V];
        if (prefix.isEmpty()) {
            p[A] = 0.6;
            p[B] = 0.4;
        } else if (prefix.size() == 1 && prefix.getFirst() == A) {
            p[C] = 0.4;
            p[D] = 0.3;
            p[E] = 0.3;
        } else if (prefix.size() == 1) {
            p[C] = 0.9;
            p[D] = 0.1;
        } else {
            p[EOS] = 1.0;
        }
        return p;
    }

    /** The table as a model: each decoding row remembers its tokens; encoders and teacher forcing are not needed. */
    static final class TableModel extends TranslationModel {
        record Config(int vocabSize, int maxLen) implements TranslationModel.Config {
            public Map<String, String> toMetadata() {
                return Map.of("model", "table");
            }

            public String summary() {
                return "table";
            }
        }

        static final class State implements DecodingState {
            List<List<Integer>> rows = new ArrayList<>();

            public int batchSize() {
                return rows.size();
            }

            public void reorder(int[] keep) {
                List<List<Integer>> next = new ArrayList<>();
                for (int r : keep) next.add(new ArrayList<>(rows.get(r)));
                rows = next;
            }
        }

        public TranslationModel.Config config() {
            return new Config(V, 10);
        }

        public Tensor forward(IntTensor src, IntTensor tgtIn) {
            throw new UnsupportedOperationException();
        }

        public DecodingState startDecoding(IntTensor src) {
            State s = new State();
            for (int i = 0; i < src.size(0); i++) s.rows.add(new ArrayList<>());
            return s;
        }

        public Tensor decodeStep(int[] lastTokens, DecodingState state) {
            State s = (State) state;
            float[] logits = new float[lastTokens.length * V];
            for (int r = 0; r < lastTokens.length; r++) {
                if (lastTokens[r] != SubwordVocabulary.BOS_ID) s.rows.get(r).add(lastTokens[r]);
                double[] p = next(s.rows.get(r));
                for (int v = 0; v < V; v++) logits[r * V + v] = p[v] > 0 ? (float) Math.log(p[v]) : -60f;
            }
            return Tensor.of(logits, lastTokens.length, V);
        }

        public Tensor crossAttention(IntTensor src, IntTensor tgtIn) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void beamSearchFindsTheSentenceGreedyMisses() {
        Translator t = new Translator(new TableModel());
        List<int[]> src = List.of(new int[] {A, EOS}, new int[] {B, C, EOS});
        for (Translator.Hypothesis h : t.greedy(src)) {
            assertArrayEquals(new int[] {A, C}, h.tokens());
            assertEquals(Math.log(0.6 * 0.4), h.logProb(), 1e-6);
        }
        for (int beam : new int[] {2, 3, 5}) {
            for (Translator.Hypothesis h : t.beamSearch(src, beam, 0.0)) {
                assertArrayEquals(new int[] {B, C}, h.tokens(), "beam " + beam);
                assertEquals(Math.log(0.4 * 0.9), h.logProb(), 1e-6, "beam " + beam);
            }
        }
        assertArrayEquals(new int[] {A, C}, t.beamSearch(src, 1, 0.0).getFirst().tokens(), "beam 1 is greedy");
    }

    /** log p(tokens, then the end if finished | src) from one teacher-forced forward pass of a real model. */
    static double teacherForcedLogProb(TranslationModel model, int[] src, Translator.Hypothesis h) {
        int[] tokens = h.tokens();
        int[] in = new int[tokens.length + 1];
        in[0] = SubwordVocabulary.BOS_ID;
        System.arraycopy(tokens, 0, in, 1, tokens.length);
        try (var _ = GradMode.noGrad()) {
            Tensor logp = model.forward(IntTensor.of(src, 1, src.length), IntTensor.of(in, 1, in.length)).logSoftmax(-1);
            double sum = 0;
            for (int i = 0; i < tokens.length; i++) sum += logp.get(0, i, tokens[i]);
            if (h.finished()) sum += logp.get(0, tokens.length, SubwordVocabulary.EOS_ID);
            return sum;
        }
    }
}
