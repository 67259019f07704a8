package dev.jgrad.cli;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.ParallelText;
import dev.jgrad.data.TranslationBatcher;
import dev.jgrad.data.TranslationExamples;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.metrics.Bleu;
import dev.jgrad.metrics.BleuScore;
import dev.jgrad.models.TranslationLSTM;
import dev.jgrad.models.TranslationModel;
import dev.jgrad.models.TranslationTransformer;
import dev.jgrad.models.Translator;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.LossOptions;
import dev.jgrad.nn.Reduction;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.ClipGrad;
import dev.jgrad.optim.LRScheduler;
import dev.jgrad.optim.LambdaLR;
import dev.jgrad.optim.TransformerLR;
import dev.jgrad.plot.LinePlot;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.Bpe;
import dev.jgrad.text.SubwordVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.zip.CRC32;

/**
 * {@code jgrad train translate}: a {@link TranslationTransformer} trained as in "Attention Is All You Need" on a
 * parallel corpus (Multi30k by default): a joint BPE tokenizer learnt from both sides of the training data, batches of
 * similar lengths under a token budget, Adam (0.9, 0.98, 1e-9) with the paper's warm-up schedule, label smoothing,
 * residual dropout. With {@code --model lstm} a {@link TranslationLSTM} (LSTM encoder-decoder with attention) instead,
 * trained with Adam at a constant learning rate (optionally decayed per epoch), gradient clipping and the same label
 * smoothing and batches. After every epoch: validation loss and BLEU (sacreBLEU's, on detokenised output against the raw
 * references), a checkpoint ({@link TrainingCheckpoint}, exact resume), the epoch's model as
 * {@code epoch-NNN.safetensors} (the last {@code --keep-last} kept, for {@code jgrad average}), the best one by BLEU,
 * and the curves as PNG.
 *
 * <p>Data handling, reported before training: pairs with an empty side are skipped (counted; an error with --strict),
 * unknown characters become {@code <unk>} (counted; an error with --strict), sentences over {@code --max-len} tokens
 * are cut (counted; an error with --strict), files of different lengths are an error.
 */
@Command(name = "translate",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Trains a translation model, a Transformer or (--model lstm) an LSTM encoder-decoder with attention "
                + "(default data: Multi30k English to German, in ../shared/data/multi30k).",
                "Learns a joint BPE tokenizer, then trains with label smoothing: the Transformer with the paper's Adam and warm-up schedule, "
                        + "the LSTM with Adam at --lr and gradient clipping. Each epoch writes to --out: a checkpoint (model.safetensors, training.safetensors), epoch-NNN.safetensors, "
                        + "best.safetensors (by validation BLEU) and curves.png. Continue a stopped run with --resume."})
final class TrainTranslateCommand implements Callable<Integer> {

    @Option(names = "--src", defaultValue = "en", paramLabel = "LANG", description = "Source language suffix (default: ${DEFAULT-VALUE}).")
    String src;

    @Option(names = "--tgt", defaultValue = "de", paramLabel = "LANG", description = "Target language suffix (default: ${DEFAULT-VALUE}).")
    String tgt;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory of <split>.<lang>[.gz] files (default: ../shared/data/multi30k).")
    Path data;

    @Option(names = "--train-split", defaultValue = "train", paramLabel = "NAME", description = "Training split name (default: ${DEFAULT-VALUE}).")
    String trainSplit;

    @Option(names = "--valid-split", defaultValue = "val", paramLabel = "NAME", description = "Validation split name (default: ${DEFAULT-VALUE}).")
    String validSplit;

    @Option(names = "--train-src", paramLabel = "FILE", description = "Training source file (plain or .gz), instead of --data.")
    Path trainSrc;

    @Option(names = "--train-tgt", paramLabel = "FILE", description = "Training target file, line for line with --train-src.")
    Path trainTgt;

    @Option(names = "--valid-src", paramLabel = "FILE", description = "Validation source file, instead of --data.")
    Path validSrc;

    @Option(names = "--valid-tgt", paramLabel = "FILE", description = "Validation target (reference) file.")
    Path validTgt;

    @Option(names = "--out", defaultValue = "runs/translate", paramLabel = "DIR", description = "Run directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out exactly where it stopped (same options required; --epochs may grow).")
    boolean resume;

    @Option(names = "--overwrite", description = "Start a new run even if --out already holds a checkpoint.")
    boolean overwrite;

    @Option(names = "--strict", description = "Make empty lines, unknown characters and over-long sentences errors instead of skipping, <unk> and cutting.")
    boolean strict;

