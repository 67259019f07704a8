package dev.jgrad.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class LinePlotTest {

    @Test
    void writesAPngOfTheRequestedSize(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("sub/curve.png");
        double[] x = {1, 2, 3, 4}, y = {1, 0.1, 0.01, 0};
        new LinePlot("loss", "step", "nats").logY(true).size(400, 300).add("train", x, y).add("val", x, new double[] {2, 1, 0.5, 0.25}).savePng(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(400, img.getWidth());
        assertEquals(300, img.getHeight());
        try (var files = Files.list(png.getParent())) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void mismatchedSeriesIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LinePlot("t", "x", "y").add("s", new double[2], new double[3]));
        assertTrue(e.getMessage().contains("'s'"), e.getMessage());
    }

    /** A diverged validation loss used to crash the plot listener: "Series data ... cannot be equal to Double.POSITIVE_INFINITY". */
    @Test
    void nonFinitePointsAreLeftOutNotRefused(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("curve.png");
        double[] x = {1, 2, 3, 4};
        new LinePlot("loss", "step", "nats").size(300, 200).add("train", x, new double[] {3, 2, Double.POSITIVE_INFINITY, Double.NaN})
                .add("validation", x, new double[] {Double.NEGATIVE_INFINITY, 2.5, 2, 1}).savePng(png);
        assertEquals(300, ImageIO.read(png.toFile()).getWidth());
        assertEquals(200, new LinePlot("t", "x", "y").size(300, 200).add("s", x, new double[] {1, Double.NaN, 2, 3}).toImage().getHeight());
    }
}
