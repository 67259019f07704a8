package dev.jgrad.models;

import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.LoadOptions;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.tensor.InsufficientHeapException;
import dev.jgrad.tensor.Generator;
import dev.jgrad.text.Vocabulary;
import dev.jgrad.text.WordTokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trained {@link LSTMClassifier} with everything needed to use it, in one safetensors file: the weights as
 * tensors, and in the string metadata the architecture, the tokenizer setting, the vocabulary (one token per
 * line) and how training went. One file written atomically ({@link SafeTensors#save}), so a crash while saving
 * leaves the previous best checkpoint intact, and weights never get paired with another run's vocabulary.
 *
 * @param model      the trained classifier; its {@code vocabSize} must be the vocabulary's size
 * @param vocabulary the word list, token i having embedding row i
 * @param tokenizer  how text was split into words in training (whether it was lowercased)
 * @param info       free-form training facts to keep (epoch, validation accuracy, data files...), stored under "info."
 */
public record ClassifierCheckpoint(LSTMClassifier model, Vocabulary vocabulary, WordTokenizer tokenizer,
                                   Map<String, String> info) {

    static final String KIND = "jgrad.LSTMClassifier";
    static final int FORMAT_VERSION = 1;

    /**
     * Checks that the model and vocabulary fit, and copies {@code info}.
     *
     * @throws IllegalArgumentException if the model's vocabulary size is not the vocabulary's
     */
    public ClassifierCheckpoint {
        if (model.config().vocabSize() != vocabulary.size()) {
            throw new IllegalArgumentException("checkpoint: the model has " + model.config().vocabSize()
                    + " embeddings but the vocabulary " + vocabulary.size() + " tokens");
        }
        info = Map.copyOf(info);
    }

    /**
     * Writes atomically to {@code path}: the model's state dict as tensors, and as metadata {@code format},
     * {@code format_version}, {@code config.*}, {@code tokenizer.lowercase}, {@code vocabulary} and {@code info.*}.
     *
     * @param path the {@code .safetensors} file to write (replaced if it exists)
     * @throws IOException if writing fails
     */
    public void save(Path path) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", KIND);
        meta.put("format_version", Integer.toString(FORMAT_VERSION));
        model.config().toMetadata().forEach((k, v) -> meta.put("config." + k, v));
        meta.put("tokenizer.lowercase", Boolean.toString(tokenizer.lowercase()));
        meta.put("vocabulary", vocabulary.serialize());
        info.forEach((k, v) -> meta.put("info." + k, v));
        SafeTensors.save(path, model.stateDict(), meta);
    }

    /**
     * Reads what {@link #save} wrote; the model comes back in eval mode. NaN or infinite weights load with a
     * warning ({@link #load(Path, LoadOptions)} chooses).
     *
     * @param path a {@code .safetensors} file written by {@link #save}
     * @return the model with its vocabulary, tokenizer and training facts
     * @throws CheckpointException if the file is not a text classifier checkpoint of this format version, lacks the
     *                             vocabulary, or its metadata and weights do not fit together
     * @throws IOException         if reading the file fails
     */
    public static ClassifierCheckpoint load(Path path) throws IOException {
        return load(path, LoadOptions.defaults());
    }

    /**
     * The classifier in {@code path}, in eval mode; {@code options} decide what NaN or infinite weights do.
     *
     * @param path    a {@code .safetensors} file written by {@link #save}
     * @param options what NaN or infinite weights do
     * @return the model with its vocabulary, tokenizer and training facts
     * @throws CheckpointException if the file is not a text classifier's, its metadata does not fit its tensors, or
     *                             it is refused for non-finite weights
     * @throws dev.jgrad.tensor.InsufficientHeapException if the model its metadata describes cannot fit in the heap
     */
    public static ClassifierCheckpoint load(Path path, LoadOptions options) throws IOException {
        SafeTensors.File file = SafeTensors.read(path, options);
        Map<String, String> meta = file.metadata();
        String kind = meta.get("format");
        if (!KIND.equals(kind)) {
            throw new CheckpointException(path, null, kind == null
                    ? "not a text classifier checkpoint (its metadata has no 'format' entry)"
                    : "not a text classifier checkpoint: its format is '" + kind + "', expected '" + KIND + "'");
        }
        String version = meta.get("format_version");
        if (!Integer.toString(FORMAT_VERSION).equals(version)) {
            throw new CheckpointException(path, null, "format version " + version + " is not supported (this jgrad reads " + FORMAT_VERSION + ")");
        }
        Map<String, String> config = new HashMap<>(), info = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith("config.")) config.put(k.substring("config.".length()), v);
            if (k.startsWith("info.")) info.put(k.substring("info.".length()), v);
        });
        try {
            LSTMClassifier.Config cfg = LSTMClassifier.Config.fromMetadata(config);
            String vocabText = meta.get("vocabulary");
            if (vocabText == null) {
                throw new IllegalArgumentException("the metadata has no 'vocabulary' entry (the word list, one per line, that 'jgrad train classify' "
                        + "stores there)");
            }
            Vocabulary vocab = Vocabulary.deserialize(vocabText);
            CheckpointFit.requireWeights(path, file, cfg.numParameters(), "LSTMClassifier" + cfg);
            LSTMClassifier model = new LSTMClassifier(cfg, new Generator(0));
            model.loadStateDict(file.tensors(), true);
            model.eval();
            WordTokenizer tok = new WordTokenizer(Boolean.parseBoolean(meta.getOrDefault("tokenizer.lowercase", "true")));
            return new ClassifierCheckpoint(model, vocab, tok, info);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, null, e.getMessage(), e);
        } catch (InsufficientHeapException e) {
            throw e.in(path.toString());
        }
    }
}
