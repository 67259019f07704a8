package dev.jgrad.inference;

import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a checkpoint holds, as its metadata says, so that each loader can refuse another kind with one message
 * naming the file, what it holds, what was expected and which loader reads it instead.
 */
enum CheckpointKind {
    CHAR_LANGUAGE_MODEL("a character language model", "jgrad train charlm", "CharLanguageModel"),
    TRANSLATION("a translation model", "jgrad train translate", "Translator"),
    TEXT_CLASSIFIER("a text classifier", "jgrad train classify", "TextClassifier"),
    IMAGE_CLASSIFIER("an image classifier", "jgrad train images / jgrad finetune", "ImageClassifier"),
    IMAGE_ENCODER("an image encoder", "jgrad simclr / jgrad supervised", "ImageEmbedder"),
    /** Metadata that none of the above wrote (a bare state_dict, or another program's file). */
    UNKNOWN("an unknown model", "", "");

    private final String what, command, loader;

    CheckpointKind(String what, String command, String loader) {
        this.what = what;
        this.command = command;
        this.loader = loader;
    }

    /**
     * The kind the metadata records: "model" = CharLSTM or CharGPT, TranslationTransformer or TranslationLSTM (or no
     * "model" but a "d_model", as translation checkpoints had before the LSTM), "format" = jgrad.LSTMClassifier or
     * jgrad.ResNet, an "encoder.arch" (the {@link dev.jgrad.models.ImageEncoder} of simclr and supervised).
     */
    static CheckpointKind of(Map<String, String> metadata) {
        String model = metadata.get("model"), format = metadata.get("format");
        if ("CharLSTM".equals(model) || "CharGPT".equals(model)) return CHAR_LANGUAGE_MODEL;
        if ("TranslationTransformer".equals(model) || "TranslationLSTM".equals(model) || (model == null && metadata.containsKey("d_model"))) {
            return TRANSLATION;
        }
        if ("jgrad.LSTMClassifier".equals(format)) return TEXT_CLASSIFIER;
        if ("jgrad.ResNet".equals(format)) return IMAGE_CLASSIFIER;
        if (metadata.containsKey("encoder.arch")) return IMAGE_ENCODER;
        return UNKNOWN;
    }

    /** "a character language model (from 'jgrad train charlm')". */
    String describe() {
        return command.isEmpty() ? what : what + " (from '" + command + "')";
    }

    /**
     * Fails unless the metadata is of this kind, or UNKNOWN when {@code unknownAllowed} (a loader that recognises its
     * files by their tensors, as a bare ResNet state_dict, decides those itself).
     */
    void require(Map<String, String> metadata, Path path, boolean unknownAllowed) throws CheckpointException {
        CheckpointKind found = of(metadata);
        if (found == this || (found == UNKNOWN && unknownAllowed)) return;
        String holds = found == UNKNOWN
                ? "its metadata names no model jgrad knows (model=" + metadata.getOrDefault("model", "<none>") + ", format="
                        + metadata.getOrDefault("format", "<none>") + ")"
                : "it holds " + found.describe() + "; load it with " + found.loader + ".load";
        throw new CheckpointException(path, null, "expected " + describe() + ", but " + holds);
    }

    /**
     * A model's complaint about a checkpoint's contents (a metadata entry, a tensor's shape) as a
     * {@link CheckpointException} that names the file once: the models' metadata readers name their source themselves.
     */
    static CheckpointException invalid(Path path, IllegalArgumentException e) {
        String message = e.getMessage(), prefix = path + ": ";
        if (message != null && message.startsWith(prefix)) message = message.substring(prefix.length());
        return new CheckpointException(path, null, message, e);
    }

    /**
     * Checks a single-file checkpoint before it is read: it exists, is not a directory, and its metadata is of this
     * kind (or UNKNOWN, when {@code unknownAllowed}; see {@link #require}).
     */
    void requireFile(Path path, boolean unknownAllowed) throws IOException {
        requireExists(path);
        if (Files.isDirectory(path)) throw new CheckpointException(path, null, "is a directory; expected the .safetensors file of " + describe());
        require(SafeTensors.loadMetadata(path), path, unknownAllowed);
    }

    /** A missing path as a {@link NoSuchFileException} that says what should have been there. */
    void requireExists(Path path) throws NoSuchFileException {
        if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "no such file or directory; expected " + describe());
    }
}
