package dev.jgrad.vision;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** ImageFolder: classes, order, channels, the size policy and errors naming the file. */
class ImageFolderTest {
    @TempDir
    Path root;

    private Path png(String cls, String name, int h, int w, int rgb) throws IOException {
        Path d = Files.createDirectories(root.resolve(cls));
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb + x);
        Path p = d.resolve(name);
        ImageIO.write(img, name.endsWith(".png") ? "png" : "jpg", p.toFile());
        return p;
    }

    @Test
    void readsClassesInSortedOrderAsRgbTensors() throws IOException {
        png("dog", "b.png", 3, 4, 0x102030);
        png("dog", "a.png", 3, 4, 0x405060);
        png("cat", "z.png", 3, 4, 0xff0000);
        Files.writeString(root.resolve("cat").resolve("notes.txt"), "ignored");
        Files.createDirectories(root.resolve(".hidden"));
        LabeledImages data = ImageFolder.load(root);
        assertEquals(List.of("cat", "dog"), data.classes());
        assertArrayEquals(new int[] {3, 3, 3, 4}, data.images().shape());
        assertArrayEquals(new int[] {0, 1, 1}, data.labels().data());
        // dog/a.png comes before dog/b.png: pixel (0, 0) of image 1 is 0x405060.
        assertEquals(0x40 / 255f, data.images().get(1, 0, 0, 0));
        assertEquals(0x50 / 255f, data.images().get(1, 1, 0, 0));
        assertEquals((0x60 + 3) / 255f, data.images().get(1, 2, 2, 3));
        assertEquals(1f, data.images().get(0, 0, 0, 0));
    }

    @Test
    void greyImagesKeepTheirRawValuesAndRgbBecomesPilLuminance() throws IOException {
        Path d = Files.createDirectories(root.resolve("g"));
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(1, 0, 0, 3);
        ImageIO.write(grey, "png", d.resolve("grey.png").toFile());
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xff8000);
        rgb.setRGB(1, 0, 0x0000ff);
        ImageIO.write(rgb, "png", d.resolve("rgb.png").toFile());
        LabeledImages g = ImageFolder.load(root, ImageFolder.Options.sameSize().withGrayscale(true));
        assertArrayEquals(new int[] {2, 1, 1, 2}, g.images().shape());
        assertEquals(100 / 255f, g.images().get(0, 0, 0, 0));
        assertEquals(3 / 255f, g.images().get(0, 0, 0, 1));
        assertEquals(151 / 255f, g.images().get(1, 0, 0, 0)); // PIL: 255*0.299 + 128*0.587 = 151.4
        assertEquals(29 / 255f, g.images().get(1, 0, 0, 1));
        LabeledImages c = ImageFolder.load(root);
        assertEquals(100 / 255f, c.images().get(0, 2, 0, 0)); // grey replicated into RGB
    }

    @Test
    void sizesMustAgreeUnlessResized() throws IOException {
        png("a", "big.png", 8, 8, 0x808080);
        Path odd = png("b", "small.jpg", 4, 6, 0x808080);
        var e = assertThrows(DatasetFormatException.class, () -> ImageFolder.load(root));
        assertEquals(odd, e.file());
        assertTrue(e.getMessage().contains("image is 4x6") && e.getMessage().contains("big.png is 8x8") && e.getMessage().contains("resizeTo"),
                e.getMessage());
        LabeledImages r = ImageFolder.load(root, ImageFolder.Options.resizeTo(4, 4));
        assertArrayEquals(new int[] {2, 3, 4, 4}, r.images().shape());
        // A constant-colour image stays constant under bilinear resizing (up to JPEG's noise for the .jpg).
        assertEquals(0x80 / 255f, r.images().get(0, 1, 2, 2), 1e-6);
    }

    @Test
    void bilinearResizeMatchesHalfPixelCentres() {
        // 1x4 -> 1x2: output x samples input at 0.5 and 2.5.
        float[] out = ImageFolder.resize(new float[] {0, 1, 2, 3}, 1, 1, 4, 1, 2);
        assertArrayEquals(new float[] {0.5f, 2.5f}, out);
        // 1x2 -> 1x4: positions -0.25 (clamped to 0), 0.25, 0.75, 1.25 (upper neighbour clamped).
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, ImageFolder.resize(new float[] {0, 1}, 1, 1, 2, 1, 4));
    }

    @Test
    void errorsNameTheFileOrDirectory() throws IOException {
        png("ok", "fine.png", 2, 2, 0);
        Path bad = Files.createDirectories(root.resolve("broken")).resolve("bad.png");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        var unreadable = assertThrows(DatasetFormatException.class, () -> ImageFolder.load(root));
        assertEquals(bad, unreadable.file());
        assertTrue(unreadable.getMessage().startsWith(bad.toString()) && unreadable.getMessage().contains("cannot read the image"),
                unreadable.getMessage());
        Files.delete(bad);
        var empty = assertThrows(DatasetFormatException.class, () -> ImageFolder.load(root));
        assertTrue(empty.getMessage().contains("found no image file") && empty.getMessage().contains("'broken'"), empty.getMessage());
        var missing = assertThrows(DatasetFormatException.class, () -> ImageFolder.load(root.resolve("nowhere")));
        assertTrue(missing.getMessage().contains("no such directory"), missing.getMessage());
        var none = assertThrows(DatasetFormatException.class, () -> ImageFolder.load(root.resolve("ok")));
        assertTrue(none.getMessage().contains("has no class sub-directories"), none.getMessage());
    }
}
