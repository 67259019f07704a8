package dev.jgrad.cli;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.TranslationBatcher;
import dev.jgrad.data.TranslationExamples;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.metrics.Bleu;
import dev.jgrad.metrics.BleuScore;
import dev.jgrad.models.TranslationModel;
import dev.jgrad.models.Translator;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.LossOptions;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Reduction;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.LambdaLR;
import dev.jgrad.optim.TransformerLR;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.Bpe;
import dev.jgrad.text.SubwordVocabulary;
import dev.jgrad.train.Optimization;
import dev.jgrad.train.StepOutput;
import dev.jgrad.train.TrainingListener;
import dev.jgrad.train.TrainingProgress;
import dev.jgrad.train.TrainingTask;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * What {@code jgrad train translate} trains: a translation model on batches of similar lengths under a token budget,
 * shuffled per epoch by a generator that is a function of the seed and the epoch (so the data position is the step
 * itself), with label smoothing; validated by the mean loss per target token and the BLEU of decoded sentences.
 * The Transformer uses the paper's Adam and warm-up schedule, the LSTM Adam at --lr decayed per epoch.
 */
final class TranslationTask implements TrainingTask {
    static final int DECODE_BATCH = 64;

    private final TrainTranslateCommand o;
    private final Bpe bpe;
    private final TranslationBatcher batcher, validBatcher;
    private final TranslationExamples valid;
    private final long perEpoch;
    private final Map<String, String> config;
    private final LossOptions lossOptions;
    private TranslationModel model;
    private List<int[]> epochBatches;
    private long batchesOfEpoch = -1;

    /** @param files the training and validation files, whose content a resumed run must find unchanged */
    TranslationTask(TrainTranslateCommand options, Bpe bpe, TranslationExamples train, TranslationExamples valid, List<Path> files) throws IOException {
        this.o = options;
        this.bpe = bpe;
        this.valid = valid;
        batcher = TranslationBatcher.of(train, o.batchTokens);
        validBatcher = TranslationBatcher.of(valid, o.batchTokens);
        perEpoch = batcher.epoch(epochGenerator(0)).size();
        config = config(fingerprint(files));
        lossOptions = LossOptions.defaults().withIgnoreIndex(SubwordVocabulary.PAD_ID).withLabelSmoothing(o.labelSmoothing);
    }

    /** Builds the model, its weights from --seed. */
    void createModel() {
        Generator.manualSeed(o.seed + 1); // dropout masks come from the default generator
        model = o.model.build(bpe.vocabulary().size(), new Generator(o.seed));
    }

    @Override public Module model() { return model; }
    TranslationModel translationModel() { return model; }
    @Override public long stepsPerEpoch() { return perEpoch; }
    @Override public Map<String, String> config() { return config; }

    @Override
    public Optimization configureOptimizers(long totalSteps) {
        if (o.model.isLstm()) {
            Adam adam = new Adam(model.parameters(), Adam.options(o.lr));
            // A function of the step alone, so a resumed run continues it exactly.
            int epochSteps = (int) perEpoch, after = o.decayAfter;
            double decay = o.lrDecay;
            return new Optimization(adam, new LambdaLR(adam, s -> Math.pow(decay, Math.max(0, s / epochSteps + 1 - after))));
        }
        // The paper's optimiser: the schedule gives the learning rate itself, so the base rate is 1.
        Adam adam = new Adam(model.parameters(), Adam.options(1.0).withBetas(0.9, 0.98).withEps(1e-9));
        return new Optimization(adam, new TransformerLR(adam, o.model.dModel, o.warmup, o.lrFactor));
    }

    private Generator epochGenerator(long epoch) {
        return new Generator(o.seed * 1_000_003L + 7919L * (epoch + 1));
    }

    @Override
    public StepOutput trainingStep(long step) {
        long epoch = step / perEpoch;
        if (epochBatches == null || batchesOfEpoch != epoch) {
            epochBatches = batcher.epoch(epochGenerator(epoch));
            batchesOfEpoch = epoch;
        }
        TranslationBatcher.Batch b = batcher.batch(epochBatches.get((int) (step % perEpoch)));
        Tensor logits = model.forward(b.source(), b.targetIn());
        int n = b.targetIn().numel();
        return StepOutput.of(Functional.crossEntropy(logits.reshape(n, model.vocabSize()), b.targetOut().reshape(n), lossOptions), b.targetTokens());
    }

