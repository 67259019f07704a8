package dev.jgrad.cli;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.CharCorpus;
import dev.jgrad.data.CharVocabulary;
import dev.jgrad.data.RandomWindows;
import dev.jgrad.data.StreamBatches;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.CharGPT;
import dev.jgrad.models.CharLSTM;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.RecurrentOutput;
import dev.jgrad.nn.RecurrentState;
import dev.jgrad.nn.Reduction;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.AdamW;
import dev.jgrad.optim.ClipGrad;
import dev.jgrad.optim.LambdaLR;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.plot.LinePlot;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntToDoubleFunction;
import java.util.zip.CRC32;

/**
 * {@code jgrad train charlm}: a character-level LSTM language model ({@link CharLSTM}) trained with
 * truncated backpropagation through time, as char-rnn does: the training text is cut into {@code --batch}
 * contiguous streams, walked in windows of {@code --seq-len} characters, and the LSTM state is carried
 * (detached) from one window to the next, so the model sees context beyond one window; it is reset at each
 * epoch. The last 10% of the text is the validation split, scored in nats per character over all of it.
 *
 * <p>At each evaluation the run writes a checkpoint ({@link TrainingCheckpoint}: the model as
 * model.safetensors, plus optimizer, scheduler, data position, LSTM state and random generator) and a
 * loss-curve PNG into {@code --out}; {@code --resume} continues from there exactly as if never stopped.
 *
 * <p>{@code --model transformer} trains a decoder-only Transformer ({@link CharGPT}) instead, nanoGPT style:
 * each step takes {@code --batch} windows of {@code --seq-len} characters at random places of the training split
 * ({@link RandomWindows}; the window length is also the model's context, its block size), as nothing is carried
 * between windows; an epoch is then as many steps as cover the split's length once. --emb is the model width,
 * --hidden the feed-forward size, --layers the number of blocks. Its validation loss counts every character once,
 * predicted from at least half a block of context ({@link CharGPT#meanLoss}).
 */
@Command(name = "charlm",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Trains a character-level LSTM language model (Embedding -> LSTM -> Linear) on a UTF-8 text "
                + "(default: the shipped tiny-shakespeare) with truncated backpropagation through time. Writes a checkpoint and a "
                + "loss curve to --out at each evaluation, and prints generated text at the end.",
                "With --model transformer: a GPT-style decoder-only Transformer trained on random windows of --seq-len characters.",
                "Continue a stopped run with --resume; generate more text with 'jgrad sample'."})
final class TrainCharLMCommand implements Callable<Integer> {

    @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 training text; its last 10%% is the validation split (default: the shipped tiny-shakespeare).")
    Path text;

    @Option(names = "--out", defaultValue = "runs/charlm", paramLabel = "DIR", description = "Checkpoint directory: model.safetensors, training.safetensors, loss.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume", description = "Continue the run whose checkpoint is in --out, exactly where it stopped (same options required).")
    boolean resume;

