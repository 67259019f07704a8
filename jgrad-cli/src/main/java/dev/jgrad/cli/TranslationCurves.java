package dev.jgrad.cli;

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
import java.nio.file.StandardCopyOption;
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
        Path dir = Files.createTempDirectory(png.toAbsolutePath().getParent(), ".plots");
        try {
            Path a = dir.resolve("loss.png"), b = dir.resolve("bleu.png");
            LinePlot losses = new LinePlot(title, "step", "loss (nats/token)").add("train (label-smoothed, moving average)", x, y);
            if (n > 0) losses.add("validation", vx, vy);
            losses.size(900, 420).savePng(a);
            new LinePlot("validation BLEU (" + decoding + ", sacreBLEU)", "epoch", "BLEU").add("validation BLEU", ex, ey).size(900, 360).savePng(b);
            stackPng(List.of(a, b), png);
        } finally {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path f : ds) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The images one above the other in one PNG, written atomically. */
    static void stackPng(List<Path> parts, Path target) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        int w = 0, h = 0;
        for (Path p : parts) {
            BufferedImage im = javax.imageio.ImageIO.read(p.toFile());
            images.add(im);
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
        Path abs = target.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            javax.imageio.ImageIO.write(all, "png", tmp.toFile());
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
