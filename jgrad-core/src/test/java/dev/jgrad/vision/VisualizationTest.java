package dev.jgrad.vision;

import dev.jgrad.metrics.Pca;
import dev.jgrad.metrics.Tsne;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VisualizationTest {

    @TempDir
    Path dir;

    @Test
    void topActivationsFindTheStrongestImagesOncePerImage() {
        // "Activations": the image itself, and a second channel 1 - x where x > 0 (strongest on the weakest image's weaker spot).
        float[] d = new float[5 * 3 * 3];
        float[] peaks = {0.2f, 0.9f, 0.5f, 0.7f, 0.1f};
        for (int i = 0; i < 5; i++) {
            d[i * 9 + 4] = peaks[i];       // centre
            d[i * 9 + 2] = peaks[i] / 2;   // a weaker second maximum in the same image
        }
        Tensor images = Tensor.of(d, 5, 1, 3, 3);
        List<List<TopActivations.Hit>> hits = TopActivations.find(x -> Tensor.cat(List.of(x, x.rsub(1f).mul(x.gt(0f))), 1), images, 3, 2, null);
        assertEquals(2, hits.size());
        List<TopActivations.Hit> ch0 = hits.get(0);
        assertEquals(List.of(1, 3, 2), ch0.stream().map(TopActivations.Hit::image).toList());
        assertEquals(new TopActivations.Hit(1, 0, 1, 1, 0.9f), ch0.getFirst());
        assertEquals(3, hits.get(1).size());
        assertEquals(new TopActivations.Hit(4, 1, 0, 2, 0.95f), hits.get(1).getFirst());
    }

    @Test
    void patchesFollowTheReceptiveFieldAndMarkPadding() {
        float[] px = new float[16];
        for (int i = 0; i < 16; i++) px[i] = i / 15f;
        Image img = new Image(px, 1, 4, 4);
        ReceptiveField rf = ReceptiveField.PIXEL.then(3, 1, 1); // 3x3 window centred on the unit
        Image centre = TopActivations.patch(img, rf, 1, 1);
        assertEquals(3, centre.channels());
        assertEquals(3, centre.height());
        assertEquals(px[0], centre.get(0, 0, 0), 0f);
        assertEquals(px[10], centre.get(2, 2, 2), 0f);
        Image corner = TopActivations.patch(img, rf, 0, 0);
        assertTrue(corner.get(2, 0, 0) > corner.get(0, 0, 0), "outside the image is drawn blue");
        assertEquals(px[0], corner.get(1, 1, 1), 0f);
    }

    @Test
    void gridWritesAReadablePng() throws Exception {
        Image a = ImageGrid.minMax(new Image(new float[] {-1, 0, 1, 2}, 1, 2, 2));
        assertArrayEquals(new float[] {0, 1 / 3f, 2 / 3f, 1}, a.data(), 1e-6f);
        Image rgb = new Image(new float[12], 3, 2, 2);
        BufferedImage img = ImageGrid.render("title", List.of(List.of(a, a), List.of(rgb)), List.of("row 1", "row 2"), 10, 2);
        Path file = dir.resolve("sub/grid.png");
        ImageGrid.savePng(img, file);
        BufferedImage back = ImageIO.read(file.toFile());
        assertNotNull(back);
        assertEquals(img.getWidth(), back.getWidth());
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
        var bad = assertThrows(IllegalArgumentException.class, () -> ImageGrid.render("t", List.of(List.of(a)), List.of("x", "y"), 1, 0));
        assertTrue(bad.getMessage().contains("1 rows but 2 labels"), bad.getMessage());
    }

    @Test
    void tsneKeepsClustersApart() {
        Generator g = new Generator(9);
        int n = 60, f = 10;
        float[] d = new float[n * f];
        for (int i = 0; i < n; i++) for (int k = 0; k < f; k++) d[i * f + k] = (float) (g.nextGaussian() + (k == i % 3 ? 8 : 0));
        float[] y = Tsne.embed(Tensor.of(d, n, f), new Tsne.Options(10, 1000, 50)).toArray();
        // Every point's nearest neighbour in the map belongs to its own cluster.
        for (int i = 0; i < n; i++) {
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                if (dx * dx + dy * dy < bestD) {
                    bestD = dx * dx + dy * dy;
                    best = j;
                }
            }
            assertEquals(i % 3, best % 3, "point " + i);
        }
        var bad = assertThrows(IllegalArgumentException.class, () -> Tsne.embed(Tensor.zeros(10, 2), Tsne.Options.defaults()));
        assertTrue(bad.getMessage().contains("perplexity 30.0"), bad.getMessage());
    }

    @Test
    void pcaFindsTheLongAxis() {
        Generator g = new Generator(5);
        int n = 400;
        float[] d = new float[n * 3];
        for (int i = 0; i < n; i++) {
            double t = g.nextGaussian() * 5, s = g.nextGaussian();
            d[i * 3] = (float) (t + 1);               // long axis along (1, 1, 0) / sqrt 2
            d[i * 3 + 1] = (float) (t - 2);
            d[i * 3 + 2] = (float) (s * 0.5 + 3);      // short axis along z
        }
        Pca p = Pca.fit(Tensor.of(d, n, 3), 2);
        assertEquals(1 / Math.sqrt(2), Math.abs(p.components()[0][0]), 0.02);
        assertEquals(1 / Math.sqrt(2), Math.abs(p.components()[0][1]), 0.02);
        assertEquals(1.0, Math.abs(p.components()[1][2]), 0.02);
        assertEquals(50, p.variances()[0], 8);
        Tensor xy = p.transform(Tensor.of(d, n, 3));
        assertArrayEquals(new int[] {n, 2}, xy.shape());
        var bad = assertThrows(IllegalArgumentException.class, () -> Pca.fit(Tensor.zeros(1, 3), 2));
        assertTrue(bad.getMessage().contains("at least 2"), bad.getMessage());
    }
}
