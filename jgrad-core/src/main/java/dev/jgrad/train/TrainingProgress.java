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

    /** The options of the run. */
    public TrainerOptions options() { return options; }
    /** The run directory, or null. */
    public Path runDirectory() { return options.runDirectory(); }
    /** Steps done so far. */
    public long step() { return step; }
    /** Steps done when this fit started (the checkpoint's step when resuming, else 0). */
    public long startStep() { return startStep; }
    /** Whether this fit continued a checkpoint. */
    public boolean resumed() { return resumed; }
    /** Steps in one epoch. */
    public long stepsPerEpoch() { return stepsPerEpoch; }
    /** Steps of the whole run. */
    public long totalSteps() { return totalSteps; }
    /** The epoch the next step belongs to (from 0); after the last step, the last epoch. */
    public long epoch() { return (step == totalSteps && step > 0 ? step - 1 : step) / stepsPerEpoch; }
    /** Epochs done, fractional inside an epoch. */
    public double epochsDone() { return step / (double) stepsPerEpoch; }
    /** The training loss of every step so far. */
    public LossHistory losses() { return losses; }
    /** Every evaluation so far, oldest first. */
    public List<Evaluation> evaluations() { return Collections.unmodifiableList(evaluations); }
    /** The best evaluation by the monitored metric so far, or null. */
    public Evaluation best() { return best; }
    /** The step of the last checkpoint in the run directory, or -1 if none was written or restored. */
    public long lastCheckpointStep() { return lastCheckpointStep; }

    void addEvaluation(Evaluation e) {
        evaluations.add(e);
        if (e.best()) best = e;
    }
}