    @Option(names = "--vocab-size", defaultValue = "8000", paramLabel = "N", description = "Joint BPE vocabulary size, specials included (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--bpe", paramLabel = "FILE", description = "Use this tokenizer (saved by an earlier run as bpe.txt) instead of learning one.")
    Path bpeFile;

    @Option(names = "--model", defaultValue = "transformer", paramLabel = "KIND", description = "transformer or lstm (default: ${DEFAULT-VALUE}).")
    String modelKind;

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

    @Option(names = "--emb", defaultValue = "384", paramLabel = "N", description = "LSTM: embedding size (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--batch-tokens", defaultValue = "1500", paramLabel = "N", description = "Token budget per batch, padding included (default: ${DEFAULT-VALUE}).")
    int batchTokens;

    @Option(names = "--epochs", defaultValue = "10", paramLabel = "N", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--max-steps", defaultValue = "0", paramLabel = "N", description = "Stop after this many steps; 0: no limit (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--warmup", defaultValue = "400", paramLabel = "STEPS", description = "Transformer: warm-up steps of the learning-rate schedule; the paper's 4000 suits its 25,000-token batches, not Multi30k's 320 batches an epoch (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--lr-factor", defaultValue = "0.35", paramLabel = "F", description = "Transformer: lr = F * d_model^-0.5 * min(step^-0.5, step * warmup^-1.5); 0.35 peaks at 1.1e-3 for d_model 256 and warm-up 400 (default: ${DEFAULT-VALUE}).")
    double lrFactor;

    @Option(names = "--label-smoothing", defaultValue = "0.1", paramLabel = "E", description = "Label smoothing (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(names = "--lr", defaultValue = "2e-3", paramLabel = "LR", description = "LSTM: Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-decay", defaultValue = "0.5", paramLabel = "F",
            description = "LSTM: multiply the learning rate by F at the start of each epoch after --decay-after; 1 keeps it constant (default: ${DEFAULT-VALUE}).")
    double lrDecay;

    @Option(names = "--decay-after", defaultValue = "5", paramLabel = "EPOCHS",
            description = "LSTM: epochs at the full learning rate before --lr-decay starts (default: ${DEFAULT-VALUE}).")
    int decayAfter;

    @Option(names = "--clip", paramLabel = "NORM",
            description = "Maximum gradient norm; 0: no clipping (default: " + TRANSFORMER_CLIP + " for the Transformer, as the paper, " + LSTM_CLIP + " for the LSTM).")
    Double clipOption;
    double clip;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed: weights, batch order, dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--keep-last", defaultValue = "5", paramLabel = "K", description = "Keep the last K epoch-NNN.safetensors for averaging; 0 keeps all (default: ${DEFAULT-VALUE}).")
    int keepLast;

    @Option(names = "--valid-beam", defaultValue = "1", paramLabel = "N", description = "Beam for the validation BLEU each epoch; 1 = greedy (default: ${DEFAULT-VALUE}).")
    int validBeam;

    @Option(names = "--length-penalty", defaultValue = "0.6", paramLabel = "ALPHA", description = "GNMT length penalty for validation beam search (default: ${DEFAULT-VALUE}).")
    double lengthPenalty;

    @Option(names = "--valid-sentences", defaultValue = "0", paramLabel = "N", description = "Score BLEU on the first N validation sentences only; 0: all (default: ${DEFAULT-VALUE}).")
    int validSentences;

    @Option(names = "--eval-every", defaultValue = "0", paramLabel = "STEPS", description = "Also evaluate and checkpoint every this many steps; epoch ends always are (default: ${DEFAULT-VALUE}, epoch ends only).")
    int evalEvery;

    @Option(names = "--stop-at", defaultValue = "0", paramLabel = "STEP", description = "Checkpoint and stop at this step, to be continued with --resume (default: ${DEFAULT-VALUE}, run to the end).")
    int stopAt;

    @Spec
    CommandSpec spec;

    /** Smoothing of the training loss in the progress bar and the plot. */
    static final double EMA = 0.98;
    static final int DECODE_BATCH = 64;
    static final String TRANSFORMER = "transformer", LSTM = "lstm";
    static final double TRANSFORMER_DROPOUT = 0.1, LSTM_DROPOUT = 0.3, TRANSFORMER_CLIP = 0, LSTM_CLIP = 5;
    /** Options that shape only one kind of model, refused with the other. */
    static final List<String> TRANSFORMER_ONLY = List.of("--d-model", "--heads", "--encoder-layers", "--decoder-layers", "--ff", "--pre-norm", "--warmup",
            "--lr-factor");
    static final List<String> LSTM_ONLY = List.of("--attention", "--emb", "--hidden", "--layers", "--lr", "--lr-decay", "--decay-after");

    private TranslationModel model;
    private Adam optimizer;
    private LRScheduler scheduler;
    private long step;
    private final List<Float> trainLosses = new ArrayList<>();
    /** {epochs done (fractional), step, validation loss, validation BLEU} per evaluation. */
    private final List<float[]> validations = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        checkOptions();
        Path trainS = trainSrc != null ? trainSrc : TranslationData.splitFile(dataDir(), trainSplit, src);
        Path trainT = trainTgt != null ? trainTgt : TranslationData.splitFile(dataDir(), trainSplit, tgt);
        Path validS = validSrc != null ? validSrc : TranslationData.splitFile(dataDir(), validSplit, src);
        Path validT = validTgt != null ? validTgt : TranslationData.splitFile(dataDir(), validSplit, tgt);
        ParallelText.EmptyLines empty = strict ? ParallelText.EmptyLines.ERROR : ParallelText.EmptyLines.SKIP;
        ParallelText trainText = ParallelText.read(trainS, trainT, empty);
        ParallelText validText = ParallelText.read(validS, validT, empty);

        TrainingCheckpoint checkpoint = null;
        if (resume) {
            if (!TrainingCheckpoint.exists(out)) {
                throw new IllegalArgumentException("--resume: no checkpoint in " + out + " (" + out.resolve(TrainingCheckpoint.TRAINING_FILE)
                        + " does not exist); run without --resume to start, or point --out at the run to continue");
            }
            checkpoint = TrainingCheckpoint.load(out);
        } else if (TrainingCheckpoint.exists(out) && !overwrite) {
            throw new IllegalArgumentException(out + " already holds a checkpoint; continue it with --resume, replace it with --overwrite, "
                    + "or choose another --out");
        }

        // The tokenizer: given, or learnt from both sides of the training data (deterministic: a resumed run learns the same).
        long t0 = System.nanoTime();
        Bpe bpe;
        if (bpeFile != null) {
            bpe = Bpe.load(bpeFile);
        } else {
            List<String> both = new ArrayList<>(trainText.sources());
            both.addAll(trainText.targets());
            bpe = Bpe.learn(both, vocabSize);
        }
        if (checkpoint != null) {
            Bpe saved = Bpe.fromMetadata(checkpoint.modelMetadata(), out.resolve(TrainingCheckpoint.MODEL_FILE).toString());
            if (!saved.fingerprint().equals(bpe.fingerprint())) {
                throw new IllegalArgumentException("--resume: the checkpoint's tokenizer (sha256 " + saved.fingerprint().substring(0, 16)
                        + "...) differs from the one " + (bpeFile != null ? "in " + bpeFile : "learnt from the training data now")
                        + " (sha256 " + bpe.fingerprint().substring(0, 16) + "...): the data, --vocab-size or --bpe changed since the run started");
            }
        }
        console.printf(Locale.ROOT, "tokenizer: %s (%s in %.1f s)%n", bpe, bpeFile != null ? "from " + bpeFile : "joint BPE learnt from " + trainS.getFileName()
                + " and " + trainT.getFileName(), (System.nanoTime() - t0) / 1e9);

        TranslationExamples train = TranslationExamples.encode(trainText, bpe, maxLen, strict);
        TranslationExamples valid = TranslationExamples.encode(validText, bpe, maxLen, strict);
        for (String w : train.warnings()) console.println("warning: " + w);
        for (String w : valid.warnings()) console.println("warning: " + w);
        TranslationBatcher batcher = TranslationBatcher.of(train, batchTokens);
        TranslationBatcher validBatcher = TranslationBatcher.of(valid, batchTokens);
        int perEpoch = batcher.epoch(epochGenerator(0)).size();
        long totalSteps = (long) epochs * perEpoch;
        if (maxSteps > 0) totalSteps = Math.min(totalSteps, maxSteps);

        Map<String, String> config = config(fingerprint(trainS, trainT, validS, validT), bpe);
        if (checkpoint != null) {
            // Runs from before --model existed did not record it: they are Transformers.
            String savedKind = checkpoint.config().getOrDefault("model", TRANSFORMER);
            if (!savedKind.equals(modelKind)) {
                throw new IllegalArgumentException("--resume: the run in " + out + " trains " + (savedKind.equals(LSTM) ? "an LSTM" : "a Transformer")
                        + " (--model " + savedKind + "), not --model " + modelKind + "; resume it with --model " + savedKind
                        + ", or start a new run with another --out");
            }
            if (!checkpoint.config().containsKey("model")) config.remove("model");
            try {
                // Runs from before the schedule stopped depending on the run's length recorded these two.
                checkpoint.requireSameConfig(config, Set.of("epochs", "max-steps"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--resume: " + out + ": " + e.getMessage()
                        + "; resume with the checkpoint's settings, or start a new run with another --out");
            }
        }

        Generator.manualSeed(seed + 1); // dropout masks come from the default generator
        String optimizerSummary;
        if (modelKind.equals(LSTM)) {
            model = new TranslationLSTM(new TranslationLSTM.Config(bpe.vocabulary().size(), emb, hidden, layers,
                    TranslationLSTM.Attention.parse(attention, "--attention"), dropout, maxLen, shareEmbeddings, tieEmbeddings), new Generator(seed));
            optimizer = new Adam(model.parameters(), Adam.options(lr));
            // A function of the step alone, so a resumed run continues it exactly.
            int epochSteps = perEpoch;
            double decay = lrDecay;
            int after = decayAfter;
            scheduler = new LambdaLR(optimizer, s -> Math.pow(decay, Math.max(0, s / epochSteps + 1 - after)));
            optimizerSummary = String.format(Locale.ROOT, "Adam(0.9, 0.999), lr %s%s", lr,
                    lrDecay == 1 ? " constant" : ", times " + lrDecay + " each epoch after epoch " + decayAfter);
        } else {
            model = new TranslationTransformer(new TranslationTransformer.Config(bpe.vocabulary().size(), dModel, heads, encoderLayers,
                    decoderLayers, ff, dropout, maxLen, shareEmbeddings, tieEmbeddings, preNorm), new Generator(seed));
            // The paper's optimiser: the schedule gives the learning rate itself, so the base rate is 1.
            optimizer = new Adam(model.parameters(), Adam.options(1.0).withBetas(0.9, 0.98).withEps(1e-9));
            scheduler = new TransformerLR(optimizer, dModel, warmup, lrFactor);
            optimizerSummary = String.format(Locale.ROOT, "Adam(0.9, 0.98, 1e-9), warm-up %d, lr factor %s (peak lr %.2e)", warmup, lrFactor,
                    TransformerLR.rate(warmup, dModel, warmup, lrFactor));
        }
        if (checkpoint != null) {
            restore(checkpoint);
            if (stopAt > 0 && stopAt <= step) {
                throw new IllegalArgumentException("--stop-at " + stopAt + " is not after the checkpoint's step " + step);
            }
        } else {
            Files.createDirectories(out);
            bpe.save(out.resolve("bpe.txt"));
        }

        console.printf(Locale.ROOT, "data: %s -> %s, %,d training pairs (%,d source and %,d target tokens), %,d validation pairs%n",
                src, tgt, train.size(), train.sourceTokens(), train.targetTokens(), valid.size());
        console.printf(Locale.ROOT, "model: %s, %,d parameters%n", model.summary(), model.numParameters());
        console.printf(Locale.ROOT, "training: %d batches of <= %d tokens per epoch, %d steps; %s, %s, label smoothing %s%n", perEpoch, batchTokens,
                totalSteps, optimizerSummary, clip > 0 ? "gradient norm clipped at " + clip : "no clipping", labelSmoothing);
        if (checkpoint != null) console.printf(Locale.ROOT, "resuming at step %d (epoch %d, batch %d of %d)%n", step, step / perEpoch + 1, step % perEpoch, perEpoch);
        console.flush();

        long start = System.nanoTime();
        boolean stopped = train(batcher, validBatcher, valid, totalSteps, perEpoch, bpe, config, console);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (stopped) {
            console.printf(Locale.ROOT, "stopped at step %d of %d as asked (--stop-at); checkpoint in %s, continue with --resume%n", step, totalSteps, out);
        } else if (!validations.isEmpty()) {
            float[] last = validations.getLast();
            console.printf(Locale.ROOT, "done: %d steps, validation loss %.4f, validation BLEU %.2f (%s this session)%n", step, last[2], last[3],
                    ProgressBar.formatDuration(seconds));
            console.println("checkpoint: " + out + ", curves: " + out.resolve("curves.png") + "; average the last epochs with: jgrad average "
                    + out.resolve("epoch-NNN.safetensors") + " ... -o avg.safetensors");
        }
        console.flush();
        return 0;
    }

    private Path dataDir() {
        return data != null ? data : TranslationData.defaultDataDir();
    }

    private Generator epochGenerator(long epoch) {
        return new Generator(seed * 1_000_003L + 7919L * (epoch + 1));
    }

    private void checkOptions() {
        if (!modelKind.equals(TRANSFORMER) && !modelKind.equals(LSTM)) {
            throw new IllegalArgumentException("--model must be transformer or lstm, got '" + modelKind + "'");
        }
        var parsed = spec.commandLine().getParseResult();
        for (String o : modelKind.equals(LSTM) ? TRANSFORMER_ONLY : LSTM_ONLY) {
            if (parsed.hasMatchedOption(o)) {
                throw new IllegalArgumentException(o + " applies to " + (modelKind.equals(LSTM) ? "the Transformer" : "the LSTM (--model lstm)")
                        + ", not to --model " + modelKind);
            }
        }
        boolean isLstm = modelKind.equals(LSTM);
        dropout = dropoutOption != null ? dropoutOption : isLstm ? LSTM_DROPOUT : TRANSFORMER_DROPOUT;
        clip = clipOption != null ? clipOption : isLstm ? LSTM_CLIP : TRANSFORMER_CLIP;
        if (isLstm) {
            for (Object[] o : new Object[][] {{"--emb", emb}, {"--hidden", hidden}, {"--layers", layers}}) {
                if ((Integer) o[1] < 1) throw new IllegalArgumentException(o[0] + " must be positive, got " + o[1]);
            }
            if (hidden % 2 != 0) throw new IllegalArgumentException("--hidden must be even (the bidirectional encoder gives each direction half), got " + hidden);
            if (tieEmbeddings && emb != hidden) {
                throw new IllegalArgumentException("--tie-embeddings needs --emb equal to --hidden (the output layer reads the " + hidden
                        + "-wide attentional vector), got --emb " + emb);
            }
            TranslationLSTM.Attention.parse(attention, "--attention");
            if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
            if (!(lrDecay > 0 && lrDecay <= 1)) throw new IllegalArgumentException("--lr-decay must be in (0, 1], got " + lrDecay);
            if (decayAfter < 0) throw new IllegalArgumentException("--decay-after must be >= 0, got " + decayAfter);
        }
        for (Object[] o : new Object[][] {{"--vocab-size", vocabSize}, {"--d-model", dModel}, {"--heads", heads}, {"--encoder-layers", encoderLayers},
                {"--decoder-layers", decoderLayers}, {"--ff", ff}, {"--batch-tokens", batchTokens}, {"--epochs", epochs}, {"--warmup", warmup},
                {"--valid-beam", validBeam}}) {
            if ((Integer) o[1] < 1) throw new IllegalArgumentException(o[0] + " must be positive, got " + o[1]);
        }
        if (maxLen < 3) throw new IllegalArgumentException("--max-len must be at least 3 (<bos>, a token, <eos>), got " + maxLen);
        if (!isLstm && dModel % heads != 0) throw new IllegalArgumentException("--d-model " + dModel + " must be divisible by --heads " + heads);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new IllegalArgumentException("--label-smoothing must be in [0, 1), got " + labelSmoothing);
        if (!(lrFactor > 0) || Double.isInfinite(lrFactor)) throw new IllegalArgumentException("--lr-factor must be positive, got " + lrFactor);
        if (!(clip >= 0)) throw new IllegalArgumentException("--clip must be >= 0, got " + clip);
        if (!(lengthPenalty >= 0)) throw new IllegalArgumentException("--length-penalty must be >= 0, got " + lengthPenalty);
        if (maxSteps < 0 || stopAt < 0 || keepLast < 0 || validSentences < 0 || evalEvery < 0) {
            throw new IllegalArgumentException("--max-steps, --stop-at, --keep-last, --valid-sentences and --eval-every must be >= 0");
        }
        if (resume && overwrite) throw new IllegalArgumentException("--resume and --overwrite contradict each other: choose one");
        if ((trainSrc == null) != (trainTgt == null)) throw new IllegalArgumentException("give both --train-src and --train-tgt, or neither");
        if ((validSrc == null) != (validTgt == null)) throw new IllegalArgumentException("give both --valid-src and --valid-tgt, or neither");
    }

    /** The data by content (CRC32 of the four files), so a moved copy resumes and an edited one does not. */
    private static String fingerprint(Path... files) throws IOException {
        CRC32 crc = new CRC32();
        long bytes = 0;
        byte[] buf = new byte[1 << 16];
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    crc.update(buf, 0, n);
                    bytes += n;
                }
            }
        }
        return String.format(Locale.ROOT, "%d bytes (crc32 %08x)", bytes, crc.getValue());
    }