    @Override
    public Map<String, Double> validate() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", validationLoss());
        m.put("bleu", validationBleu().score());
        return m;
    }

    /** Mean cross-entropy per target token over the validation pairs, without label smoothing or dropout. */
    private double validationLoss() {
        model.eval();
        double sum = 0;
        long count = 0;
        int v = model.vocabSize();
        LossOptions sumOptions = LossOptions.defaults().withIgnoreIndex(SubwordVocabulary.PAD_ID).withReduction(Reduction.SUM);
        try (var _ = GradMode.noGrad()) {
            for (int[] indices : validBatcher.inOrder()) {
                TranslationBatcher.Batch b = validBatcher.batch(indices);
                int n = b.targetIn().numel();
                sum += Functional.crossEntropy(model.forward(b.source(), b.targetIn()).reshape(n, v), b.targetOut().reshape(n), sumOptions).item();
                count += b.targetTokens();
            }
        }
        return sum / count;
    }

    /** BLEU of the decoded validation sources (detokenised) against the raw reference lines. */
    private BleuScore validationBleu() {
        int n = o.validSentences > 0 ? Math.min(o.validSentences, valid.size()) : valid.size();
        List<int[]> sources = valid.sources().subList(0, n);
        List<Translator.Hypothesis> hyps = new Translator(model).translate(sources, o.validBeam, o.lengthPenalty, DECODE_BATCH);
        List<String> out = new ArrayList<>(n), refs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(bpe.decode(hyps.get(i).tokens()));
            refs.add(valid.text().pairs().get(i).target());
        }
        return new Bleu().corpusScore(out, List.of(refs));
    }

    @Override
    public Map<String, String> modelMetadata() {
        Map<String, String> meta = new LinkedHashMap<>(model.metadata());
        bpe.putMetadata(meta);
        meta.put(TranslationData.SRC_LANG, o.src);
        meta.put(TranslationData.TGT_LANG, o.tgt);
        return meta;
    }

    @Override
    public void checkCheckpoint(TrainingCheckpoint checkpoint) {
        Map<String, String> current = new LinkedHashMap<>(config);
        if (!checkpoint.config().containsKey("model")) current.remove("model"); // runs from before --model existed: Transformers
        // Runs from before the schedule stopped depending on the run's length recorded these two.
        checkpoint.requireSameConfig(current, Set.of("epochs", "max-steps"));
    }

    /**
     * The settings a resumed run must repeat, by option name, those of the chosen --model only. Not --epochs or
     * --max-steps: the schedule does not depend on the length of the run, so a finished run can be continued for more
     * epochs with --resume --epochs N.
     */
    private Map<String, String> config(String dataFingerprint) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("model", o.model.kind);
        c.put("data", dataFingerprint);
        c.put("tokenizer", bpe.fingerprint());
        c.put("src", o.src);
        c.put("tgt", o.tgt);
        c.put("strict", Boolean.toString(o.strict));
        o.model.putConfig(c);
        c.put("batch-tokens", Integer.toString(o.batchTokens));
        if (o.model.isLstm()) {
            c.put("lr", Double.toString(o.lr));
            c.put("lr-decay", Double.toString(o.lrDecay));
            c.put("decay-after", Integer.toString(o.decayAfter));
        } else {
            c.put("warmup", Integer.toString(o.warmup));
            c.put("lr-factor", Double.toString(o.lrFactor));
        }
        c.put("label-smoothing", Double.toString(o.labelSmoothing));
        c.put("clip", Double.toString(o.clip));
        c.put("seed", Long.toString(o.seed));
        return c;
    }

    /** A run of the other --model is refused by name (runs from before --model existed are Transformers). */
    static void checkModelKind(Path out, String kind) throws IOException {
        String saved = SafeTensors.loadMetadata(out.resolve(TrainingCheckpoint.TRAINING_FILE)).getOrDefault("config.model", TranslateModelOptions.TRANSFORMER);
        if (!saved.equals(kind)) {
            throw new IllegalArgumentException("--resume: the run in " + out + " trains " + (saved.equals(TranslateModelOptions.LSTM) ? "an LSTM" : "a Transformer")
                    + " (--model " + saved + "), not --model " + kind + "; resume it with --model " + saved + ", or start a new run with another --out");
        }
    }

    /** The tokenizer of a run resumed must be the one it started with. */
    static void checkTokenizer(Path out, Bpe bpe, Path bpeFile) throws IOException {
        Bpe saved = Bpe.fromMetadata(TrainingCheckpoint.loadModel(out).metadata(), out.resolve(TrainingCheckpoint.MODEL_FILE).toString());
        if (!saved.fingerprint().equals(bpe.fingerprint())) {
            throw new IllegalArgumentException("--resume: the checkpoint's tokenizer (sha256 " + saved.fingerprint().substring(0, 16)
                    + "...) differs from the one " + (bpeFile != null ? "in " + bpeFile : "learnt from the training data now")
                    + " (sha256 " + bpe.fingerprint().substring(0, 16) + "...): the data, --vocab-size or --bpe changed since the run started");
        }
    }

    /** Writes bpe.txt into the run directory when a new run starts (under the trainer's lock). */
    static TrainingListener savesTokenizer(Bpe bpe, Path out) {
        return new TrainingListener() {
            @Override
            public void onFitStart(TrainingProgress p) {
                if (p.resumed()) return;
                try {
                    bpe.save(out.resolve("bpe.txt"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** The data by content (CRC32 of the four files), so a moved copy resumes and an edited one does not. */
    private static String fingerprint(List<Path> files) throws IOException {
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
}
