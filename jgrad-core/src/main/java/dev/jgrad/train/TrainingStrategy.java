package dev.jgrad.train;

import java.util.List;

/**
 * Where and how a {@link Trainer}'s steps run (the role of PyTorch Lightning's Strategy). The trainer keeps the run:
 * the epochs, evaluation, checkpoints, listeners and the stops; the strategy takes the steps. {@link LocalStrategy},
 * the default, takes each step in this process; a data-parallel strategy (jgrad-spark's) spreads a step, or a round
 * of several steps, over workers and leaves the result in the task's model and optimizer.
 *
 * <p>A strategy serves one fit at a time: {@link #setup} starts it, {@link #close} ends it.
 */
public interface TrainingStrategy extends AutoCloseable {

    /**
     * The most steps one {@link #run} may take. The trainer asks for fewer where the run needs the model in between
     * (an evaluation, a checkpoint, an epoch's end, the end of the run).
     */
    default int stepsPerRound() {
        return 1;
    }

    /**
     * Called once per fit, after {@link TrainingTask#configureOptimizers} and before a checkpoint is restored into
     * {@code task}'s model and {@code optimization}.
     */
    void setup(TrainingTask task, Optimization optimization, TrainerOptions options, long totalSteps);

    /**
     * Takes steps {@code firstStep} to {@code firstStep + count - 1} (counting from 0; {@code count} is at most
     * {@link #stepsPerRound()} and never crosses an epoch's end), leaving the trained weights in the task's model and
     * the optimizer's and schedule's state in the optimization that {@link #setup} was given.
     *
     * @return what each step did, in order
     * @throws TrainingDivergedException when a step's loss or gradient norm is not finite
     */
    List<StepOutcome> run(long firstStep, int count);

    /** Adds the resume state of the task (or of its replicas) to a checkpoint. */
    void saveState(TaskState state);

    /** Restores what {@link #saveState} saved, the run being at {@code step}. */
    void loadState(TaskState state, long step);

    /** Ends the fit: releases what {@link #setup} acquired. */
    @Override
    default void close() {}
}