    /**
     * The settings a resumed run must repeat, by option name, those of the chosen --model only. Not --epochs or
     * --max-steps: the schedule does not depend on the length of the run, so a finished run can be continued for more
     * epochs with --resume --epochs N.
     */
    private Map<String, String> config(String dataFingerprint, Bpe bpe) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("model", modelKind);
        c.put("data", dataFingerprint);
        c.put("tokenizer", bpe.fingerprint());
        c.put("src", src);
        c.put("tgt", tgt);
        c.put("strict", Boolean.toString(strict));
        if (modelKind.equals(LSTM)) {
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
        if (!modelKind.equals(LSTM)) c.put("pre-norm", Boolean.toString(preNorm));
        c.put("share-embeddings", Boolean.toString(shareEmbeddings));
        c.put("tie-embeddings", Boolean.toString(tieEmbeddings));
        c.put("batch-tokens", Integer.toString(batchTokens));
        if (modelKind.equals(LSTM)) {
            c.put("lr", Double.toString(lr));
            c.put("lr-decay", Double.toString(lrDecay));
            c.put("decay-after", Integer.toString(decayAfter));
        } else {
            c.put("warmup", Integer.toString(warmup));
            c.put("lr-factor", Double.toString(lrFactor));
        }
        c.put("label-smoothing", Double.toString(labelSmoothing));
        c.put("clip", Double.toString(clip));
        c.put("seed", Long.toString(seed));
        return c;
    }

