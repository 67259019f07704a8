package dev.jgrad.cli;

import dev.jgrad.io.AtomicFile;
import dev.jgrad.plot.LinePlot;
import dev.jgrad.train.Evaluation;
import dev.jgrad.train.TrainingListener;
import dev.jgrad.train.TrainingProgress;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * curves.png of {@code jgrad train translate}, redrawn at every checkpoint: the smoothed training loss at every step
 * and the validation loss at each evaluation above, the validation BLEU against epochs below (starting from 0 at
 * epoch 0: an untrained model translates nothing).
 */
final class TranslationCurves implements TrainingListener {
    static final String FILE = "curves.png";
    private final String title, decoding;

    TranslationCurves(String title, String decoding) {
        this.title = title;
        this.decoding = decoding;
    }

    @Override
    public void onFitStart(TrainingProgress p) {
        // The temporaries of a process killed while it wrote the picture, and the part directories older versions left.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(p.runDirectory(), "{." + FILE + "*.tmp,.plots*}")) {
            for (Path f : files) {
                if (Files.isDirectory(f)) {
                    try (DirectoryStream<Path> parts = Files.newDirectoryStream(f)) {
                        for (Path part : parts) Files.deleteIfExists(part);
                    }
                }
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onCheckpoint(TrainingProgress p, Path dir) {
        try {
            plot(dir.resolve(FILE), p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void plot(Path png, TrainingProgress p) throws IOException {
        double[] y = p.losses().smoothedAll();
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        List<Evaluation> evals = p.evaluations();
        int n = evals.size();
        double[] vx = new double[n], vy = new double[n], ex = new double[n + 1], ey = new double[n + 1];
        for (int i = 0; i < n; i++) {
            vx[i] = evals.get(i).step();
            vy[i] = evals.get(i).metric("loss");
            ex[i + 1] = evals.get(i).epochs();
            ey[i + 1] = evals.get(i).metric("bleu");
        }
        // Both charts are drawn in memory and written as one file, atomically: a run killed while plotting leaves at
        // most AtomicFile's temporary (removed at the next start), never a directory of parts.
        LinePlot losses = new LinePlot(title, "step", "loss (nats/token)").add("train (label-smoothed, moving average)", x, y);
        if (n > 0) losses.add("validation", vx, vy);
        BufferedImage bleu = new LinePlot("validation BLEU (" + decoding + ", sacreBLEU)", "epoch", "BLEU").add("validation BLEU", ex, ey)
                .size(900, 360).toImage();
        stackPng(List.of(losses.size(900, 420).toImage(), bleu), png);
    }

    /** The images one above the other in one PNG, written atomically. */
    static void stackPng(List<BufferedImage> images, Path target) throws IOException {
        int w = 0, h = 0;
        for (BufferedImage im : images) {
            w = Math.max(w, im.getWidth());
            h += im.getHeight();
        }
        BufferedImage all = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, w, h);
        int y = 0;
        for (BufferedImage im : images) {
            g.drawImage(im, 0, y, null);
            y += im.getHeight();
        }
        g.dispose();
        AtomicFile.write(target, out -> {
            if (!javax.imageio.ImageIO.write(all, "png", out)) throw new IOException("no PNG writer in this Java installation");
        });
    }
}
