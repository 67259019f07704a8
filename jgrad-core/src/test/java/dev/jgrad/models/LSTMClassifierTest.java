package dev.jgrad.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.SequenceBatch;
import dev.jgrad.data.SequenceBatcher;
import dev.jgrad.metrics.Accuracy;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.LSTM;
import dev.jgrad.nn.RNNBase;
import dev.jgrad.nn.RecurrentOutput;
import dev.jgrad.ops.MaxOverTime;
import dev.jgrad.optim.Adam;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.TextEncoder;
import dev.jgrad.text.Vocabulary;
import dev.jgrad.text.WordTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LSTMClassifierTest {

    @TempDir
    Path dir;

    private static LSTMClassifier model(boolean bidirectional, Pooling pooling, int layers, long seed) {
        var config = new LSTMClassifier.Config(20, 6, 5, layers, bidirectional, pooling, 0.3, 3);
        LSTMClassifier m = new LSTMClassifier(config, new Generator(seed));
        m.eval();
        return m;
    }

    private static float[] logits(LSTMClassifier m, int[] ids, int T, int[] lengths) {
        try (var ignored = GradMode.noGrad()) {
            return m.forward(IntTensor.of(ids, lengths.length, T), lengths).toArray();
        }
    }

    @ParameterizedTest(name = "bidirectional={0} pooling={1} layers={2}")
    @CsvSource({"false,MAX,1", "false,MEAN,1", "false,LAST,1", "true,MAX,1", "true,MEAN,1", "true,LAST,1", "true,LAST,2", "false,MAX,2"})
    void paddingDoesNotChangeASentencesLogits(boolean bidirectional, Pooling pooling, int layers) {
        LSTMClassifier m = model(bidirectional, pooling, layers, 3);
        int[] sentence = {4, 9, 2, 17};
        float[] alone = logits(m, sentence, 4, new int[] {4});
        // the same sentence in a batch with a longer one, padded with 0 and, to be sure, with other ids
        for (int pad : new int[] {Vocabulary.PAD_ID, 13}) {
            int[] ids = {5, 6, 7, 8, 9, 10, 11,
                         4, 9, 2, 17, pad, pad, pad,
                         3, 3, pad, pad, pad, pad, pad};
            float[] batch = logits(m, ids, 7, new int[] {7, 4, 2});
            for (int c = 0; c < 3; c++) assertEquals(alone[c], batch[3 + c], 1e-5f, "class " + c + " with padding id " + pad);
        }
    }

    @Test
    void poolingOptionsComputeWhatTheySay() {
        Generator gen = new Generator(11);
        LSTM lstm = new LSTM(LSTM.options(3, 4).bidirectional().build(), gen);
        int T = 5, B = 2;
        int[] lengths = {5, 3};
        Tensor x = Tensor.randn(T, B, 3);
        RecurrentOutput enc = lstm.forward(x, lengths, null);
        Tensor out = enc.output(); // [T, B, 8]
        Tensor max = Pooling.MAX.apply(enc, lengths, 2), mean = Pooling.MEAN.apply(enc, lengths, 2), last = Pooling.LAST.apply(enc, lengths, 2);
        assertArrayEquals(new int[] {B, 8}, max.shape());
        for (int b = 0; b < B; b++) {
            for (int f = 0; f < 8; f++) {
                float mx = Float.NEGATIVE_INFINITY, sum = 0;
                for (int t = 0; t < lengths[b]; t++) {
                    mx = Math.max(mx, out.get(t, b, f));
                    sum += out.get(t, b, f);
                }
                assertEquals(mx, max.get(b, f), 0f);
                assertEquals(sum / lengths[b], mean.get(b, f), 1e-6f);
            }
            for (int h = 0; h < 4; h++) {
                // forward direction: the output at the last real token; backward direction: its output at step 0
                assertEquals(out.get(lengths[b] - 1, b, h), last.get(b, h), 1e-6f);
                assertEquals(out.get(0, b, 4 + h), last.get(b, 4 + h), 1e-6f);
            }
        }
        assertEquals(Pooling.MEAN, Pooling.parse(" Mean "));
        var e = assertThrows(IllegalArgumentException.class, () -> Pooling.parse("sum"));
        assertTrue(e.getMessage().contains("max, mean, last"), e.getMessage());
    }

    @Test
    void maxPoolingGradientGoesToTheWinningStepOnly() {
        // [T=3, B=2, F=1]: batch 1 has length 2, so its larger value at t=2 is padding and must be ignored
        Tensor x = Tensor.of(new float[] {1, 4, 3, 2, 0, 9}, 3, 2, 1).requiresGrad(true);
        Tensor y = MaxOverTime.apply(x, new int[] {3, 2});
        assertArrayEquals(new float[] {3, 4}, y.toArray());
        y.sum().backward();
        assertArrayEquals(new float[] {0, 1, 1, 0, 0, 0}, x.grad().toArray());
    }

    @Test
    void badLengthsAreClearErrors() {
        LSTMClassifier m = model(true, Pooling.MAX, 1, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> m.forward(IntTensor.of(new int[] {1, 2, 3, 4}, 2, 2), new int[] {2, 0}));
        assertTrue(e.getMessage().contains("length 0 of row 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.forward(IntTensor.of(new int[] {1, 2}, 1, 2), new int[] {2, 1}));
    }

    private static final int[] KEY_WORDS = {8, 9, 11};

    /** A vocabulary of 12 words: fillers 2..7, and one key word per sentence that decides its class. */
    private static List<int[]> toyData(Generator gen, int n, List<Integer> labels) {
        List<int[]> seqs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int cls = i % 3;
            int len = 2 + gen.nextInt(6);
            int[] s = new int[len];
            for (int t = 0; t < len; t++) s[t] = 2 + gen.nextInt(6); // neutral filler 2..7
            s[gen.nextInt(len)] = KEY_WORDS[cls]; // the one word that decides
            seqs.add(s);
            labels.add(cls);
        }
        return seqs;
    }

    @ParameterizedTest(name = "pooling={0}")
    @CsvSource({"MAX", "MEAN", "LAST"})
    void tinyModelOverfitsATinySeparableDataset(Pooling pooling) {
        Generator gen = new Generator(5);
        List<Integer> labelList = new ArrayList<>();
        List<int[]> seqs = toyData(gen, 48, labelList);
        int[] labels = labelList.stream().mapToInt(Integer::intValue).toArray();
        SequenceBatcher data = new SequenceBatcher(seqs.toArray(new int[0][]), labels, Vocabulary.PAD_ID);
        var config = new LSTMClassifier.Config(12, 8, 8, 1, true, pooling, 0.0, 3);
        LSTMClassifier m = new LSTMClassifier(config, new Generator(2));
        Adam opt = new Adam(m.parameters(), 0.02);
        for (int epoch = 0; epoch < 40; epoch++) {
            m.train();
            for (SequenceBatch b : data.shuffled(16, 2, gen)) {
                Tensor loss = Functional.crossEntropy(m.forward(b.ids(), b.lengths()), b.labels());
                opt.zeroGrad();
                loss.backward();
                opt.step();
            }
        }
        Accuracy acc = new Accuracy();
        acc.update(m.predict(data, 7), labels);
        assertEquals(1.0, acc.value(), "training accuracy with " + pooling + " pooling");
    }

    @Test
    void checkpointRoundTripsModelVocabularyAndInfo() throws IOException {
        Vocabulary vocab = Vocabulary.build(List.of(List.of("good", "film", "bad", "film")), 1, 0);
        var config = new LSTMClassifier.Config(vocab.size(), 4, 3, 1, false, Pooling.MEAN, 0.1, 2);
        LSTMClassifier m = new LSTMClassifier(config, new Generator(9));
        Path file = dir.resolve("model.safetensors");
        new ClassifierCheckpoint(m, vocab, new WordTokenizer(false), Map.of("epoch", "3")).save(file);
        ClassifierCheckpoint back = ClassifierCheckpoint.load(file);
        assertEquals(config, back.model().config());
        assertEquals(vocab.tokens(), back.vocabulary().tokens());
        assertEquals(false, back.tokenizer().lowercase());
        assertEquals("3", back.info().get("epoch"));
        int[] ids = new TextEncoder(back.tokenizer(), back.vocabulary()).encode("good film");
        m.eval();
        assertArrayEquals(m.predictProba(IntTensor.of(ids, 1, 2), new int[] {2}).toArray(),
                back.model().predictProba(IntTensor.of(ids, 1, 2), new int[] {2}).toArray());
    }

    @Test
    void loadingSomethingElseIsAClearError() throws IOException {
        Path file = dir.resolve("other.safetensors");
        dev.jgrad.io.SafeTensors.save(file, Map.of("w", Tensor.zeros(2)), Map.of("model", "CharMLP"));
        IOException e = assertThrows(IOException.class, () -> ClassifierCheckpoint.load(file));
        assertTrue(e.getMessage().contains("other.safetensors") && e.getMessage().contains("not a text classifier"), e.getMessage());
        Files.writeString(file, "garbage");
        assertThrows(IOException.class, () -> ClassifierCheckpoint.load(file));
    }

    @Test
    void configValidatesAndRoundTripsThroughMetadata() {
        var c = new LSTMClassifier.Config(100, 8, 16, 2, true, Pooling.LAST, 0.25, 5);
        assertEquals(c, LSTMClassifier.Config.fromMetadata(c.toMetadata()));
        assertEquals(32, c.featureSize());
        assertThrows(IllegalArgumentException.class, () -> new LSTMClassifier.Config(100, 8, 16, 1, true, Pooling.MAX, 1.0, 2));
        assertThrows(IllegalArgumentException.class, () -> new LSTMClassifier.Config(100, 8, 16, 1, true, Pooling.MAX, 0.1, 1));
    }
}
