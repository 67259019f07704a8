package dev.jgrad.cli;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.CharCorpus;
import dev.jgrad.data.CharVocabulary;
import dev.jgrad.data.RandomWindows;
import dev.jgrad.data.StreamBatches;
import dev.jgrad.models.CharGPT;
import dev.jgrad.models.CharLSTM;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.RecurrentOutput;
import dev.jgrad.nn.RecurrentState;
import dev.jgrad.nn.Reduction;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.AdamW;
import dev.jgrad.optim.LambdaLR;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.LrSchedules;
import dev.jgrad.train.Optimization;
import dev.jgrad.train.Shard;
import dev.jgrad.train.StepOutput;
import dev.jgrad.train.TaskState;
import dev.jgrad.train.TrainingTask;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * What {@code jgrad train charlm} trains: a {@link CharLSTM} by truncated backpropagation through time over
 * {@code --batch} contiguous streams, its state carried (detached) from window to window and reset at each epoch, or
 * a {@link CharGPT} on random windows. The carried LSTM state and the windows' generator are its resume state.
 * A data-parallel worker's replica trains on its {@link Shard} of the batch rows: its own streams, or its windows.
 */
final class CharLMTask implements TrainingTask {
    /** Validation runs over this many parallel streams (fewer for a tiny text), whatever --batch is, so runs compare. */
    static final int EVAL_STREAMS = 32;
    static final int EVAL_WINDOW = 256;

    private final TrainCharLMCommand o;
    private final CharVocabulary vocab;
    private final int[] valIds;
    private final StreamBatches trainData, valData; // the LSTM's
    private final RandomWindows windows; // the transformer's
    private final long perEpoch;
    private final Map<String, String> config;
    private final Shard shard;
    private Module model;
    private CharLSTM lstm;
    private CharGPT gpt;
    private RecurrentState carried;

    /** Cuts the corpus into the training and validation batches; fails on a text too short for the options. */
    CharLMTask(TrainCharLMCommand options, Path textFile, CharCorpus corpus) {
        this(options, textFile, corpus, Shard.WHOLE);
    }

    /** As above, for a data-parallel worker that trains on {@code shard} of every batch. */
    CharLMTask(TrainCharLMCommand options, Path textFile, CharCorpus corpus, Shard shard) {
        shard.requireRows(options.batch, "--batch");
        this.shard = shard;
        this.o = options;
        this.vocab = corpus.vocabulary();
        int[] trainIds = split(corpus, true);
        valIds = split(corpus, false);
        String trainName = "training split of " + textFile + " (first 90%)";
        if (o.isTransformer()) {
            windows = new RandomWindows(trainIds, o.batch, o.seqLen, new Generator(o.seed + 3), trainName);
            trainData = valData = null;
            perEpoch = Math.max(1, trainIds.length / ((long) o.batch * o.seqLen));
        } else {
            windows = null;
            trainData = new StreamBatches(trainIds, o.batch, o.seqLen, trainName);
            valData = new StreamBatches(valIds, Math.min(EVAL_STREAMS, valIds.length - 1), EVAL_WINDOW, "validation split of " + textFile + " (last 10%)");
            perEpoch = trainData.windows();
        }
        config = config(fingerprint(vocab, trainIds, valIds));
    }

    /** Builds the model: after the data, so that bad input fails before anything is set up. */
    void createModel() {
        Generator.manualSeed(o.seed + 1); // dropout masks come from the default generator
        if (o.isTransformer()) {
            model = gpt = new CharGPT(new CharGPT.Config(vocab.size(), o.seqLen, o.emb, o.heads, o.layers, o.hidden, o.dropout), new Generator(o.seed));
        } else {
            model = lstm = new CharLSTM(new CharLSTM.Config(vocab.size(), o.emb, o.hidden, o.layers, o.dropout), new Generator(o.seed));
        }
    }

    CharLSTM lstm() { return lstm; }
    CharGPT gpt() { return gpt; }
    String summary() { return gpt != null ? gpt.summary() : lstm.summary(); }

    @Override public Module model() { return model; }
    @Override public long stepsPerEpoch() { return perEpoch; }
    @Override public Map<String, String> config() { return config; }

    @Override
    public Optimization configureOptimizers(long totalSteps) {
        Optimizer<?, ?> optimizer = "adamw".equals(o.optimizerName)
                ? new AdamW(model.parameters(), AdamW.options(o.lr).withWeightDecay(o.weightDecay))
                : new Adam(model.parameters(), Adam.options(o.lr).withWeightDecay(o.weightDecay));
        return new Optimization(optimizer, new LambdaLR(optimizer, o.schedule.equals("constant") ? LrSchedules.constant()
                : LrSchedules.warmupCosine(o.warmup, totalSteps, o.minLrRatio)));
    }

    @Override
    public void onEpochStart(long epoch) {
        carried = null; // each epoch starts from a zero state
    }

