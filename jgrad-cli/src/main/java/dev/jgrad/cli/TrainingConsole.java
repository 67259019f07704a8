package dev.jgrad.cli;

import dev.jgrad.train.Evaluation;
import dev.jgrad.train.FitResult;
import dev.jgrad.train.StepResult;
import dev.jgrad.train.TrainingListener;
import dev.jgrad.train.TrainingProgress;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The training commands' console, as a {@link TrainingListener}: a {@link ProgressBar} on stderr (one for the run,
 * or one per epoch) showing the smoothed loss, the gradient norm, the learning rate and the task's step metrics; a
 * line when a run resumes; a line per evaluation, printed through the bar so it does not tear it.
 */
final class TrainingConsole implements TrainingListener {
    private final String label, unit;
    private final PrintWriter out;
    private boolean perEpoch, showGradNorm = true, showLr = true;
    private Function<TrainingProgress, String> resumeLine;
    private BiFunction<TrainingProgress, Evaluation, String> evaluationLine;
    private ProgressBar bar;

    /**
     * @param label what the bar is called ("train")
     * @param unit  what a step's units are ("tokens"), for the rate
     * @param out   where the resume line goes
     */
    TrainingConsole(String label, String unit, PrintWriter out) {
        this.label = label;
        this.unit = unit;
        this.out = out;
    }

    /** One bar per epoch, labelled "epoch i/n", closed at the epoch's end (so lines printed then stand between bars). */
    TrainingConsole perEpoch() {
        perEpoch = true;
        return this;
    }

    /** Leaves the gradient norm and the learning rate off the bar. */
    TrainingConsole lossOnly() {
        showGradNorm = false;
        showLr = false;
        return this;
    }

    /** The line printed when a run resumes. */
    TrainingConsole onResume(Function<TrainingProgress, String> line) {
        resumeLine = line;
        return this;
    }

    /** The line printed after each evaluation. */
    TrainingConsole onEvaluation(BiFunction<TrainingProgress, Evaluation, String> line) {
        evaluationLine = line;
        return this;
    }

    @Override
    public void onFitStart(TrainingProgress p) {
        if (p.resumed() && resumeLine != null) {
            out.println(resumeLine.apply(p));
            out.flush();
        }
        if (p.step() >= p.totalSteps()) return;
        if (!perEpoch) bar = new ProgressBar(label, p.totalSteps() - p.step(), unit);
        else if (p.step() % p.stepsPerEpoch() != 0) onEpochStart(p, p.step() / p.stepsPerEpoch()); // resumed inside an epoch
    }

    @Override
    public void onEpochStart(TrainingProgress p, long epoch) {
        if (!perEpoch) return;
        long epochs = (p.totalSteps() + p.stepsPerEpoch() - 1) / p.stepsPerEpoch();
        bar = new ProgressBar(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs), p.stepsPerEpoch(), unit);
    }

    @Override
    public void onStepEnd(TrainingProgress p, StepResult s) {
        bar.metric("loss", s.smoothed());
        if (showGradNorm) bar.metric("gnorm", s.gradNorm());
        if (showLr) bar.metric("lr", s.lr());
        for (Map.Entry<String, Double> m : s.metrics().entrySet()) bar.metric(m.getKey(), m.getValue());
        bar.step(s.units());
    }

    @Override
    public void onEvaluation(TrainingProgress p, Evaluation e) {
        if (evaluationLine == null) return;
        String line = evaluationLine.apply(p, e);
        if (bar != null) bar.message(line);
        else System.err.println(line);
    }

    @Override
    public void onEpochEnd(TrainingProgress p, long epoch) {
        if (perEpoch) close();
    }

    @Override
    public void onFitEnd(TrainingProgress p, FitResult result) {
        close();
    }

    @Override
    public void onException(TrainingProgress p, Throwable error) {
        close();
    }

    private void close() {
        if (bar != null) bar.close();
        bar = null;
    }
}
