package dev.jgrad.inference;

import dev.jgrad.data.SequenceBatcher;
import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.models.ClassifierCheckpoint;
import dev.jgrad.models.LSTMClassifier;
import dev.jgrad.models.Pooling;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.TextEncoder;
import dev.jgrad.text.Vocabulary;
import dev.jgrad.text.WordTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sentence classifier saved as {@code jgrad train classify} saves it ({@link ClassifierCheckpoint#save}), loaded back, and used from several threads. */
class TextClassifierTest {
    static final WordTokenizer TOKENIZER = new WordTokenizer(true);
    static final List<String> TRAIN = List.of("a gorgeous , witty film", "dull and lifeless", "the best movie of the year", "a waste of time",
            "witty , warm and wise", "it never takes off");
    static final List<String> TEXTS = List.of("A witty film", "a dull waste", "", "unheard-of words only", "the best , the worst and the rest",
            "gorgeous");

    @TempDir
    Path dir;

    static ClassifierCheckpoint checkpoint() {
        List<List<String>> tokens = new ArrayList<>();
        for (String s : TRAIN) tokens.add(TOKENIZER.tokenize(s));
        Vocabulary vocab = Vocabulary.build(tokens, 1, 0);
        LSTMClassifier model = new LSTMClassifier(new LSTMClassifier.Config(vocab.size(), 8, 12, 2, true, Pooling.MAX, 0.3, 3), new Generator(5));
        return new ClassifierCheckpoint(model, vocab, TOKENIZER, Map.of("epoch", "4", "valid_accuracy", "0.5"));
    }

    @Test
    void theClassifierComesBackAndPredictsAsInMemory() throws IOException {
        ClassifierCheckpoint ckpt = checkpoint();
        Path file = dir.resolve("model.safetensors");
        ckpt.save(file);
        TextClassifier c = TextClassifier.load(file);
        assertEquals(3, c.numClasses());
        assertEquals("4", c.info().get("epoch"));

        TextEncoder encoder = new TextEncoder(TOKENIZER, ckpt.vocabulary());
        for (String s : TEXTS) {
            int[] ids = encoder.encode(s);
            Tensor p = ckpt.model().predictProba(IntTensor.of(ids, 1, ids.length), new int[] {ids.length});
            Prediction got = c.predict(s);
            assertArrayEquals(p.toArray(), got.probabilities(), s);
            assertEquals(Integer.toString(got.label()), got.name());
            for (int k = 0; k < 3; k++) assertTrue(got.probability() >= got.probabilities()[k]);
        }
        // batched as eval classify batches: the in-memory model's own predict gives the same labels
        int[][] ids = encoder.encodeAll(TEXTS);
        int[] labels = ckpt.model().predict(new SequenceBatcher(ids, new int[ids.length], Vocabulary.PAD_ID), 4);
        List<Prediction> batched = c.predict(TEXTS, 4);
        for (int i = 0; i < labels.length; i++) assertEquals(labels[i], batched.get(i).label(), TEXTS.get(i));
        assertEquals(batched, TextClassifier.of(ckpt).predict(TEXTS, 4));
        assertEquals(List.of(), c.predict(List.of()));
    }

    @Test
    void fourThreadsGetTheSingleThreadedAnswers() throws Exception {
        ClassifierCheckpoint ckpt = checkpoint();
        ckpt.model().train();
        Path file = dir.resolve("model.safetensors");
        ckpt.save(file);
        List<Callable<Object>> calls = new ArrayList<>();
        for (TextClassifier c : List.of(TextClassifier.load(file), TextClassifier.of(ckpt))) {
            for (String s : TEXTS) calls.add(() -> c.predict(s));
            calls.add(() -> c.predict(TEXTS));
            calls.add(() -> c.predict(TEXTS, 2));
        }
        SameAnswersInParallel.check(calls);
        assertEquals(false, ckpt.model().isTraining());
    }

    @Test
    void errorsNameThePathAndWhatWasExpected() throws IOException {
        Path none = dir.resolve("none.safetensors");
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> TextClassifier.load(none));
        assertTrue(missing.getMessage().contains(none.toString()) && missing.getMessage().contains("expected a text classifier"), missing.getMessage());

        CheckpointException directory = assertThrows(CheckpointException.class, () -> TextClassifier.load(dir));
        assertTrue(directory.getMessage().contains("is a directory"), directory.getMessage());

        Path image = dir.resolve("image.safetensors");
        SafeTensors.save(image, Map.of("fc.weight", Tensor.zeros(2, 2)), Map.of("format", "jgrad.ResNet", "format_version", "1"));
        CheckpointException wrongKind = assertThrows(CheckpointException.class, () -> TextClassifier.load(image));
        assertEquals(image + ": expected a text classifier (from 'jgrad train classify'), but it holds an image classifier "
                + "(from 'jgrad train images / jgrad finetune'); load it with ImageClassifier.load", wrongKind.getMessage());

        // a checkpoint whose vocabulary was lost
        Path file = dir.resolve("model.safetensors");
        checkpoint().save(file);
        SafeTensors.File f = SafeTensors.read(file);
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        meta.remove("vocabulary");
        Path noVocabulary = dir.resolve("no-vocabulary.safetensors");
        SafeTensors.save(noVocabulary, f.tensors(), meta);
        CheckpointException vocab = assertThrows(CheckpointException.class, () -> TextClassifier.load(noVocabulary));
        assertTrue(vocab.getMessage().startsWith(noVocabulary + ": the metadata has no 'vocabulary' entry"), vocab.getMessage());

        assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(file).predict(TEXTS, 0));
    }
}
