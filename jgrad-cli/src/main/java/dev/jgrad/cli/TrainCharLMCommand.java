package dev.jgrad.cli;

import dev.jgrad.data.CharCorpus;
import dev.jgrad.data.CharVocabulary;
import dev.jgrad.data.RandomWindows;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.CharGPT;
import dev.jgrad.models.CharLSTM;
import dev.jgrad.tensor.Generator;
import dev.jgrad.train.FitResult;
import dev.jgrad.train.StopReason;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.TrainerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jgrad train charlm}: a character-level LSTM language model ({@link CharLSTM}) trained with
 * truncated backpropagation through time, as char-rnn does: the training text is cut into {@code --batch}
 * contiguous streams, walked in windows of {@code --seq-len} characters, and the LSTM state is carried
 * (detached) from one window to the next, so the model sees context beyond one window; it is reset at each
 * epoch. The last 10% of the text is the validation split, scored in nats per character over all of it.
 *
 * <p>The task is {@link CharLMTask}, trained by the {@link Trainer}: at each evaluation it writes a checkpoint
 * ({@link TrainingCheckpoint}: the model as model.safetensors, plus optimizer, scheduler, data position, LSTM state
 * and random generator) and a loss-curve PNG into {@code --out}; {@code --resume} continues from there exactly as if
 * never stopped.
 *
 * <p>{@code --model transformer} trains a decoder-only Transformer ({@link CharGPT}) instead, nanoGPT style:
 * each step takes {@code --batch} windows of {@code --seq-len} characters at random places of the training split
 * ({@link RandomWindows}; the window length is also the model's context, its block size), as nothing is carried
 * between windows; an epoch is then as many steps as cover the split's length once. --embed-dim is the model width,
 * --hidden the feed-forward size, --layers the number of blocks. Its validation loss counts every character once,
 * predicted from at least half a block of context ({@link CharGPT#meanLoss}).
 */
@Command(name = "charlm",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Trains a character-level language model (an LSTM, or a GPT-style Transformer) on a UTF-8 text.",
                "The LSTM (Embedding -> LSTM -> Linear) learns with truncated backpropagation through time on the text "
                + "(default: the shipped tiny-shakespeare). Writes a checkpoint and a loss curve to --out at each evaluation, "
                + "and prints generated text at the end.",
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

    @Option(names = "--embed-dim", paramLabel = "N", defaultValue = "64", description = "Character embedding size; transformer: the model width (default: ${DEFAULT-VALUE}).")
    int emb;

    @Option(names = "--hidden", paramLabel = "N", defaultValue = "256", description = "LSTM hidden size; transformer: the feed-forward size (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "2", description = "LSTM layers or Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", paramLabel = "N", defaultValue = "4", description = "Transformer only: attention heads, dividing --embed-dim (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0", description = "Dropout between LSTM layers and before the output layer (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--seq-len", paramLabel = "N", defaultValue = "64", description = "Characters per window of truncated backprop through time; transformer: per random window, its context length (default: ${DEFAULT-VALUE}).")
    int seqLen;

    @Option(names = "--batch", converter = PositiveInt.class, paramLabel = "N", defaultValue = "32", description = "Parallel streams, one per batch row; transformer: random windows per step (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1337", description = "Random seed: initial weights and dropout masks (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-every", defaultValue = "200", paramLabel = "STEPS", description = "Also evaluate and checkpoint every this many steps (0: only at the end of each epoch, which always is) (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--stop-at", defaultValue = "0", paramLabel = "STEP", description = "Checkpoint and stop at this step, to be continued with --resume; 0: run to the end (default: ${DEFAULT-VALUE}).")
    int stopAt;

    @Option(names = "--sample-length", paramLabel = "N", defaultValue = "500", description = "Characters to generate at the end; 0 for none (default: ${DEFAULT-VALUE}).")
    int sampleLength;

    @Mixin
    DataParallelOptions parallel;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        checkOptions();
        // Everything that can be wrong with the input is found before anything is written.
        Path textFile = text != null ? text : DefaultData.tinyShakespeare();
        CharCorpus corpus = CharCorpus.load(textFile, 1);
        CharVocabulary vocab = corpus.vocabulary();
        CharLMTask task = new CharLMTask(this, textFile, corpus);
        RunDirectory.checkStart(out, resume, overwrite, stopAt);
        parallel.checkResume(out, resume);
        task.createModel();
        TrainerOptions options = TrainerOptions.builder().runDirectory(out).resume(resume).overwrite(overwrite).epochs(epochs).maxSteps(maxSteps)
                .stopAt(stopAt).gradientClip(clip).evalEverySteps(evalEvery).checkpointEverySteps(parallel.checkpointEvery()).build();
        long perEpoch = task.stepsPerEpoch(), totalSteps = options.totalSteps(perEpoch);

        console.printf(Locale.ROOT, "data: %s, %,d training and %,d validation characters, vocabulary of %d%n",
                textFile, corpus.trainLength(), corpus.validationLength(), vocab.size());
        console.printf(Locale.ROOT, "model: %s, %,d parameters%n", task.summary(), task.model().numParameters());
        console.printf(Locale.ROOT, "training: %d %s of %d, %d steps per epoch, %d steps; %s lr %.1e (%s), clip %s%n",
                batch, isTransformer() ? "random windows" : "streams x windows", seqLen, perEpoch, totalSteps, optimizerName, lr, schedule,
                clip > 0 ? Double.toString(clip) : "off");
        console.flush();
        TrainingConsole progress = new TrainingConsole("train", "tokens", console)
                .onResume(p -> String.format(Locale.ROOT, "resuming at step %d (epoch %d, window %d of %d)", p.step(), p.step() / perEpoch + 1,
                        p.step() % perEpoch, perEpoch))
                .onEvaluation((p, e) -> String.format(Locale.ROOT, "step %d/%d (epoch %d, %s): validation %.4f nats/char, train %.4f; evaluated in %.1f s",
                        e.step(), totalSteps, (e.step() - 1) / perEpoch + 1, e.step() % perEpoch == 0 ? "end" : "window " + (e.step() % perEpoch) + "/" + perEpoch,
                        e.metric("loss"), p.losses().smoothed(), e.seconds()));
        Trainer trainer = new Trainer(options).strategy(parallel.strategy(new CharLMReplicas(DataParallelOptions.argsOf(spec), textFile.toAbsolutePath().toString())));
        FitResult r = trainer.addListener(progress).addListener(new LossPlot(plotTitle(task), "loss (nats/char)", "loss")).fit(task);

        if (r.interrupted()) {
            console.printf(Locale.ROOT, "stopped at step %d of %d as asked (--stop-at); checkpoint in %s, continue with --resume%n", r.step(), totalSteps, out);
            return 0;
        }
        if (r.reason() == StopReason.ALREADY_COMPLETE) console.println("the run in " + out + " is already complete (" + r.step() + " steps)");
        if (r.last() != null) {
            console.printf(Locale.ROOT, "validation loss: %.4f nats/char after %d steps (%s this session; a uniform guess scores %.3f)%n",
                    (float) r.last().metric("loss"), r.step(), ConsoleFormat.duration(r.seconds()), Math.log(vocab.size()));
        }
        console.println("checkpoint: " + out.resolve(TrainingCheckpoint.MODEL_FILE) + ", loss curve: " + out.resolve(LossPlot.FILE));
        if (sampleLength > 0) {
            String prompt = vocab.chars().contains("\n") ? "\n" : vocab.chars().substring(0, vocab.chars().offsetByCodePoints(0, 1));
            CharLSTM.Sampling sampling = new CharLSTM.Sampling(0.8, 0);
            int[] ids = task.gpt() != null ? task.gpt().generate(vocab.encode(prompt), sampleLength, sampling, new Generator(seed + 2))
                    : task.lstm().generate(vocab.encode(prompt), sampleLength, sampling, new Generator(seed + 2));
            console.println("sample (temperature 0.8; more with: jgrad sample --checkpoint " + out + "):");
            console.println("----");
            console.println((prompt.equals("\n") ? "" : prompt) + vocab.decode(ids));
            console.println("----");
        }
        console.flush();
        return 0;
    }

    private String plotTitle(CharLMTask task) {
        String data = text != null ? text.getFileName().toString() : "tiny-shakespeare";
        if (task.gpt() != null) {
            CharGPT.Config g = task.gpt().config();
            return String.format(Locale.ROOT, "CharGPT on %s: emb %d, ff %d, %d blocks x %d heads, dropout %s; batch %d x %d, lr %s",
                    data, g.embedDim(), g.feedforwardDim(), g.numLayers(), g.numHeads(), g.dropout(), batch, seqLen, lr);
        }
        CharLSTM.Config c = task.lstm().config();
        return String.format(Locale.ROOT, "CharLSTM on %s: emb %d, hidden %d, %d layers, dropout %s; batch %d x %d, lr %s",
                data, c.embedDim(), c.hiddenSize(), c.numLayers(), c.dropout(), batch, seqLen, lr);
    }

    private void checkOptions() {
        requirePositive("--embed-dim", emb);
        requirePositive("--hidden", hidden);
        requirePositive("--layers", layers);
        requirePositive("--heads", heads);
        if (!modelName.equals("lstm") && !modelName.equals("transformer")) {
            throw new IllegalArgumentException("--model must be lstm or transformer, got '" + modelName + "'");
        }
        if (isTransformer() && emb % heads != 0) {
            throw new IllegalArgumentException("--embed-dim " + emb + " must be divisible by --heads " + heads + " (each head gets emb / heads dimensions)");
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
    }

    boolean isTransformer() {
        return modelName.equals("transformer");
    }

    private static void requirePositive(String option, int value) {
        if (value < 1) throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
}
