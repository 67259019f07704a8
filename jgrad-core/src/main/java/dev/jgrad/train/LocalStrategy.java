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

    /**
     * Restores the task's resume state.
     *
     * @throws IllegalArgumentException if the checkpoint holds data-parallel workers' states instead ({@link Shard#WORKERS_KEY})
     */
    @Override
    public void loadState(TaskState state, long step) {
        String workers = state.get(Shard.WORKERS_KEY);
        if (workers != null) {
            throw new IllegalArgumentException("the checkpoint holds the resume state of " + workers + " data-parallel workers (shard.* entries), not of one "
                    + "process; resume it with a data-parallel strategy of " + workers + " workers, or start a new run");
        }
        task.loadState(state, step);
    }
}
