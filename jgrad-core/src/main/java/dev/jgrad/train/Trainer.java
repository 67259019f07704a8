package dev.jgrad.train;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.optim.LRScheduler;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training loop, once for every model (the shape of PyTorch Lightning's Trainer): a {@link TrainingTask} says
 * what to train, {@link TrainerOptions} how long and with which checkpoints, and {@link TrainingListener}s watch.
 * <pre>{@code
 * FitResult r = new Trainer(TrainerOptions.builder().runDirectory(dir).epochs(2).gradientClip(1.0).build())
 *         .addListener(myProgressBar)
 *         .fit(task);
 * }</pre>
 *
 * <p>Each step: clear the gradients, {@link TrainingTask#trainingStep}, {@code backward()}, clip the gradients' global
 * 2-norm (or only measure it), refuse a non-finite loss or norm ({@link TrainingDivergedException}, before the optimizer
 * applies anything and without saving), step the optimizer and the schedule, record the loss. Then, as the options
 * say, evaluate ({@link TrainingTask#validate}), keep the best model, stop early, and checkpoint.
 *
 * <p><b>The run directory.</b> A fit claims it for itself ({@link TrainingCheckpoint#lock}), so a second run on the
 * same directory fails at once. Checkpoints are {@link TrainingCheckpoint}s, so a kill at any moment leaves the previous
 * checkpoint or the new one, complete; best.safetensors and epoch-NNN.safetensors are written (each atomically)
 * before the checkpoint that records them. A resumed run checks every setting against the checkpoint
 * ({@link TrainingTask#checkCheckpoint}) and continues bit for bit as if never stopped: the trainer restores the
 * model, optimizer, schedule, default generator, loss history and evaluations, the task the rest
 * ({@link TrainingTask#loadState}).
 */
public final class Trainer {
    // The trainer's own entries in a checkpoint's training state.
    static final String STEP = "step", DEFAULT_RNG = "rng.default", LOSSES = "train_loss", EVALUATIONS = "validation",
            EVALUATION_COLUMNS = "validation.columns";
    /** Written at each evaluation that improves the monitored metric. */
    public static final String BEST_FILE = "best.safetensors";

    private final TrainerOptions options;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private TrainingStrategy strategy = new LocalStrategy();

    /**
     * A trainer that runs with {@code options}.
     *
     * @param options the run's length, checkpoints and evaluations
     * @throws IllegalArgumentException if {@code options} is null
     */
    public Trainer(TrainerOptions options) {
        if (options == null) throw new IllegalArgumentException("Trainer: options must not be null");
        this.options = options;
    }

    /**
     * Trains {@code task} with {@code options}, reporting to {@code listeners} in order; see {@link #fit(TrainingTask)}.
     *
     * @param task      what to train
     * @param options   how long, and where and when to checkpoint
     * @param listeners callbacks, called in this order
     * @return how the fit ended
     * @throws IOException if reading or writing the run directory fails
     */
    public static FitResult fit(TrainingTask task, TrainerOptions options, TrainingListener... listeners) throws IOException {
        Trainer t = new Trainer(options);
        for (TrainingListener l : listeners) t.addListener(l);
        return t.fit(task);
    }

    /**
     * Adds a listener, called after those added before it.
     *
     * @param listener the callback to add, not null
     * @return this trainer, for chaining
     */
    public Trainer addListener(TrainingListener listener) {
        if (listener == null) throw new IllegalArgumentException("Trainer: listener must not be null");
        listeners.add(listener);
        return this;
    }

    /**
     * Takes the steps with {@code strategy} (a data-parallel one, say) instead of {@link LocalStrategy}, which takes
     * each step in this process.
     *
     * @param strategy how the steps are taken
     * @return this trainer
     */
    public Trainer strategy(TrainingStrategy strategy) {
        if (strategy == null) throw new IllegalArgumentException("Trainer: strategy must not be null");
        this.strategy = strategy;
        return this;
    }

    /**
     * The options this trainer runs with.
     *
     * @return the options given to the constructor
     */
    public TrainerOptions options() {
        return options;
    }

    /**
     * Trains {@code task} to the end of the run, to a stop the options ask for, or to early stopping.
     *
     * @param task what to train: the model, its optimizer, its steps and validation
     * @return how the fit ended: why, after how many steps, the last and best evaluations, the losses
     * @throws IOException               if reading or writing the run directory fails
     * @throws TrainingDivergedException when a loss or gradient norm is not finite
     * @throws IllegalStateException     when the run directory is in use by another run
     * @throws IllegalArgumentException  when a checkpoint is missing, or there already is one, or it does not fit
     */
    public FitResult fit(TrainingTask task) throws IOException {
        if (task == null) throw new IllegalArgumentException("Trainer.fit: task must not be null");
        Path dir = options.runDirectory();
        if (dir == null) return run(task, null);
        if (options.resume() && !TrainingCheckpoint.exists(dir)) {
            throw new IllegalArgumentException("cannot resume: no checkpoint in " + dir + " (" + dir.resolve(TrainingCheckpoint.TRAINING_FILE)
                    + " does not exist)");
        }
        if (!options.resume() && !options.overwrite() && TrainingCheckpoint.exists(dir)) {
            throw new IllegalArgumentException(dir + " already holds a checkpoint; resume it, overwrite it, or choose another run directory");
        }
        AutoCloseable lock = TrainingCheckpoint.lock(dir);
        try {
            return run(task, dir);
        } finally {
            try {
                lock.close();
            } catch (Exception e) {
                // The operating system releases the lock with the process anyway.
            }
        }
    }

    private FitResult run(TrainingTask task, Path dir) throws IOException {
        long perEpoch = task.stepsPerEpoch();
        if (perEpoch < 1) throw new IllegalArgumentException("Trainer: the task has " + perEpoch + " steps per epoch; it needs at least 1");
        long total = options.totalSteps(perEpoch);
        TrainingProgress progress = new TrainingProgress(options, perEpoch, total);
        TrainingCheckpoint checkpoint = null;
        if (options.resume()) {
            checkpoint = TrainingCheckpoint.load(dir);
            try {
                task.checkCheckpoint(checkpoint);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot resume the run in " + dir + ": " + e.getMessage()
                        + "; resume with the checkpoint's settings, or start a new run in another directory", e);
            }
        }
        Optimization optimization = task.configureOptimizers(total);
        if (optimization == null) throw new IllegalArgumentException("Trainer: configureOptimizers returned null");
        try (TrainingStrategy s = strategy) {
            s.setup(task, optimization, options, total);
            return fit(task, optimization, checkpoint, progress, dir);
        }
    }

    private FitResult fit(TrainingTask task, Optimization optimization, TrainingCheckpoint checkpoint, TrainingProgress progress, Path dir)
            throws IOException {
        long total = progress.totalSteps();
        if (checkpoint != null) {
            restore(checkpoint, task, optimization, progress, dir);
            if (options.stopAt() > 0 && options.stopAt() <= progress.step) {
                throw new IllegalArgumentException("stopAt " + options.stopAt() + " is not after the checkpoint's step " + progress.step);
            }
        }
        long started = System.nanoTime();
        try {
            for (TrainingListener l : listeners) l.onFitStart(progress);
            FitResult result = progress.step >= total
                    ? result(StopReason.ALREADY_COMPLETE, progress, started)
                    : loop(task, optimization, progress, dir, started);
            for (TrainingListener l : listeners) l.onFitEnd(progress, result);
            return result;
        } catch (IOException | RuntimeException | Error e) {
            for (TrainingListener l : listeners) {
                try {
                    l.onException(progress, e);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private FitResult loop(TrainingTask task, Optimization optimization, TrainingProgress progress, Path dir, long started) throws IOException {
        long total = progress.totalSteps(), perEpoch = progress.stepsPerEpoch();
        long deadline = options.timeLimit() == null ? Long.MAX_VALUE : started + options.timeLimit().toNanos();
        int sinceBest = evaluationsSinceBest(progress);
        task.trainMode();
        while (progress.step < total) {
            if (progress.step % perEpoch == 0) {
                long epoch = progress.step / perEpoch;
                task.onEpochStart(epoch);
                for (TrainingListener l : listeners) l.onEpochStart(progress, epoch);
            }
            List<StepOutcome> round;
            try {
                round = strategy.run(progress.step, roundLength(progress.step, total, perEpoch));
            } catch (TrainingDivergedException e) {
                throw diverged(e, progress, dir);
            }
            for (StepOutcome o : round) {
                progress.step++;
                progress.losses().add(o.loss());
                StepResult stepResult = new StepResult(progress.step, o.loss(), progress.losses().smoothed(), o.gradNorm(), o.lr(), o.units(), o.metrics());
                for (TrainingListener l : listeners) l.onStepEnd(progress, stepResult);
            }

            long step = progress.step;
            boolean last = step == total, epochEnd = step % perEpoch == 0;
            boolean evaluate = last || (options.evalEverySteps() > 0 && step % options.evalEverySteps() == 0)
                    || (epochEnd && options.evalEveryEpochs() > 0 && (step / perEpoch) % options.evalEveryEpochs() == 0);
            Evaluation evaluation = evaluate ? evaluate(task, progress) : null;
            if (evaluation != null) {
                sinceBest = evaluation.best() ? 0 : sinceBest + 1;
                for (TrainingListener l : listeners) l.onEvaluation(progress, evaluation);
            }
            StopReason stop = null;
            if (!last) {
                if (options.stopAt() > 0 && step >= options.stopAt()) stop = StopReason.STOP_AT;
                else if (System.nanoTime() - deadline > 0) stop = StopReason.TIME_LIMIT;
                else if (options.patience() > 0 && sinceBest >= options.patience()) stop = StopReason.EARLY_STOPPING;
            }
            boolean checkpointNow = evaluation != null || last || stop != null
                    || (options.checkpointEverySteps() > 0 && step % options.checkpointEverySteps() == 0);
            if (dir != null && checkpointNow) {
                saveModelFiles(task, progress, evaluation, dir, epochEnd || last);
                saveCheckpoint(task, optimization, progress, dir);
                for (TrainingListener l : listeners) l.onCheckpoint(progress, dir);
            }
            if (epochEnd) {
                for (TrainingListener l : listeners) l.onEpochEnd(progress, step / perEpoch - 1);
            }
            if (stop != null) return result(stop, progress, started);
        }
        return result(StopReason.COMPLETED, progress, started);
    }

    /**
     * The steps of the round starting at {@code step}: as many as the strategy takes at once, but ending where the run
     * needs the model (an evaluation, a checkpoint, a stop, an epoch's end), so rounds change nothing of when those happen.
     */
    private int roundLength(long step, long total, long perEpoch) {
        long end = Math.min(step + strategy.stepsPerRound(), total);
        end = Math.min(end, nextMultiple(step, perEpoch));
        if (options.evalEverySteps() > 0) end = Math.min(end, nextMultiple(step, options.evalEverySteps()));
        if (options.checkpointEverySteps() > 0) end = Math.min(end, nextMultiple(step, options.checkpointEverySteps()));
        if (options.stopAt() > step) end = Math.min(end, options.stopAt());
        return (int) (end - step);
    }

    /** The first multiple of {@code every} after {@code step}. */
    private static long nextMultiple(long step, long every) {
        return (step / every + 1) * every;
    }

    private FitResult result(StopReason reason, TrainingProgress progress, long started) {
        List<Evaluation> evals = progress.evaluations();
        return new FitResult(reason, progress.step, progress.step - progress.startStep, (System.nanoTime() - started) / 1e9,
                evals.isEmpty() ? null : evals.getLast(), progress.best(), progress.losses());
    }

    /** The strategy's divergence, with what the run directory still holds. */
    private TrainingDivergedException diverged(TrainingDivergedException e, TrainingProgress progress, Path dir) {
        String kept = dir == null ? "nothing was saved"
                : progress.lastCheckpointStep >= 0 ? "the checkpoint in " + dir + " (step " + progress.lastCheckpointStep + ") is the last good state"
                : "no checkpoint was written";
        return new TrainingDivergedException(e.step(), e.getMessage() + "; the run stopped before applying the step, " + kept
                + "; lower the learning rate or clip the gradients");
    }

    // ---------------------------------------------------------------- evaluation

    private Evaluation evaluate(TrainingTask task, TrainingProgress progress) {
        long t0 = System.nanoTime();
        Map<String, Double> metrics = task.validate();
        task.trainMode();
        if (metrics == null || metrics.isEmpty()) return null;
        List<Evaluation> before = progress.evaluations();
        if (!before.isEmpty() && !before.getFirst().metrics().keySet().equals(metrics.keySet())) {
            throw new IllegalStateException("Trainer: validate() returned the metrics " + metrics.keySet() + " after " + before.getFirst().metrics().keySet()
                    + " before; a task must return the same metrics every time");
        }
        Evaluation e = new Evaluation(progress.step, progress.epochsDone(), metrics, improves(metrics, progress.best()), (System.nanoTime() - t0) / 1e9);
        progress.addEvaluation(e);
        return e;
    }

    /**
     * Whether {@code metrics} beat {@code best} by the monitored metric (strictly; the first evaluation always does).
     * Compared in float32, as checkpoints keep them, so a resumed run decides exactly as an uninterrupted one.
     */
    private boolean improves(Map<String, Double> metrics, Evaluation best) {
        String m = options.monitor();
        if (m == null) return false;
        Double v = metrics.get(m);
        if (v == null) throw new IllegalArgumentException("Trainer: the monitored metric '" + m + "' is not among the task's metrics " + metrics.keySet());
        if (best == null) return true;
        float now = (float) v.doubleValue(), b = (float) best.metric(m);
        return options.goal() == TrainerOptions.Goal.MAXIMIZE ? now > b : now < b;
    }

    private int evaluationsSinceBest(TrainingProgress progress) {
        List<Evaluation> evals = progress.evaluations();
        int since = 0;
        for (int i = evals.size() - 1; i >= 0 && !evals.get(i).best(); i--) since++;
        return progress.best() == null ? 0 : since;
    }

    // ---------------------------------------------------------------- checkpoints

    /** best.safetensors when this evaluation is the best; epoch-NNN.safetensors at an epoch's end, older ones pruned. */
    private void saveModelFiles(TrainingTask task, TrainingProgress progress, Evaluation evaluation, Path dir, boolean epochEnd) throws IOException {
        boolean best = options.saveBest() && evaluation != null && evaluation.best();
        boolean epochFile = options.saveEpochModels() && epochEnd;
        if (!best && !epochFile) return;
        long epoch = (progress.step - 1) / progress.stepsPerEpoch() + 1;
        Map<String, String> meta = modelMetadata(task, progress);
        if (epochEnd) meta.put("epoch", Long.toString(epoch));
        if (evaluation != null && options.monitor() != null) meta.put("valid_" + options.monitor(), Float.toString((float) evaluation.metric(options.monitor())));
        Map<String, Tensor> state = task.model().stateDict();
        Files.createDirectories(dir);
        if (best) SafeTensors.save(dir.resolve(BEST_FILE), state, meta);
        if (!epochFile) return;
        SafeTensors.save(dir.resolve(epochFileName(epoch)), state, meta);
        if (options.keepLast() > 0) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "epoch-*.safetensors")) {
                ds.forEach(files::add);
            }
            files.sort(null);
            for (int i = 0; i < files.size() - options.keepLast(); i++) Files.deleteIfExists(files.get(i));
        }
    }

    /**
     * The name of epoch {@code epoch}'s (from 1) model file.
     *
     * @param epoch the epoch, counting from 1
     * @return the file name in the run directory, e.g. {@code epoch-003.safetensors}
     */
    public static String epochFileName(long epoch) {
        return String.format(Locale.ROOT, "epoch-%03d.safetensors", epoch);
    }

    private static Map<String, String> modelMetadata(TrainingTask task, TrainingProgress progress) {
        Map<String, String> meta = new LinkedHashMap<>(task.modelMetadata());
        meta.put(STEP, Long.toString(progress.step));
        return meta;
    }

    private void saveCheckpoint(TrainingTask task, Optimization optimization, TrainingProgress progress, Path dir) throws IOException {
        TaskState state = TaskState.forSaving();
        strategy.saveState(state);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        float[] losses = progress.losses().toArray();
        tensors.put(LOSSES, Tensor.of(losses, losses.length));
        List<Evaluation> evals = progress.evaluations();
        List<String> columns = new ArrayList<>(List.of(STEP));
        if (!evals.isEmpty()) columns.addAll(evals.getFirst().metrics().keySet());
        float[] rows = new float[evals.size() * columns.size()];
        for (int i = 0, k = 0; i < evals.size(); i++) {
            rows[k++] = evals.get(i).step();
            for (double v : evals.get(i).metrics().values()) rows[k++] = (float) v;
        }
        tensors.put(EVALUATIONS, Tensor.of(rows, evals.size(), columns.size()));
        tensors.putAll(state.tensors());
        Map<String, String> progressEntries = new LinkedHashMap<>();
        progressEntries.put(STEP, Long.toString(progress.step));
        progressEntries.put(DEFAULT_RNG, TrainingCheckpoint.generatorState(Generator.defaultGenerator()));
        progressEntries.put(EVALUATION_COLUMNS, String.join(",", columns));
        progressEntries.putAll(state.strings());
        LRScheduler scheduler = optimization.scheduler();
        new TrainingCheckpoint(task.model().stateDict(), modelMetadata(task, progress), optimization.optimizer().stateDict(),
                scheduler == null ? Map.of() : scheduler.stateDict(), tensors, progressEntries, task.config()).save(dir);
        progress.lastCheckpointStep = progress.step;
    }

    private void restore(TrainingCheckpoint c, TrainingTask task, Optimization optimization, TrainingProgress progress, Path dir) {
        try {
            task.model().loadStateDict(c.model());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot resume: " + dir.resolve(TrainingCheckpoint.MODEL_FILE) + " does not fit the model: " + e.getMessage(), e);
        }
        optimization.optimizer().loadStateDict(c.optimizer());
        if (optimization.scheduler() != null) optimization.scheduler().loadStateDict(c.scheduler());
        long step = c.progressLong(STEP);
        if (c.progress().containsKey(DEFAULT_RNG)) c.restoreGenerator(DEFAULT_RNG, Generator.defaultGenerator());
        Path trainingFile = dir.resolve(TrainingCheckpoint.TRAINING_FILE);
        Tensor losses = c.tensors().get(LOSSES);
        if (losses == null || losses.numel() != step) {
            throw new IllegalArgumentException("cannot resume: " + trainingFile + " has no loss history for its " + step + " steps");
        }
        progress.step = progress.startStep = step;
        progress.resumed = true;
        progress.lastCheckpointStep = step;
        for (float l : losses.toArray()) progress.losses().add(l);
        restoreEvaluations(c, progress, trainingFile);
        strategy.loadState(TaskState.of(c), step);
    }

    /** The evaluation history: rows of {step, metrics...}, the columns named in the progress entries. */
    private void restoreEvaluations(TrainingCheckpoint c, TrainingProgress progress, Path trainingFile) {
        Tensor t = c.tensors().get(EVALUATIONS);
        if (t == null || t.numel() == 0) return;
        String names = c.progress().get(EVALUATION_COLUMNS);
        // Before the trainer existed, train charlm wrote {step, loss} rows without naming the columns.
        if (names == null && t.dim() == 2 && t.size(1) == 2) names = STEP + ",loss";
        List<String> columns = names == null ? List.of() : Arrays.asList(names.split(","));
        if (t.dim() != 2 || columns.isEmpty() || !columns.getFirst().equals(STEP) || t.size(1) != columns.size()) {
            throw new IllegalArgumentException("cannot resume: " + trainingFile + " has an evaluation history of shape " + Arrays.toString(t.shape())
                    + " with columns " + names + " (written by an older version?); start a new run");
        }
        float[] v = t.toArray();
        int width = columns.size();
        for (int r = 0; r < t.size(0); r++) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (int j = 1; j < width; j++) metrics.put(columns.get(j), (double) v[r * width + j]);
            long step = (long) v[r * width];
            progress.addEvaluation(new Evaluation(step, step / (double) progress.stepsPerEpoch(), metrics, improves(metrics, progress.best()), 0));
        }
    }
}