    @Option(names = "--overwrite", description = "Start a new run even if --out already holds a checkpoint (which is then replaced).")
    boolean overwrite;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "lstm", description = "lstm (CharLSTM) or transformer (CharGPT, decoder-only) (default: ${DEFAULT-VALUE}).")
    String modelName;

    @Option(names = "--emb", paramLabel = "N", defaultValue = "64", description = "Character embedding size; transformer: the model width (default: ${DEFAULT-VALUE}).")
    int emb;

    @Option(names = "--hidden", paramLabel = "N", defaultValue = "256", description = "LSTM hidden size; transformer: the feed-forward size (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "2", description = "LSTM layers or Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", paramLabel = "N", defaultValue = "4", description = "Transformer only: attention heads, dividing --emb (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0", description = "Dropout between LSTM layers and before the output layer (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--seq-len", paramLabel = "N", defaultValue = "64", description = "Characters per window of truncated backprop through time; transformer: per random window, its context length (default: ${DEFAULT-VALUE}).")
    int seqLen;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "Parallel streams, one per batch row; transformer: random windows per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "2", description = "Passes over the training split (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "0", description = "Stop the run (and end the schedule) after this many steps; 0: no limit (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam", description = "adam or adamw (default: ${DEFAULT-VALUE}).")
    String optimizerName;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "3e-3", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0", description = "Weight decay: decoupled for adamw, an L2 term for adam (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "cosine", description = "cosine (linear warm-up, then cosine decay to --min-lr-ratio x --lr) or constant (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--warmup", paramLabel = "STEPS", defaultValue = "20", description = "Warm-up steps of the cosine schedule (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--min-lr-ratio", paramLabel = "R", defaultValue = "0.1", description = "Final learning rate of the cosine schedule, as a fraction of --lr (default: ${DEFAULT-VALUE}).")
    double minLrRatio;

    @Option(names = "--clip", paramLabel = "NORM", defaultValue = "1.0", description = "Maximum global gradient norm; 0 disables clipping (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1337", description = "Random seed: initial weights and dropout masks (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-every", defaultValue = "200", paramLabel = "STEPS", description = "Also evaluate and checkpoint every this many steps (0: only at the end of each epoch, which always is) (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--stop-at", defaultValue = "0", paramLabel = "STEP", description = "Checkpoint and stop at this step, to be continued with --resume; 0: run to the end (default: ${DEFAULT-VALUE}).")
    int stopAt;

    @Option(names = "--sample-length", paramLabel = "N", defaultValue = "500", description = "Characters to generate at the end; 0 for none (default: ${DEFAULT-VALUE}).")
    int sampleLength;

    @Spec
    CommandSpec spec;

    /** Validation runs over this many parallel streams (fewer for a tiny text), whatever --batch is, so runs compare. */
    static final int EVAL_STREAMS = 32;
    static final int EVAL_WINDOW = 256;
    /** Smoothing of the training loss in the progress bar and the plot. */
    static final double EMA = 0.98;

    // The run's mutable state: what a checkpoint saves. model is lstm or gpt, whichever --model asks for.
    private Module model;
    private CharLSTM lstm;
    private CharGPT gpt;
    private RandomWindows windows; // the transformer's training batches
    private int[] gptValIds;
    private Optimizer<?, ?> optimizer;
    private LambdaLR scheduler;
    private long step;
    private RecurrentState carried;
    private final List<Float> trainLosses = new ArrayList<>();
    private final List<float[]> validations = new ArrayList<>(); // {step, loss}

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        checkOptions();
        // Everything that can be wrong with the input is found before anything is written.
        Path textFile = text != null ? text : TrainDemoCommand.defaultText();
        CharCorpus corpus = CharCorpus.load(textFile, 1);
        CharVocabulary vocab = corpus.vocabulary();
        int[] trainIds = split(corpus, true), valIds = split(corpus, false);
        StreamBatches trainData = null, valData = null;
        int perEpoch;
        if (isTransformer()) {
            windows = new RandomWindows(trainIds, batch, seqLen, new Generator(seed + 3), "training split of " + textFile + " (first 90%)");
            gptValIds = valIds;
            perEpoch = (int) Math.max(1, trainIds.length / ((long) batch * seqLen));
        } else {
            trainData = new StreamBatches(trainIds, batch, seqLen, "training split of " + textFile + " (first 90%)");
            valData = new StreamBatches(valIds, Math.min(EVAL_STREAMS, valIds.length - 1), EVAL_WINDOW,
                    "validation split of " + textFile + " (last 10%)");
            perEpoch = trainData.windows();
        }
        long totalSteps = (long) epochs * perEpoch;
        if (maxSteps > 0) totalSteps = Math.min(totalSteps, maxSteps);
        Map<String, String> config = config(fingerprint(vocab, trainIds, valIds));

        if (resume && !TrainingCheckpoint.exists(out)) {
            throw new IllegalArgumentException("--resume: no checkpoint in " + out + " (" + out.resolve(TrainingCheckpoint.TRAINING_FILE)
                    + " does not exist); run without --resume to start, or point --out at the run to continue");
        }
        if (!resume && TrainingCheckpoint.exists(out) && !overwrite) {
            throw new IllegalArgumentException(out + " already holds a checkpoint; continue it with --resume, replace it with --overwrite, "
                    + "or choose another --out");
        }
        try (AutoCloseable ignored = TrainingCheckpoint.lock(out)) {
            return run(textFile, vocab, trainIds, valIds, trainData, valData, perEpoch, totalSteps, config, console);
        }
    }

    private int run(Path textFile, CharVocabulary vocab, int[] trainIds, int[] valIds, StreamBatches trainData, StreamBatches valData,
                    int perEpoch, long totalSteps, Map<String, String> config, PrintWriter console) throws IOException {
        TrainingCheckpoint checkpoint = null;
        if (resume) {
            checkpoint = TrainingCheckpoint.load(out);
            try {
                checkpoint.requireSameConfig(config);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--resume: " + out + ": " + e.getMessage()
                        + "; resume with the checkpoint's settings, or start a new run with another --out");
            }
        }
        removeStalePlots();

        Generator.manualSeed(seed + 1); // dropout masks come from the default generator
        if (isTransformer()) model = gpt = new CharGPT(new CharGPT.Config(vocab.size(), seqLen, emb, heads, layers, hidden, dropout), new Generator(seed));
        else model = lstm = new CharLSTM(new CharLSTM.Config(vocab.size(), emb, hidden, layers, dropout), new Generator(seed));
        optimizer = "adamw".equals(optimizerName)
                ? new AdamW(model.parameters(), AdamW.options(lr).withWeightDecay(weightDecay))
                : new Adam(model.parameters(), Adam.options(lr).withWeightDecay(weightDecay));
        scheduler = new LambdaLR(optimizer, lrFactor(totalSteps));
        if (checkpoint != null) {
            restore(checkpoint, perEpoch);
            if (stopAt > 0 && stopAt <= step) {
                throw new IllegalArgumentException("--stop-at " + stopAt + " is not after the checkpoint's step " + step
                        + "; drop --stop-at to run to the end, or give a later step");
            }
        }

        console.printf(Locale.ROOT, "data: %s, %,d training and %,d validation characters, vocabulary of %d%n",
                textFile, trainIds.length, valIds.length, vocab.size());
        console.printf(Locale.ROOT, "model: %s, %,d parameters%n", gpt != null ? gpt.summary() : lstm.summary(), model.numParameters());
        console.printf(Locale.ROOT, "training: %d %s of %d, %d steps per epoch, %d steps; %s lr %.1e (%s), clip %s%n",
                batch, gpt != null ? "random windows" : "streams x windows", seqLen, perEpoch, totalSteps, optimizerName, lr, schedule,
                clip > 0 ? Double.toString(clip) : "off");
        if (checkpoint != null) {
            console.printf(Locale.ROOT, "resuming at step %d (epoch %d, window %d of %d)%n", step, step / perEpoch + 1, step % perEpoch, perEpoch);
        }
        console.flush();

        long start = System.nanoTime();
        boolean stopped = train(trainData, valData, totalSteps, perEpoch, vocab, config, console);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (stopped) {
            console.printf(Locale.ROOT, "stopped at step %d of %d as asked (--stop-at); checkpoint in %s, continue with --resume%n", step, totalSteps, out);
            return 0;
        }
        float[] last = validations.isEmpty() ? null : validations.getLast();
        if (last != null) {
            console.printf(Locale.ROOT, "validation loss: %.4f nats/char after %d steps (%s this session; a uniform guess scores %.3f)%n",
                    last[1], step, ProgressBar.formatDuration(seconds), Math.log(vocab.size()));
        }
        console.println("checkpoint: " + out.resolve(TrainingCheckpoint.MODEL_FILE) + ", loss curve: " + out.resolve("loss.png"));
        if (sampleLength > 0) {
            String prompt = vocab.chars().contains("\n") ? "\n" : vocab.chars().substring(0, vocab.chars().offsetByCodePoints(0, 1));
            CharLSTM.Sampling sampling = new CharLSTM.Sampling(0.8, 0);
            int[] ids = gpt != null ? gpt.generate(vocab.encode(prompt), sampleLength, sampling, new Generator(seed + 2))
                    : lstm.generate(vocab.encode(prompt), sampleLength, sampling, new Generator(seed + 2));
            console.println("sample (temperature 0.8; more with: jgrad sample --checkpoint " + out + "):");
            console.println("----");
            console.println((prompt.equals("\n") ? "" : prompt) + vocab.decode(ids));
            console.println("----");
        }
        console.flush();
        return 0;
    }

    private void checkOptions() {
        requirePositive("--emb", emb);
        requirePositive("--hidden", hidden);
        requirePositive("--layers", layers);
        requirePositive("--heads", heads);
        if (!modelName.equals("lstm") && !modelName.equals("transformer")) {
            throw new IllegalArgumentException("--model must be lstm or transformer, got '" + modelName + "'");
        }
        if (isTransformer() && emb % heads != 0) {
            throw new IllegalArgumentException("--emb " + emb + " must be divisible by --heads " + heads + " (each head gets emb / heads dimensions)");
        }
        requirePositive("--seq-len", seqLen);
        requirePositive("--batch", batch);
        requirePositive("--epochs", epochs);
        if (maxSteps < 0) throw new IllegalArgumentException("--max-steps must be >= 0 (0: no limit), got " + maxSteps);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("--dropout must be in [0, 1), got " + dropout);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        if (!optimizerName.equals("adam") && !optimizerName.equals("adamw")) {
            throw new IllegalArgumentException("--optimizer must be adam or adamw, got '" + optimizerName + "'");
        }
        if (!schedule.equals("cosine") && !schedule.equals("constant")) {
            throw new IllegalArgumentException("--schedule must be cosine or constant, got '" + schedule + "'");
        }
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) throw new IllegalArgumentException("--min-lr-ratio must be in [0, 1], got " + minLrRatio);
        if (!(clip >= 0)) throw new IllegalArgumentException("--clip must be >= 0 (0: no clipping), got " + clip);
        if (evalEvery < 0) throw new IllegalArgumentException("--eval-every must be >= 0, got " + evalEvery);
        if (stopAt < 0) throw new IllegalArgumentException("--stop-at must be >= 0, got " + stopAt);
        if (sampleLength < 0) throw new IllegalArgumentException("--sample-length must be >= 0, got " + sampleLength);
        if (resume && overwrite) throw new IllegalArgumentException("--resume and --overwrite contradict each other: choose one");
    }

    private boolean isTransformer() {
        return modelName.equals("transformer");
    }

    private static void requirePositive(String option, int value) {
        if (value < 1) throw new IllegalArgumentException(option + " must be positive, got " + value);
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
        crc.update(vocab.chars().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "%d characters (crc32 %08x)", trainIds.length + valIds.length, crc.getValue());
    }

    /** The settings a resumed run must repeat (everything that changes the computation), by option name. */
    private Map<String, String> config(String textFingerprint) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("text", textFingerprint);
        c.put("emb", Integer.toString(emb));
        c.put("hidden", Integer.toString(hidden));
        c.put("layers", Integer.toString(layers));
        c.put("dropout", Double.toString(dropout));
        c.put("seq-len", Integer.toString(seqLen));
        c.put("batch", Integer.toString(batch));
        c.put("epochs", Integer.toString(epochs));
        c.put("max-steps", Integer.toString(maxSteps));
        c.put("optimizer", optimizerName);
        c.put("lr", Double.toString(lr));
        c.put("weight-decay", Double.toString(weightDecay));
        c.put("schedule", schedule);
        c.put("warmup", Integer.toString(warmup));
        c.put("min-lr-ratio", Double.toString(minLrRatio));
        c.put("clip", Double.toString(clip));
        c.put("seed", Long.toString(seed));
        if (isTransformer()) { // only then, so that LSTM checkpoints from before --model existed still resume
            c.put("model", modelName);
            c.put("heads", Integer.toString(heads));
        }
        return c;
    }

    /** Learning-rate factor for the step after {@code done} steps: linear warm-up, then cosine decay (or constant). */
    private IntToDoubleFunction lrFactor(long totalSteps) {
        if (schedule.equals("constant")) return done -> 1.0;
        int w = (int) Math.min(warmup, Math.max(0, totalSteps - 1));
        return done -> {
            if (done < w) return (done + 1.0) / w;
            double progress = Math.min(1.0, (done - w) / (double) Math.max(1, totalSteps - w));
            return minLrRatio + (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }

    // ---------------------------------------------------------------- training

    /** Trains until the last step (false) or --stop-at (true). */
    private boolean train(StreamBatches data, StreamBatches valData, long totalSteps, int perEpoch, CharVocabulary vocab,
                          Map<String, String> config, PrintWriter console) throws IOException {
        if (step >= totalSteps) {
            console.println("the run in " + out + " is already complete (" + step + " steps)");
            return false;
        }
        // The smoothed loss as a running, bias-corrected average: ema / weight.
        double ema = 0, weight = 0;
        for (float l : trainLosses) {
            ema = EMA * ema + (1 - EMA) * l;
            weight = EMA * weight + (1 - EMA);
        }
        int vocabSize = vocab.size();
        try (ProgressBar bar = new ProgressBar("train", totalSteps - step, "tokens")) {
            model.train();
            while (step < totalSteps) {
                int window = (int) (step % perEpoch);
                if (window == 0) carried = null; // each epoch starts from a zero state
                StreamBatches.Batch b = gpt != null ? windows.next() : data.window(window);
                optimizer.zeroGrad();
                Tensor logits;
                if (gpt != null) {
                    logits = gpt.forward(b.inputs());
                } else {
                    RecurrentOutput r = lstm.forward(b.inputs(), carried);
                    carried = r.state().detach();
                    logits = r.output();
                }
                int n = b.inputs().numel();
                Tensor loss = Functional.crossEntropy(logits.reshape(n, vocabSize), b.targets().reshape(n));
                loss.backward();
                // The norm before clipping: a run whose norms keep growing is about to diverge.
                double gradNorm = clip > 0 ? ClipGrad.clipGradNorm(model.parameters(), clip) : gradNorm(model.parameters());
                double lrUsed = optimizer.paramGroups().getFirst().lr();
                optimizer.step();
                scheduler.step();
                step++;
                float l = loss.item();
                trainLosses.add(l);
                ema = EMA * ema + (1 - EMA) * l;
                weight = EMA * weight + (1 - EMA);
                double smoothed = ema / weight;
                bar.metric("loss", smoothed);
                bar.metric("gnorm", gradNorm);
                bar.metric("lr", lrUsed);
                bar.step(n);

                boolean epochEnd = step % perEpoch == 0;
                if (epochEnd || (evalEvery > 0 && step % evalEvery == 0) || step == totalSteps) {
                    long t0 = System.nanoTime();
                    double val = evaluate(valData, vocabSize);
                    validations.add(new float[] {step, (float) val});
                    save(vocab, config);
                    plot();
                    bar.message(String.format(Locale.ROOT, "step %d/%d (epoch %d, %s): validation %.4f nats/char, train %.4f; evaluated and saved in %.1f s",
                            step, totalSteps, (step - 1) / perEpoch + 1, epochEnd ? "end" : "window " + (step % perEpoch) + "/" + perEpoch,
                            val, smoothed, (System.nanoTime() - t0) / 1e9));
                } else if (stopAt > 0 && step >= stopAt) {
                    save(vocab, config);
                }
                if (stopAt > 0 && step >= stopAt && step < totalSteps) return true;
            }
        }
        return false;
    }

    /** The global 2-norm of all gradients (what clipping would measure). */
    private static double gradNorm(List<? extends Tensor> params) {
        double sum = 0;
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            for (float g : p.grad().toArray()) sum += (double) g * g;
        }
        return Math.sqrt(sum);
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

    private double evaluate(StreamBatches valData, int vocabSize) {
        return gpt != null ? gpt.meanLoss(gptValIds, EVAL_STREAMS) : evaluate(lstm, valData, vocabSize);
    }

    // ---------------------------------------------------------------- checkpoints

    private void save(CharVocabulary vocab, Map<String, String> config) throws IOException {
        Map<String, String> modelMeta = new LinkedHashMap<>(gpt != null ? gpt.config().toMetadata() : lstm.config().toMetadata());
        modelMeta.put("vocabulary", vocab.chars());
        modelMeta.put("step", Long.toString(step));

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        float[] losses = new float[trainLosses.size()];
        for (int i = 0; i < losses.length; i++) losses[i] = trainLosses.get(i);
        tensors.put("train_loss", Tensor.of(losses, losses.length));
        float[] val = new float[validations.size() * 2];
        for (int i = 0; i < validations.size(); i++) {
            val[2 * i] = validations.get(i)[0];
            val[2 * i + 1] = validations.get(i)[1];
        }
        tensors.put("validation", Tensor.of(val, validations.size(), 2));
        if (carried != null) {
            tensors.put("lstm_h", carried.h());
            tensors.put("lstm_c", carried.c());
        }
        Map<String, String> progress = new LinkedHashMap<>();
        progress.put("step", Long.toString(step));
        progress.put("rng.default", TrainingCheckpoint.generatorState(Generator.defaultGenerator()));
        if (windows != null) progress.put("rng.data", TrainingCheckpoint.generatorState(windows.generator()));
        new TrainingCheckpoint(model.stateDict(), modelMeta, optimizer.stateDict(), scheduler.stateDict(), tensors, progress, config).save(out);
    }

    private void restore(TrainingCheckpoint c, int perEpoch) {
        try {
            model.loadStateDict(c.model());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--resume: " + out.resolve(TrainingCheckpoint.MODEL_FILE) + " does not fit the model: " + e.getMessage());
        }
        optimizer.loadStateDict(c.optimizer());
        scheduler.loadStateDict(c.scheduler());
        step = c.progressLong("step");
        c.restoreGenerator("rng.default", Generator.defaultGenerator());
        if (windows != null) c.restoreGenerator("rng.data", windows.generator());
        Tensor losses = c.tensors().get("train_loss"), val = c.tensors().get("validation");
        if (losses == null || val == null || losses.numel() != step) {
            throw new IllegalArgumentException("--resume: " + out.resolve(TrainingCheckpoint.TRAINING_FILE) + " has no loss history for its " + step + " steps");
        }
        for (float l : losses.toArray()) trainLosses.add(l);
        float[] v = val.toArray();
        for (int i = 0; i + 1 < v.length; i += 2) validations.add(new float[] {v[i], v[i + 1]});
        Tensor h = c.tensors().get("lstm_h"), cell = c.tensors().get("lstm_c");
        if (lstm != null && step % perEpoch != 0) {
            if (h == null || cell == null) {
                throw new IllegalArgumentException("--resume: " + out.resolve(TrainingCheckpoint.TRAINING_FILE)
                        + " stopped inside an epoch but has no LSTM state to continue from");
            }
            carried = new RecurrentState(h, cell);
        }
    }

    /** LinePlot's temporaries from a process killed while it wrote loss.png. */
    private void removeStalePlots() throws IOException {
        try (var files = Files.newDirectoryStream(out, ".loss.png*.tmp")) {
            for (Path f : files) Files.deleteIfExists(f);
        }
    }

    /** loss.png: the smoothed training loss at every step and the validation loss at each evaluation. */
    private void plot() throws IOException {
        double[] y = smoothed(trainLosses);
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        double[] vx = new double[validations.size()], vy = new double[validations.size()];
        for (int i = 0; i < vx.length; i++) {
            vx[i] = validations.get(i)[0];
            vy[i] = validations.get(i)[1];
        }
        String title;
        if (gpt != null) {
            CharGPT.Config g = gpt.config();
            title = String.format(Locale.ROOT, "CharGPT on %s: emb %d, ff %d, %d blocks x %d heads, dropout %s; batch %d x %d, lr %s",
                    text != null ? text.getFileName() : "tiny-shakespeare", g.embedDim(), g.feedforwardDim(), g.numLayers(), g.numHeads(), g.dropout(),
                    batch, seqLen, lr);
        } else {
            CharLSTM.Config c = lstm.config();
            title = String.format(Locale.ROOT, "CharLSTM on %s: emb %d, hidden %d, %d layers, dropout %s; batch %d x %d, lr %s",
                    text != null ? text.getFileName() : "tiny-shakespeare", c.embedDim(), c.hiddenSize(), c.numLayers(), c.dropout(), batch, seqLen, lr);
        }
        new LinePlot(title, "step", "loss (nats/char)")
                .add("train (smoothed)", x, y)
                .add("validation", vx, vy)
                .savePng(out.resolve("loss.png"));
    }
}
