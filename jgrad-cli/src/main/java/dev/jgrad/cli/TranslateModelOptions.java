package dev.jgrad.cli;

import dev.jgrad.models.TranslationLSTM;
import dev.jgrad.models.TranslationModel;
import dev.jgrad.models.TranslationTransformer;
import dev.jgrad.tensor.Generator;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

import java.util.List;
import java.util.Map;

/**
 * The model options of {@code jgrad train translate}: which model (a Transformer or an LSTM encoder-decoder with
 * attention) and its sizes. Options of one kind are refused with the other (see {@link TrainTranslateCommand}).
 */
final class TranslateModelOptions {
    static final String TRANSFORMER = "transformer", LSTM = "lstm";
    static final double TRANSFORMER_DROPOUT = 0.1, LSTM_DROPOUT = 0.3;

    @Option(names = "--model", defaultValue = "transformer", paramLabel = "NAME", description = "transformer or lstm (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--d-model", defaultValue = "256", paramLabel = "N", description = "Transformer: model width (default: ${DEFAULT-VALUE}).")
    int dModel;

    @Option(names = "--heads", defaultValue = "4", paramLabel = "N", description = "Transformer: attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--encoder-layers", defaultValue = "3", paramLabel = "N", description = "Transformer: encoder layers (default: ${DEFAULT-VALUE}).")
    int encoderLayers;

    @Option(names = "--decoder-layers", defaultValue = "3", paramLabel = "N", description = "Transformer: decoder layers (default: ${DEFAULT-VALUE}).")
    int decoderLayers;

    @Option(names = "--ff", defaultValue = "1024", paramLabel = "N", description = "Transformer: feed-forward width (default: ${DEFAULT-VALUE}).")
    int ff;

    @Option(names = "--attention", defaultValue = "general", paramLabel = "SCORE",
            description = "LSTM: attention score, additive (Bahdanau), dot or general (Luong) (default: ${DEFAULT-VALUE}).")
    String attention;

    @Option(names = "--embed-dim", defaultValue = "384", paramLabel = "N", description = "LSTM: embedding size (default: ${DEFAULT-VALUE}).")
    int emb;

    @Option(names = "--hidden", defaultValue = "384", paramLabel = "N",
            description = "LSTM: hidden size of the decoder and of the encoder's outputs (half per direction) (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", defaultValue = "2", paramLabel = "N", description = "LSTM: layers of the encoder and of the decoder (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--dropout", paramLabel = "P",
            description = "Dropout: the Transformer's residual, attention and embedding dropout; the LSTM's on embeddings, between layers and on the "
                    + "attentional vector (default: " + TRANSFORMER_DROPOUT + " for the Transformer, " + LSTM_DROPOUT + " for the LSTM).")
    Double dropoutOption;
    double dropout;

    @Option(names = "--max-len", defaultValue = "128", paramLabel = "N", description = "Longest sentence in tokens with <bos>/<eos>; longer ones are cut (default: ${DEFAULT-VALUE}).")
    int maxLen;

    @Option(names = "--pre-norm", description = "LayerNorm before each sub-layer (default: after, as in the paper).")
    boolean preNorm;

    @Option(names = "--share-embeddings", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "One embedding for source and target (joint vocabulary); --no-share-embeddings for two (default: shared).")
    boolean shareEmbeddings;

    @Option(names = "--tie-embeddings", description = "The output projection reuses the target embedding.")
    boolean tieEmbeddings;

    boolean isLstm() {
        return kind.equals(LSTM);
    }

    /** Options that shape only one kind of model (training options of the command included), refused with the other. */
    static final List<String> TRANSFORMER_ONLY = List.of("--d-model", "--heads", "--encoder-layers", "--decoder-layers", "--ff", "--pre-norm", "--warmup",
            "--lr-factor");
    static final List<String> LSTM_ONLY = List.of("--attention", "--embed-dim", "--hidden", "--layers", "--lr", "--lr-decay", "--decay-after");

