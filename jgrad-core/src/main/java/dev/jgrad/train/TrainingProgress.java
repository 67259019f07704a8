package dev.jgrad.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Where a run is, for listeners: read-only, kept up to date by the {@link Trainer}. */
public final class TrainingProgress {
    private final TrainerOptions options;
    private final long stepsPerEpoch, totalSteps;
    private final LossHistory losses = new LossHistory();
    private final List<Evaluation> evaluations = new ArrayList<>();
    long step, startStep;
    boolean resumed;
    Evaluation best;
    long lastCheckpointStep = -1;

    TrainingProgress(TrainerOptions options, long stepsPerEpoch, long totalSteps) {
        this.options = options;
        this.stepsPerEpoch = stepsPerEpoch;
        this.totalSteps = totalSteps;
    }

    /**
     * The options of the run.
     *
     * @return the options the trainer was built with
     */
    public TrainerOptions options() { return options; }

    /**
     * The run directory, or null.
     *
     * @return {@link TrainerOptions#runDirectory()}
     */
    public Path runDirectory() { return options.runDirectory(); }

    /**
     * Steps done so far.
     *
     * @return the count of finished steps, sessions before a resume included
     */
    public long step() { return step; }

    /**
     * Steps done when this fit started (the checkpoint's step when resuming, else 0).
     *
     * @return the step this fit began at
     */
    public long startStep() { return startStep; }

    /**
     * Whether this fit continued a checkpoint.
     *
     * @return true if this fit restored a checkpoint
     */
    public boolean resumed() { return resumed; }

    /**
     * Steps in one epoch.
     *
     * @return {@link TrainingTask#stepsPerEpoch()}
     */
    public long stepsPerEpoch() { return stepsPerEpoch; }

    /**
     * Steps of the whole run.
     *
     * @return {@link TrainerOptions#totalSteps(long)} for this task
     */
    public long totalSteps() { return totalSteps; }

    /**
     * The epoch the next step belongs to (from 0); after the last step, the last epoch.
     *
     * @return the current epoch index
     */
    public long epoch() { return (step == totalSteps && step > 0 ? step - 1 : step) / stepsPerEpoch; }

    /**
     * Epochs done, fractional inside an epoch.
     *
     * @return {@code step() / stepsPerEpoch()}
     */
    public double epochsDone() { return step / (double) stepsPerEpoch; }

    /**
     * The training loss of every step so far.
     *
     * @return the live history (it grows as the run goes on)
     */
    public LossHistory losses() { return losses; }

    /**
     * Every evaluation so far, oldest first.
     *
     * @return an unmodifiable view of the evaluations
     */
    public List<Evaluation> evaluations() { return Collections.unmodifiableList(evaluations); }

    /**
     * The best evaluation by the monitored metric so far, or null.
     *
     * @return the evaluation marked {@link Evaluation#best()} last
     */
    public Evaluation best() { return best; }

    /**
     * The step of the last checkpoint in the run directory, or -1 if none was written or restored.
     *
     * @return that step
     */
    public long lastCheckpointStep() { return lastCheckpointStep; }

    void addEvaluation(Evaluation e) {
        evaluations.add(e);
        if (e.best()) best = e;
    }
}
