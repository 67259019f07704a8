package dev.jgrad.train;

import java.util.List;

/** Every step in this process, one at a time: the {@link Trainer}'s default {@link TrainingStrategy}. */
public final class LocalStrategy implements TrainingStrategy {
    private TrainingTask task;

    /** A strategy for one fit at a time; {@link #setup} gives it the task. */
    public LocalStrategy() {}

    private Optimization optimization;
    private double gradientClip;

    @Override
    public void setup(TrainingTask task, Optimization optimization, TrainerOptions options, long totalSteps) {
        this.task = task;
        this.optimization = optimization;
        this.gradientClip = options.gradientClip();
    }

    @Override
    public List<StepOutcome> run(long firstStep, int count) {
        if (count != 1) throw new IllegalArgumentException("LocalStrategy takes one step at a time, asked for " + count);
        StepOutput out = TrainingStep.computeGradients(task, optimization.optimizer(), firstStep);
        return List.of(TrainingStep.apply(task.model(), optimization, gradientClip, firstStep, out.loss().item(), out.units(), out.metrics()));
    }

    @Override
    public void saveState(TaskState state) {
        task.saveState(state);
    }

    @Override
    public void loadState(TaskState state, long step) {
        task.loadState(state, step);
    }
}
