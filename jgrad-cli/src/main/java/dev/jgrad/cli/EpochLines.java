package dev.jgrad.cli;

import dev.jgrad.train.Evaluation;
import dev.jgrad.train.StepResult;
import dev.jgrad.train.TrainingListener;
import dev.jgrad.train.TrainingProgress;

import java.io.PrintStream;

/**
 * One line per epoch on the console for the epoch-wise commands (train images, finetune, train classify): the
 * epoch's mean training loss (weighted by the units of each step), the task's last step metrics, the epoch's
 * evaluation if it had one, and its training time and speed (the evaluation's time left out).
 */
final class EpochLines implements TrainingListener {
    /** Formats the line of epoch {@code epoch} (from 1) from the statistics. */
    interface Format {
        String line(long epoch, EpochLines stats);
    }

    private final PrintStream console;
    private final Format format;
    private double lossSum, lastLoss = Double.NaN, trainSeconds, seconds;
    private long seen, units, epochStart;
    private StepResult lastStep;
    private TrainingProgress progress;
    private Evaluation evaluation;

    EpochLines(PrintStream console, Format format) {
        this.console = console;
        this.format = format;
    }

    /** The epoch's mean training loss, weighted by each step's units. */
    double meanLoss() { return lastLoss; }
    /** The task's metric {@code name} at the epoch's last step. */
    double metric(String name) { return lastStep.metrics().get(name); }
    /** The run's progress at the epoch's end (its best evaluation, say). */
    TrainingProgress progress() { return progress; }
    /** The epoch's evaluation, or null. */
    Evaluation evaluation() { return evaluation; }
    /** The epoch's training time, in seconds. */
    double seconds() { return seconds; }
    /** Units (images, sentences) per second of training in this epoch. */
    double perSecond() { return seen / seconds; }
    /** Units per second of training over all epochs so far. */
    double overallPerSecond() { return units / trainSeconds; }

    @Override
    public void onEpochStart(TrainingProgress p, long epoch) {
        lossSum = 0;
        seen = 0;
        evaluation = null;
        epochStart = System.nanoTime();
    }

    @Override
    public void onStepEnd(TrainingProgress p, StepResult s) {
        lossSum += s.loss() * s.units();
        seen += s.units();
        lastStep = s;
    }

    @Override
    public void onEvaluation(TrainingProgress p, Evaluation e) {
        evaluation = e;
    }

    @Override
    public void onEpochEnd(TrainingProgress p, long epoch) {
        seconds = (System.nanoTime() - epochStart) / 1e9 - (evaluation == null ? 0 : evaluation.seconds());
        trainSeconds += seconds;
        units += seen;
        lastLoss = lossSum / seen;
        progress = p;
        console.println(format.line(epoch + 1, this));
    }
}