    // ---------------------------------------------------------------- training

    /** Trains until the last step (false) or --stop-at (true). */
    private boolean train(TranslationBatcher batcher, TranslationBatcher validBatcher, TranslationExamples valid, long totalSteps, int perEpoch,
                          Bpe bpe, Map<String, String> config, PrintWriter console) throws IOException {
        if (step >= totalSteps) {
            console.println("the run in " + out + " is already complete (" + step + " steps)");
            return false;
        }
        double ema = 0, weight = 0;
        for (float l : trainLosses) {
            ema = EMA * ema + (1 - EMA) * l;
            weight = EMA * weight + (1 - EMA);
        }
        int V = model.vocabSize();
        LossOptions lossOptions = LossOptions.defaults().withIgnoreIndex(SubwordVocabulary.PAD_ID).withLabelSmoothing(labelSmoothing);
        try (ProgressBar bar = new ProgressBar("train", totalSteps - step, "tokens")) {
            List<int[]> epochBatches = null;
            long batchesOfEpoch = -1;
            while (step < totalSteps) {
                long epoch = step / perEpoch;
                if (epochBatches == null || batchesOfEpoch != epoch) {
                    epochBatches = batcher.epoch(epochGenerator(epoch));
                    batchesOfEpoch = epoch;
                }
                TranslationBatcher.Batch b = batcher.batch(epochBatches.get((int) (step % perEpoch)));
                model.train();
                optimizer.zeroGrad();
                Tensor logits = model.forward(b.source(), b.targetIn());
                int n = b.targetIn().numel();
                Tensor loss = Functional.crossEntropy(logits.reshape(n, V), b.targetOut().reshape(n), lossOptions);
                loss.backward();
                if (clip > 0) ClipGrad.clipGradNorm(model.parameters(), clip);
                double lrUsed = optimizer.paramGroups().getFirst().lr();
                optimizer.step();
                scheduler.step();
                step++;
                float l = loss.item();
                trainLosses.add(l);
                ema = EMA * ema + (1 - EMA) * l;
                weight = EMA * weight + (1 - EMA);
                bar.metric("loss", ema / weight);
                bar.metric("lr", lrUsed);
                bar.step(b.targetTokens());

                boolean epochEnd = step % perEpoch == 0;
                if (epochEnd || step == totalSteps || (evalEvery > 0 && step % evalEvery == 0)) {
                    long e0 = System.nanoTime();
                    double valLoss = validationLoss(validBatcher);
                    BleuScore bleu = validationBleu(valid, bpe);
                    double epochs = step / (double) perEpoch;
                    validations.add(new float[] {(float) epochs, step, (float) valLoss, (float) bleu.score()});
                    saveCheckpoint(bpe, config);
                    saveModelFiles(bpe, epochEnd || step == totalSteps ? (int) ((step - 1) / perEpoch + 1) : 0, (float) bleu.score());
                    plot();
                    bar.message(String.format(Locale.ROOT, "epoch %.2f (step %d/%d): train loss %.4f, validation loss %.4f, validation BLEU %.2f (%s); "
                                    + "evaluated and saved in %.1f s", epochs, step, totalSteps, ema / weight, valLoss, bleu.score(),
                            validBeam == 1 ? "greedy" : "beam " + validBeam, (System.nanoTime() - e0) / 1e9));
                } else if (stopAt > 0 && step >= stopAt) {
                    saveCheckpoint(bpe, config);
                }
                if (stopAt > 0 && step >= stopAt && step < totalSteps) return true;
            }
        }
        return false;
    }

