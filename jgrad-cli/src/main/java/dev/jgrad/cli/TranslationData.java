package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.TranslationLSTM;
import dev.jgrad.models.TranslationModel;
import dev.jgrad.models.TranslationTransformer;
import dev.jgrad.tensor.Generator;
import dev.jgrad.text.Bpe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the translation commands share: where the parallel files are, and how a model comes back from a checkpoint. */
final class TranslationData {
    private TranslationData() {}

    /** Metadata keys of a translation checkpoint besides the model's config and the tokenizer. */
    static final String SRC_LANG = "src_lang", TGT_LANG = "tgt_lang";

    /** Multi30k beside the repository: {@code <jgrad.home>/../shared/data/multi30k}. */
    static Path defaultDataDir() {
        String home = System.getProperty("jgrad.home");
        Path base = home != null ? Path.of(home) : Path.of(".");
        return base.resolve("..").resolve("shared").resolve("data").resolve("multi30k").normalize();
    }

    /**
     * The file of one split and language in a data directory: {@code <split>.<lang>.gz} or {@code <split>.<lang>},
     * whichever exists, with a message listing what was looked for otherwise.
     */
    static Path splitFile(Path dir, String split, String lang) {
        Path gz = dir.resolve(split + "." + lang + ".gz"), plain = dir.resolve(split + "." + lang);
        if (Files.isRegularFile(gz)) return gz;
        if (Files.isRegularFile(plain)) return plain;
        throw new IllegalArgumentException("no " + split + " data for language '" + lang + "': neither " + gz + " nor " + plain
                + " exists" + (Files.isDirectory(dir) ? "" : " (no such directory; set --data, or give the files with --train-src/--train-tgt...)"));
    }

    /** A trained model with its tokenizer and language pair, from a checkpoint directory or a .safetensors file. */
    record Loaded(TranslationModel model, Bpe bpe, String srcLang, String tgtLang, Map<String, String> metadata) {}

    /**
     * An untrained model of the kind and shape the metadata records: "model" = TranslationLSTM for the LSTM
     * encoder-decoder, TranslationTransformer (or, for checkpoints from before there was a choice, nothing) for the
     * Transformer.
     */
    static TranslationModel newModel(Map<String, String> metadata, String source) {
        if (TranslationLSTM.Config.MODEL.equals(metadata.get("model"))) {
            return new TranslationLSTM(TranslationLSTM.Config.fromMetadata(metadata, source), new Generator(0));
        }
        Map<String, String> m = metadata;
        if (!metadata.containsKey("model") && metadata.containsKey("d_model")) {
            m = new LinkedHashMap<>(metadata);
            m.put("model", "TranslationTransformer");
        }
        return new TranslationTransformer(TranslationTransformer.Config.fromMetadata(m, source), new Generator(0));
    }

    /**
     * Loads a model and its tokenizer. With {@code tokenizerFile}, that tokenizer must be the one the model was
     * trained with (same fingerprint), else a clear error.
     */
    static Loaded load(Path checkpoint, Path tokenizerFile) throws IOException {
        SafeTensors.File f = TrainingCheckpoint.loadModel(checkpoint);
        String source = checkpoint.toString();
        TranslationModel model = newModel(f.metadata(), source);
        Bpe bpe = Bpe.fromMetadata(f.metadata(), source);
        if (tokenizerFile != null) {
            Bpe given = Bpe.load(tokenizerFile);
            if (!given.fingerprint().equals(bpe.fingerprint())) {
                throw new IllegalArgumentException("the tokenizer " + tokenizerFile + " (sha256 " + given.fingerprint().substring(0, 16)
                        + "...) is not the one " + checkpoint + " was trained with (sha256 " + bpe.fingerprint().substring(0, 16)
                        + "...): vocabulary or merges differ; drop --bpe to use the checkpoint's own");
            }
        }
        if (bpe.vocabulary().size() != model.vocabSize()) {
            throw new IllegalArgumentException(source + ": the tokenizer has " + bpe.vocabulary().size() + " tokens but the model's vocabulary is "
                    + model.vocabSize());
        }
        try {
            model.loadStateDict(f.tensors());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " does not fit a " + model.summary() + ": " + e.getMessage());
        }
        model.eval();
        return new Loaded(model, bpe, f.metadata().getOrDefault(SRC_LANG, "?"), f.metadata().getOrDefault(TGT_LANG, "?"),
                new LinkedHashMap<>(f.metadata()));
    }
}
