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
     *
     * @return at least 1; 1 for a strategy that synchronises at every step
     */
    default int stepsPerRound() {
        return 1;
    }

    /**
     * Called once per fit, after {@link TrainingTask#configureOptimizers} and before a checkpoint is restored into
     * {@code task}'s model and {@code optimization}.
     *
     * @param task         what is trained (the driver's copy for a distributed strategy)
     * @param optimization its optimizer and learning-rate schedule
     * @param options      the run's options (gradient clipping among them)
     * @param totalSteps   the steps of the whole run
     */
    void setup(TrainingTask task, Optimization optimization, TrainerOptions options, long totalSteps);

    /**
     * Takes steps {@code firstStep} to {@code firstStep + count - 1} (counting from 0; {@code count} is at most
     * {@link #stepsPerRound()} and never crosses an epoch's end), leaving the trained weights in the task's model and
     * the optimizer's and schedule's state in the optimization that {@link #setup} was given.
     *
     * @param firstStep the first step to take, counting from 0
     * @param count     how many steps to take, at least 1
     * @return what each step did, in order
     * @throws TrainingDivergedException when a step's loss or gradient norm is not finite
     */
    List<StepOutcome> run(long firstStep, int count);

    /**
     * Adds the resume state of the task (or of its replicas) to a checkpoint.
     *
     * @param state the checkpoint's task state, to add to
     */
    void saveState(TaskState state);

    /**
     * Restores what {@link #saveState} saved, the run being at {@code step}.
     *
     * @param state the checkpoint's task state
     * @param step  the step the run resumes at, counting from 0
     */
    void loadState(TaskState state, long step);

    /** Ends the fit: releases what {@link #setup} acquired. */
    @Override
    default void close() {}
}