    /** Resolves the defaults that depend on the kind, and checks every value and that no option of the other kind was given. */
    void check(ParseResult parsed) {
        if (!kind.equals(TRANSFORMER) && !kind.equals(LSTM)) throw new IllegalArgumentException("--model must be transformer or lstm, got '" + kind + "'");
        for (String o : isLstm() ? TRANSFORMER_ONLY : LSTM_ONLY) {
            if (parsed.hasMatchedOption(o)) {
                throw new IllegalArgumentException(o + " applies to " + (isLstm() ? "the Transformer" : "the LSTM (--model lstm)") + ", not to --model " + kind);
            }
        }
        dropout = dropoutOption != null ? dropoutOption : isLstm() ? LSTM_DROPOUT : TRANSFORMER_DROPOUT;
        if (isLstm()) {
            for (Object[] o : new Object[][] {{"--embed-dim", emb}, {"--hidden", hidden}, {"--layers", layers}}) {
                if ((Integer) o[1] < 1) throw new IllegalArgumentException(o[0] + " must be positive, got " + o[1]);
            }
            if (hidden % 2 != 0) throw new IllegalArgumentException("--hidden must be even (the bidirectional encoder gives each direction half), got " + hidden);
            if (tieEmbeddings && emb != hidden) {
                throw new IllegalArgumentException("--tie-embeddings needs --embed-dim equal to --hidden (the output layer reads the " + hidden
                        + "-wide attentional vector), got --embed-dim " + emb);
            }
            TranslationLSTM.Attention.parse(attention, "--attention");
        }
        for (Object[] o : new Object[][] {{"--d-model", dModel}, {"--heads", heads}, {"--encoder-layers", encoderLayers},
                {"--decoder-layers", decoderLayers}, {"--ff", ff}}) {
            if ((Integer) o[1] < 1) throw new IllegalArgumentException(o[0] + " must be positive, got " + o[1]);
        }
        if (maxLen < 3) throw new IllegalArgumentException("--max-len must be at least 3 (<bos>, a token, <eos>), got " + maxLen);
        if (!isLstm() && dModel % heads != 0) throw new IllegalArgumentException("--d-model " + dModel + " must be divisible by --heads " + heads);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
    }

    /** The model these options describe, for a vocabulary of {@code vocabSize}. */
    TranslationModel build(int vocabSize, Generator gen) {
        if (isLstm()) {
            return new TranslationLSTM(new TranslationLSTM.Config(vocabSize, emb, hidden, layers, TranslationLSTM.Attention.parse(attention, "--attention"),
                    dropout, maxLen, shareEmbeddings, tieEmbeddings), gen);
        }
        return new TranslationTransformer(new TranslationTransformer.Config(vocabSize, dModel, heads, encoderLayers, decoderLayers, ff, dropout, maxLen,
                shareEmbeddings, tieEmbeddings, preNorm), gen);
    }

    /** The model's settings a resumed run must repeat, by option name, those of the chosen kind only. */
    void putConfig(Map<String, String> c) {
        if (isLstm()) {
            c.put("attention", attention);
            c.put("emb", Integer.toString(emb));
            c.put("hidden", Integer.toString(hidden));
            c.put("layers", Integer.toString(layers));
        } else {
            c.put("d-model", Integer.toString(dModel));
            c.put("heads", Integer.toString(heads));
            c.put("encoder-layers", Integer.toString(encoderLayers));
            c.put("decoder-layers", Integer.toString(decoderLayers));
            c.put("ff", Integer.toString(ff));
        }
        c.put("dropout", Double.toString(dropout));
        c.put("max-len", Integer.toString(maxLen));
        if (!isLstm()) c.put("pre-norm", Boolean.toString(preNorm));
        c.put("share-embeddings", Boolean.toString(shareEmbeddings));
        c.put("tie-embeddings", Boolean.toString(tieEmbeddings));
    }
}