    /** Mean cross-entropy per target token over the validation pairs, without label smoothing or dropout. */
    private double validationLoss(TranslationBatcher validBatcher) {
        model.eval();
        double sum = 0;
        long count = 0;
        int V = model.vocabSize();
        LossOptions sumOptions = LossOptions.defaults().withIgnoreIndex(SubwordVocabulary.PAD_ID).withReduction(Reduction.SUM);
        try (var _ = GradMode.noGrad()) {
            for (int[] indices : validBatcher.inOrder()) {
                TranslationBatcher.Batch b = validBatcher.batch(indices);
                int n = b.targetIn().numel();
                sum += Functional.crossEntropy(model.forward(b.source(), b.targetIn()).reshape(n, V), b.targetOut().reshape(n), sumOptions).item();
                count += b.targetTokens();
            }
        }
        model.train();
        return sum / count;
    }

    /** BLEU of the decoded validation sources (detokenised) against the raw reference lines. */
    private BleuScore validationBleu(TranslationExamples valid, Bpe bpe) {
        int n = validSentences > 0 ? Math.min(validSentences, valid.size()) : valid.size();
        List<int[]> sources = valid.sources().subList(0, n);
        List<Translator.Hypothesis> hyps = new Translator(model).translate(sources, validBeam, lengthPenalty, DECODE_BATCH);
        model.train();
        List<String> out = new ArrayList<>(n), refs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(bpe.decode(hyps.get(i).tokens()));
            refs.add(valid.text().pairs().get(i).target());
        }
        return new Bleu().corpusScore(out, List.of(refs));
    }

    // ---------------------------------------------------------------- checkpoints

    private Map<String, String> modelMetadata(Bpe bpe) {
        Map<String, String> meta = new LinkedHashMap<>(model.metadata());
        bpe.putMetadata(meta);
        meta.put(TranslationData.SRC_LANG, src);
        meta.put(TranslationData.TGT_LANG, tgt);
        meta.put("step", Long.toString(step));
        return meta;
    }

    private void saveCheckpoint(Bpe bpe, Map<String, String> config) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        float[] losses = new float[trainLosses.size()];
        for (int i = 0; i < losses.length; i++) losses[i] = trainLosses.get(i);
        tensors.put("train_loss", Tensor.of(losses, losses.length));
        float[] val = new float[validations.size() * 4];
        for (int i = 0; i < validations.size(); i++) System.arraycopy(validations.get(i), 0, val, 4 * i, 4);
        tensors.put("validation", Tensor.of(val, validations.size(), 4));
        Map<String, String> progress = new LinkedHashMap<>();
        progress.put("step", Long.toString(step));
        progress.put("rng.default", TrainingCheckpoint.generatorState(Generator.defaultGenerator()));
        new TrainingCheckpoint(model.stateDict(), modelMetadata(bpe), optimizer.stateDict(), scheduler.stateDict(), tensors, progress, config).save(out);
    }

    /**
     * At an epoch's end (epoch > 0) its model file, the older ones pruned to --keep-last; at any evaluation
     * best.safetensors when the validation BLEU is the best so far.
     */
    private void saveModelFiles(Bpe bpe, int epoch, float bleu) throws IOException {
        Map<String, String> meta = modelMetadata(bpe);
        if (epoch > 0) meta.put("epoch", Integer.toString(epoch));
        meta.put("valid_bleu", Float.toString(bleu));
        float best = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < validations.size() - 1; i++) best = Math.max(best, validations.get(i)[3]);
        if (bleu > best) SafeTensors.save(out.resolve("best.safetensors"), model.stateDict(), meta);
        if (epoch == 0) return;
        SafeTensors.save(out.resolve(String.format(Locale.ROOT, "epoch-%03d.safetensors", epoch)), model.stateDict(), meta);
        if (keepLast > 0) {
            List<Path> epochsFiles = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(out, "epoch-*.safetensors")) {
                ds.forEach(epochsFiles::add);
            }
            epochsFiles.sort(null);
            for (int i = 0; i < epochsFiles.size() - keepLast; i++) Files.deleteIfExists(epochsFiles.get(i));
        }
    }

    private void restore(TrainingCheckpoint c) {
        try {
            model.loadStateDict(c.model());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--resume: " + out.resolve(TrainingCheckpoint.MODEL_FILE) + " does not fit the model: " + e.getMessage());
        }
        optimizer.loadStateDict(c.optimizer());
        scheduler.loadStateDict(c.scheduler());
        step = c.progressLong("step");
        c.restoreGenerator("rng.default", Generator.defaultGenerator());
        Tensor losses = c.tensors().get("train_loss"), val = c.tensors().get("validation");
        if (losses == null || val == null || losses.numel() != step) {
            throw new IllegalArgumentException("--resume: " + out.resolve(TrainingCheckpoint.TRAINING_FILE) + " has no loss history for its " + step + " steps");
        }
        for (float l : losses.toArray()) trainLosses.add(l);
        float[] v = val.toArray();
        for (int i = 0; i + 3 < v.length; i += 4) validations.add(new float[] {v[i], v[i + 1], v[i + 2], v[i + 3]});
    }

    /** curves.png: losses against steps above, validation BLEU against epochs below. */
    private void plot() throws IOException {
        String title = modelKind.equals(LSTM)
                ? String.format(Locale.ROOT, "LSTM %s->%s: hidden %d, embeddings %d, %d layers, %s attention, %,d parameters", src, tgt, hidden, emb, layers,
                attention, model.numParameters())
                : String.format(Locale.ROOT, "Transformer %s->%s: d %d, %d+%d layers, %,d parameters", src, tgt, dModel, encoderLayers, decoderLayers,
                model.numParameters());
        plotCurves(out.resolve("curves.png"), title, trainLosses, validations, validBeam == 1 ? "greedy" : "beam " + validBeam);
    }

    /**
     * The curves of a run: the smoothed training loss at every step and the validation loss at each evaluation above,
     * the validation BLEU against epochs below (starting from 0 at epoch 0: an untrained model translates nothing).
     *
     * @param validations {epochs done, step, validation loss, validation BLEU} per evaluation
     */
    static void plotCurves(Path png, String title, List<Float> trainLosses, List<float[]> validations, String decoding) throws IOException {
        double[] y = smoothed(trainLosses);
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        int n = validations.size();
        double[] vx = new double[n], vy = new double[n], ex = new double[n + 1], ey = new double[n + 1];
        for (int i = 0; i < n; i++) {
            vx[i] = validations.get(i)[1];
            vy[i] = validations.get(i)[2];
            ex[i + 1] = validations.get(i)[0];
            ey[i + 1] = validations.get(i)[3];
        }
        Path dir = Files.createTempDirectory(png.toAbsolutePath().getParent(), ".plots");
        try {
            Path a = dir.resolve("loss.png"), b = dir.resolve("bleu.png");
            LinePlot losses = new LinePlot(title, "step", "loss (nats/token)").add("train (label-smoothed, moving average)", x, y);
            if (n > 0) losses.add("validation", vx, vy);
            losses.size(900, 420).savePng(a);
            new LinePlot("validation BLEU (" + decoding + ", sacreBLEU)", "epoch", "BLEU").add("validation BLEU", ex, ey).size(900, 360).savePng(b);
            stackPng(List.of(a, b), png);
        } finally {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The training losses smoothed by a bias-corrected exponential moving average, one per step. */
    static double[] smoothed(List<Float> losses) {
        double[] out = new double[losses.size()];
        double ema = 0, weight = 0;
        for (int i = 0; i < out.length; i++) {
            ema = EMA * ema + (1 - EMA) * losses.get(i);
            weight = EMA * weight + (1 - EMA);
            out[i] = ema / weight;
        }
        return out;
    }

    /** The images one above the other in one PNG, written atomically. */
    static void stackPng(List<Path> parts, Path target) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        int w = 0, h = 0;
        for (Path p : parts) {
            BufferedImage im = javax.imageio.ImageIO.read(p.toFile());
            images.add(im);
            w = Math.max(w, im.getWidth());
            h += im.getHeight();
        }
        BufferedImage all = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, w, h);
        int y = 0;
        for (BufferedImage im : images) {
            g.drawImage(im, 0, y, null);
            y += im.getHeight();
        }
        g.dispose();
        Path abs = target.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            javax.imageio.ImageIO.write(all, "png", tmp.toFile());
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