    @Override
    public StepOutput trainingStep(long step) {
        StreamBatches.Batch b = gpt != null ? windows.next() : trainData.window((int) (step % perEpoch));
        IntTensor inputs = shard.rows(b.inputs()), targets = shard.rows(b.targets());
        Tensor logits;
        if (gpt != null) {
            logits = gpt.forward(inputs);
        } else {
            RecurrentOutput r = lstm.forward(inputs, carried);
            carried = r.state().detach();
            logits = r.output();
        }
        int n = inputs.numel();
        return StepOutput.of(Functional.crossEntropy(logits.reshape(n, vocab.size()), targets.reshape(n)), n);
    }

    @Override
    public Map<String, Double> validate() {
        return Map.of("loss", gpt != null ? gpt.meanLoss(valIds, EVAL_STREAMS) : evaluate(lstm, valData, vocab.size()));
    }

    /**
     * Mean loss per character over the whole validation split, its streams walked like the training ones with
     * the state carried from window to window (and dropout off), so the model is scored with its full context.
     */
    static double evaluate(CharLSTM model, StreamBatches valData, int vocabSize) {
        boolean wasTraining = model.isTraining();
        model.eval();
        double sum = 0;
        long count = 0;
        try (var ignored = GradMode.noGrad()) {
            RecurrentState state = null;
            for (int w = 0; w < valData.windows(); w++) {
                StreamBatches.Batch b = valData.window(w);
                RecurrentOutput r = model.forward(b.inputs(), state);
                int n = b.inputs().numel();
                sum += Functional.crossEntropy(r.output().reshape(n, vocabSize), b.targets().reshape(n), Reduction.SUM).item();
                count += n;
                state = r.state();
            }
        } finally {
            model.train(wasTraining);
        }
        return sum / count;
    }

    @Override
    public Map<String, String> modelMetadata() {
        Map<String, String> meta = new LinkedHashMap<>(gpt != null ? gpt.config().toMetadata() : lstm.config().toMetadata());
        meta.put("vocabulary", vocab.chars());
        return meta;
    }

    @Override
    public void saveState(TaskState state) {
        if (carried != null) {
            state.putTensor("lstm_h", carried.h());
            state.putTensor("lstm_c", carried.c());
        }
        if (windows != null) state.putGenerator("rng.data", windows.generator());
    }

    @Override
    public void loadState(TaskState state, long step) {
        if (windows != null) state.restoreGenerator("rng.data", windows.generator());
        Tensor h = state.tensor("lstm_h"), c = state.tensor("lstm_c");
        if (lstm != null && step % perEpoch != 0) {
            if (h == null || c == null) throw new IllegalArgumentException("--resume: the checkpoint stopped inside an epoch but has no LSTM state to continue from");
            carried = new RecurrentState(h, c);
        }
    }

    /**
     * The whole training or validation split as ids. CharCorpus hands out windows only; a window as long as
     * the split can start only at 0, so it is the split itself.
     */
    private static int[] split(CharCorpus corpus, boolean train) {
        int n = train ? corpus.trainLength() : corpus.validationLength();
        return corpus.windows(train, new Generator(0), 1, n).data();
    }

    /** Identifies the text by content, not path: the same text moved elsewhere resumes fine, an edited one does not. */
    private static String fingerprint(CharVocabulary vocab, int[] trainIds, int[] valIds) {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[4];
        for (int[] ids : new int[][] {trainIds, valIds}) {
            for (int id : ids) {
                buf[0] = (byte) id;
                buf[1] = (byte) (id >> 8);
                buf[2] = (byte) (id >> 16);
                buf[3] = (byte) (id >> 24);
                crc.update(buf);
            }
        }
        crc.update(vocab.chars().getBytes(StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "%d characters (crc32 %08x)", trainIds.length + valIds.length, crc.getValue());
    }

    /** The settings a resumed run must repeat (everything that changes the computation), by option name. */
    private Map<String, String> config(String textFingerprint) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("text", textFingerprint);
        c.put("emb", Integer.toString(o.emb));
        c.put("hidden", Integer.toString(o.hidden));
        c.put("layers", Integer.toString(o.layers));
        c.put("dropout", Double.toString(o.dropout));
        c.put("seq-len", Integer.toString(o.seqLen));
        c.put("batch", Integer.toString(o.batch));
        c.put("epochs", Integer.toString(o.epochs));
        c.put("max-steps", Integer.toString(o.maxSteps));
        c.put("optimizer", o.optimizerName);
        c.put("lr", Double.toString(o.lr));
        c.put("weight-decay", Double.toString(o.weightDecay));
        c.put("schedule", o.schedule);
        c.put("warmup", Integer.toString(o.warmup));
        c.put("min-lr-ratio", Double.toString(o.minLrRatio));
        c.put("clip", Double.toString(o.clip));
        c.put("seed", Long.toString(o.seed));
        if (o.isTransformer()) { // only then, so that LSTM checkpoints from before --model existed still resume
            c.put("model", o.modelName);
            c.put("heads", Integer.toString(o.heads));
        }
        return c;
    }
}
