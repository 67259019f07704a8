package dev.jgrad.train;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link Trainer} runs: its length, where and when it checkpoints, when it evaluates, what it monitors.
 * Build one with {@link #builder()}:
 * <pre>{@code
 * TrainerOptions options = TrainerOptions.builder()
 *         .runDirectory(Path.of("runs/lm")).epochs(2).maxSteps(1000)
 *         .evalEverySteps(200).gradientClip(1.0).build();
 * }</pre>
 *
 * @param runDirectory          where checkpoints go (model.safetensors, training.safetensors, and best / epoch models when
 *                              asked); null trains without writing anything, and without resume
 * @param resume                continue the run whose checkpoint is in the run directory, exactly where it stopped
 * @param overwrite             start a new run even if the run directory already holds a checkpoint (replaced at the first save)
 * @param epochs                passes over the training data
 * @param maxSteps              stop (and size the schedule) after this many steps; 0: epochs x steps per epoch
 * @param stopAt                checkpoint and stop at this step, to be continued with resume; 0: run to the end
 * @param timeLimit             checkpoint and stop once training has taken this long; null: no limit
 * @param gradientClip          clip the gradients' global 2-norm to this; 0: no clipping (the norm is still measured)
 * @param evalEverySteps        evaluate every this many steps; 0: not by steps
 * @param evalEveryEpochs       evaluate at the end of every this many epochs; 0: not at epoch ends. The last step is
 *                              always evaluated.
 * @param checkpointEverySteps  also checkpoint every this many steps; checkpoints are always written after an evaluation,
 *                              at the last step and when the run stops early
 * @param monitor               the validation metric that decides the best model and early stopping; null: none
 * @param goal                  whether the monitored metric should grow or shrink
 * @param saveBest              write best.safetensors (the model of the best evaluation so far) to the run directory
 * @param saveEpochModels       write epoch-NNN.safetensors at each epoch's end (and at the last step)
 * @param keepLast              keep only the last this many epoch models; 0 keeps all
 * @param patience              stop when this many evaluations in a row did not improve the monitored metric; 0: never
 */
public record TrainerOptions(Path runDirectory, boolean resume, boolean overwrite, int epochs, long maxSteps, long stopAt, Duration timeLimit,
                             double gradientClip, long evalEverySteps, int evalEveryEpochs, long checkpointEverySteps, String monitor,
                             Goal goal, boolean saveBest, boolean saveEpochModels, int keepLast, int patience) {

    /** Whether a monitored metric is better larger (accuracy, BLEU) or smaller (a loss). */
    public enum Goal {
        /** Smaller is better (a loss, a perplexity). */
        MINIMIZE,
        /** Larger is better (an accuracy, a BLEU score). */
        MAXIMIZE
    }

    /**
     * Checks the options; a null {@code goal} means {@link Goal#MINIMIZE}.
     *
     * @throws IllegalArgumentException naming the option, if a count is negative, the clip or time limit is not valid,
     *                                  resume and overwrite are both set, a setting needs a run directory there is not,
     *                                  or best-model saving or early stopping has no monitored metric
     */
    public TrainerOptions {
        if (epochs < 1) throw new IllegalArgumentException("TrainerOptions: epochs must be positive, got " + epochs);
        requireNonNegative("maxSteps", maxSteps);
        requireNonNegative("stopAt", stopAt);
        requireNonNegative("evalEverySteps", evalEverySteps);
        requireNonNegative("evalEveryEpochs", evalEveryEpochs);
        requireNonNegative("checkpointEverySteps", checkpointEverySteps);
        requireNonNegative("keepLast", keepLast);
        requireNonNegative("patience", patience);
        if (!(gradientClip >= 0) || Double.isInfinite(gradientClip)) {
            throw new IllegalArgumentException("TrainerOptions: gradientClip must be >= 0 (0: no clipping), got " + gradientClip);
        }
        if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
            throw new IllegalArgumentException("TrainerOptions: timeLimit must be positive (null: none), got " + timeLimit);
        }
        if (resume && overwrite) throw new IllegalArgumentException("TrainerOptions: resume and overwrite contradict each other: choose one");
        if (runDirectory == null && (resume || saveBest || saveEpochModels || stopAt > 0 || checkpointEverySteps > 0)) {
            throw new IllegalArgumentException("TrainerOptions: resume, saveBest, saveEpochModels, stopAt and checkpointEverySteps need a runDirectory");
        }
        if ((saveBest || patience > 0) && monitor == null) {
            throw new IllegalArgumentException("TrainerOptions: saveBest and patience need a monitored metric (monitor)");
        }
        if (goal == null) goal = Goal.MINIMIZE;
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) throw new IllegalArgumentException("TrainerOptions: " + name + " must be >= 0, got " + value);
    }

    /**
     * Options with the defaults: one epoch, no run directory, evaluation at each epoch's end, no clipping.
     *
     * @return a new builder holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * This run's length in steps for {@code stepsPerEpoch} steps per epoch.
     *
     * @param stepsPerEpoch steps in one pass over the training data ({@link TrainingTask#stepsPerEpoch()})
     * @return {@code epochs * stepsPerEpoch}, capped at {@link #maxSteps()} when that is set
     * @throws ArithmeticException if the product overflows a long
     */
    public long totalSteps(long stepsPerEpoch) {
        long total = Math.multiplyExact(epochs, stepsPerEpoch);
        return maxSteps > 0 ? Math.min(total, maxSteps) : total;
    }

    /** A builder whose methods are named after the record's components. */
    public static final class Builder {
        private Path runDirectory;
        private boolean resume, overwrite, saveBest, saveEpochModels;
        private int epochs = 1, evalEveryEpochs = 1, keepLast, patience;
        private long maxSteps, stopAt, evalEverySteps, checkpointEverySteps;
        private Duration timeLimit;
        private double gradientClip;
        private String monitor;
        private Goal goal = Goal.MINIMIZE;

        private Builder() {}

        /**
         * See {@link TrainerOptions#runDirectory()}.
         *
         * @param dir where checkpoints go; null (the default) writes nothing
         * @return this builder
         */
        public Builder runDirectory(Path dir) { this.runDirectory = dir; return this; }

        /**
         * See {@link TrainerOptions#resume()}.
         *
         * @param resume continue the checkpoint in the run directory (default false)
         * @return this builder
         */
        public Builder resume(boolean resume) { this.resume = resume; return this; }

        /**
         * See {@link TrainerOptions#overwrite()}.
         *
         * @param overwrite start afresh even over an existing checkpoint (default false)
         * @return this builder
         */
        public Builder overwrite(boolean overwrite) { this.overwrite = overwrite; return this; }

        /**
         * See {@link TrainerOptions#epochs()}.
         *
         * @param epochs passes over the training data, at least 1 (default 1)
         * @return this builder
         */
        public Builder epochs(int epochs) { this.epochs = epochs; return this; }

        /**
         * See {@link TrainerOptions#maxSteps()}.
         *
         * @param maxSteps the cap on the run's steps; 0 (the default) for none
         * @return this builder
         */
        public Builder maxSteps(long maxSteps) { this.maxSteps = maxSteps; return this; }

        /**
         * See {@link TrainerOptions#stopAt()}.
         *
         * @param step the step after which to checkpoint and stop; 0 (the default) to run to the end
         * @return this builder
         */
        public Builder stopAt(long step) { this.stopAt = step; return this; }

        /**
         * See {@link TrainerOptions#timeLimit()}.
         *
         * @param limit the training wall time after which to checkpoint and stop; null (the default) for none
         * @return this builder
         */
        public Builder timeLimit(Duration limit) { this.timeLimit = limit; return this; }

        /**
         * See {@link TrainerOptions#gradientClip()}.
         *
         * @param maxNorm the bound on the gradients' global 2-norm (as torch.nn.utils.clip_grad_norm_); 0 (the
         *                default) for no clipping
         * @return this builder
         */
        public Builder gradientClip(double maxNorm) { this.gradientClip = maxNorm; return this; }

        /**
         * See {@link TrainerOptions#evalEverySteps()}.
         *
         * @param steps evaluate every this many steps; 0 (the default) for not by steps
         * @return this builder
         */
        public Builder evalEverySteps(long steps) { this.evalEverySteps = steps; return this; }

        /**
         * See {@link TrainerOptions#evalEveryEpochs()}.
         *
         * @param epochs evaluate at the end of every this many epochs (default 1); 0 for not at epoch ends
         * @return this builder
         */
        public Builder evalEveryEpochs(int epochs) { this.evalEveryEpochs = epochs; return this; }

        /**
         * See {@link TrainerOptions#checkpointEverySteps()}.
         *
         * @param steps also checkpoint every this many steps; 0 (the default) for only the usual checkpoints
         * @return this builder
         */
        public Builder checkpointEverySteps(long steps) { this.checkpointEverySteps = steps; return this; }

        /**
         * The metric that decides the best model and early stopping, and whether it should grow or shrink.
         *
         * @param metric the name of one of the task's validation metrics, e.g. {@code "accuracy"}; null for none
         * @param goal   whether larger or smaller values of it are better
         * @return this builder
         */
        public Builder monitor(String metric, Goal goal) { this.monitor = metric; this.goal = goal; return this; }

        /**
         * See {@link TrainerOptions#saveBest()}.
         *
         * @param save write best.safetensors at each improving evaluation (default false; needs a monitored metric)
         * @return this builder
         */
        public Builder saveBest(boolean save) { this.saveBest = save; return this; }

        /**
         * Write epoch-NNN.safetensors at each epoch's end, keeping the last {@code keepLast} (0: all).
         *
         * @param keepLast how many of the newest epoch models to keep; 0 keeps every one
         * @return this builder
         */
        public Builder saveEpochModels(int keepLast) { this.saveEpochModels = true; this.keepLast = keepLast; return this; }

        /**
         * See {@link TrainerOptions#patience()}.
         *
         * @param evaluations stop after this many evaluations in a row without improvement; 0 (the default) never
         * @return this builder
         */
        public Builder patience(int evaluations) { this.patience = evaluations; return this; }

        /**
         * The options, checked.
         *
         * @return the options this builder describes
         * @throws IllegalArgumentException if they are not valid (see the {@link TrainerOptions} constructor)
         */
        public TrainerOptions build() {
            return new TrainerOptions(runDirectory, resume, overwrite, epochs, maxSteps, stopAt, timeLimit, gradientClip, evalEverySteps,
                    evalEveryEpochs, checkpointEverySteps, monitor, goal, saveBest, saveEpochModels, keepLast, patience);
        }
    }
}
