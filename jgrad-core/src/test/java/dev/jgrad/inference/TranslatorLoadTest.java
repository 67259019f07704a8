package dev.jgrad.inference;

import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.models.CharLSTM;
import dev.jgrad.models.TranslationLSTM;
import dev.jgrad.models.TranslationModel;
import dev.jgrad.models.TranslationTransformer;
import dev.jgrad.tensor.Generator;
import dev.jgrad.text.Bpe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both translation architectures saved as {@code jgrad train translate} saves them, loaded back with their tokenizer, and used from several threads. */
class TranslatorLoadTest {
    static final List<String> CORPUS = List.of("a man is riding a bike .", "ein mann fährt fahrrad .", "two dogs play in the snow .",
            "zwei hunde spielen im schnee .", "a woman reads a book .", "eine frau liest ein buch .");
    static final Bpe BPE = Bpe.learn(CORPUS, 60);
    static final List<String> SENTENCES = List.of("a man reads .", "", "two dogs ride a bike in the snow .", "eine frau", "  a woman plays .  ",
            "zwei hunde ø .");

    @TempDir
    Path dir;

    static TranslationTransformer transformer() {
        return new TranslationTransformer(new TranslationTransformer.Config(BPE.vocabulary().size(), 32, 4, 2, 2, 64, 0.1, 20, true, true, false),
                new Generator(3));
    }

    static TranslationLSTM lstm() {
        return new TranslationLSTM(new TranslationLSTM.Config(BPE.vocabulary().size(), 16, 16, 2, TranslationLSTM.Attention.GENERAL, 0.1, 20,
                true, true), new Generator(4));
    }

