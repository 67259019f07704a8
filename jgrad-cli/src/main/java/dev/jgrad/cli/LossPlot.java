package dev.jgrad.cli;

import dev.jgrad.plot.LinePlot;
import dev.jgrad.train.Evaluation;
import dev.jgrad.train.TrainingListener;
import dev.jgrad.train.TrainingProgress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * loss.png in the run directory, redrawn at every checkpoint: the smoothed training loss at every step and, when
 * there is one, a validation metric at each evaluation. The trainer has no plotting library; the CLI adds this.
 */
final class LossPlot implements TrainingListener {
    static final String FILE = "loss.png";
    private final String title, yLabel, validationMetric;

    /** @param validationMetric the evaluation metric drawn beside the training loss, or null */
    LossPlot(String title, String yLabel, String validationMetric) {
        this.title = title;
        this.yLabel = yLabel;
        this.validationMetric = validationMetric;
    }

    @Override
    public void onFitStart(TrainingProgress p) {
        // LinePlot's temporaries from a process killed while it wrote the PNG.
        try (var files = Files.newDirectoryStream(p.runDirectory(), "." + FILE + "*.tmp")) {
            for (Path f : files) Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onCheckpoint(TrainingProgress p, Path dir) {
        double[] y = p.losses().smoothedAll();
        if (y.length == 0) return;
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        LinePlot plot = new LinePlot(title, "step", yLabel).add("train (smoothed)", x, y);
        List<Evaluation> evals = p.evaluations();
        if (validationMetric != null && !evals.isEmpty()) {
            double[] vx = new double[evals.size()], vy = new double[evals.size()];
            for (int i = 0; i < vx.length; i++) {
                vx[i] = evals.get(i).step();
                vy[i] = evals.get(i).metric(validationMetric);
            }
            plot.add("validation", vx, vy);
        }
        try {
            plot.savePng(dir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