    /** A model file as the training command writes it: config, tokenizer and fingerprint, language pair, step. */
    static Path save(Path file, TranslationModel model, Map<String, String> config) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(config);
        BPE.putMetadata(meta);
        meta.put(Translator.SOURCE_LANGUAGE_KEY, "en");
        meta.put(Translator.TARGET_LANGUAGE_KEY, "de");
        meta.put("step", "12");
        SafeTensors.save(file, model.stateDict(), meta);
        return file;
    }

    /** The in-memory model decoded directly with the id-level search, and detokenised. */
    static List<String> expected(TranslationModel model, List<String> sentences, int beam, double alpha) {
        List<String> out = new ArrayList<>();
        for (String s : sentences) {
            if (s.isBlank()) {
                out.add("");
                continue;
            }
            int[] src = dev.jgrad.data.TranslationExamples.source(BPE.encode(s.strip()), model.maxLen());
            var h = new dev.jgrad.models.Translator(model).translate(List.of(src), beam, alpha, 1).getFirst();
            out.add(BPE.decode(h.tokens()));
        }
        return out;
    }

    @Test
    void bothArchitecturesComeBackAndTranslateAsInMemory() throws IOException {
        for (TranslationModel model : List.of(transformer(), lstm())) {
            Path file = save(dir.resolve(model.getClass().getSimpleName() + ".safetensors"), model, model.metadata());
            Translator t = Translator.load(file);
            assertInstanceOf(model.getClass(), t.model());
            assertEquals("en", t.sourceLanguage());
            assertEquals("de", t.targetLanguage());
            assertEquals(BPE.fingerprint(), t.tokenizer().fingerprint());
            TranslateOptions one = TranslateOptions.defaults().withBatchSentences(1);
            assertEquals(expected(model, SENTENCES, 1, 0.6), t.translate(SENTENCES, one.withBeamSize(1)), model.summary() + " greedy");
            assertEquals(expected(model, SENTENCES, 3, 1.0), t.translate(SENTENCES, one.withBeamSize(3).withLengthPenalty(1.0)), model.summary() + " beam");
            assertEquals(t.translate(SENTENCES, one.withBeamSize(4)), Translator.of(model, BPE).translate(SENTENCES, one.withBeamSize(4)));
            assertEquals("", t.translate("   "));
            assertEquals(t.translate(SENTENCES.getFirst(), TranslateOptions.greedy()), t.translate(SENTENCES, TranslateOptions.greedy()).getFirst());

            // the maximum length: outputs of at most a n + b tokens with <eos>
            for (Translator.Translation tr : t.translateAll(SENTENCES, TranslateOptions.greedy().withMaxLength(0, 3))) {
                assertTrue(tr.tokens().length <= 3, tr.toString());
            }
            // the checkpoint's tokenizer file, when given, must be the same
            Path bpeFile = dir.resolve("bpe.txt");
            BPE.save(bpeFile);
            assertEquals(t.translate(SENTENCES), Translator.load(file, bpeFile).translate(SENTENCES));
        }
    }

    @Test
    void aTransformerCheckpointFromBeforeTheModelKeyLoads() throws IOException {
        TranslationTransformer model = transformer();
        Map<String, String> config = new LinkedHashMap<>(model.metadata());
        config.remove("model");
        Translator t = Translator.load(save(dir.resolve("old.safetensors"), model, config));
        assertEquals(expected(model, SENTENCES, 2, 0.6), t.translate(SENTENCES, TranslateOptions.defaults().withBeamSize(2).withBatchSentences(1)));
    }

    @Test
    void fourThreadsGetTheSingleThreadedAnswers() throws Exception {
        for (TranslationModel model : List.of(transformer(), lstm())) {
            model.train();
            Translator t = Translator.load(save(dir.resolve("m.safetensors"), model, model.metadata()));
            Translator inMemory = Translator.of(model, BPE); // the model was in training mode: now in eval mode for good
            List<Callable<Object>> calls = new ArrayList<>();
            for (Translator tr : List.of(t, inMemory)) {
                calls.add(() -> fingerprint(tr.translateAll(SENTENCES, TranslateOptions.greedy())));
                calls.add(() -> fingerprint(tr.translateAll(SENTENCES, TranslateOptions.defaults().withBeamSize(3).withBatchSentences(2))));
                calls.add(() -> tr.translate(SENTENCES.get(2)));
            }
            SameAnswersInParallel.check(calls);
            assertEquals(false, model.isTraining());
        }
    }

    /** Every field of every translation, the doubles to the bit. */
    private static String fingerprint(List<Translator.Translation> translations) {
        StringBuilder sb = new StringBuilder();
        for (Translator.Translation t : translations) {
            sb.append(t.text()).append('|').append(Arrays.toString(t.tokens())).append('|').append(Double.doubleToRawLongBits(t.logProb())).append('|')
                    .append(Double.doubleToRawLongBits(t.score())).append('|').append(t.finished()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void errorsNameThePathAndWhatWasExpected() throws IOException {
        Path none = dir.resolve("none.safetensors");
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> Translator.load(none));
        assertTrue(missing.getMessage().contains(none.toString()) && missing.getMessage().contains("expected a translation model"), missing.getMessage());

        CharLSTM charLm = new CharLSTM(new CharLSTM.Config(10, 4, 4, 1, 0), new Generator(0));
        Map<String, String> charMeta = new LinkedHashMap<>(charLm.config().toMetadata());
        charMeta.put("vocabulary", "abcdefghij");
        Path charFile = dir.resolve("charlm.safetensors");
        SafeTensors.save(charFile, charLm.stateDict(), charMeta);
        CheckpointException wrongKind = assertThrows(CheckpointException.class, () -> Translator.load(charFile));
        assertEquals(charFile + ": expected a translation model (from 'jgrad train translate'), but it holds a character language model "
                + "(from 'jgrad train charlm'); load it with CharLanguageModel.load", wrongKind.getMessage());

        TranslationTransformer model = transformer();
        Path noTokenizer = dir.resolve("no-bpe.safetensors");
        SafeTensors.save(noTokenizer, model.stateDict(), model.metadata());
        CheckpointException tokenizer = assertThrows(CheckpointException.class, () -> Translator.load(noTokenizer));
        assertTrue(tokenizer.getMessage().startsWith(noTokenizer + ": the metadata has no 'jgrad.bpe' entry"), tokenizer.getMessage());

        Path file = save(dir.resolve("ok.safetensors"), model, model.metadata());
        Path otherBpe = dir.resolve("other-bpe.txt");
        Bpe.learn(CORPUS, 45).save(otherBpe);
        IllegalArgumentException notTheSame = assertThrows(IllegalArgumentException.class, () -> Translator.load(file, otherBpe));
        assertTrue(notTheSame.getMessage().contains("is not the one " + file + " was trained with"), notTheSame.getMessage());

        assertThrows(IllegalArgumentException.class, () -> TranslateOptions.defaults().withBeamSize(0));
        assertThrows(IllegalArgumentException.class, () -> TranslateOptions.defaults().withLengthPenalty(-1));
        assertArrayEquals(new int[0], Translator.load(file).encode(" "));
    }
}
