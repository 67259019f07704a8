package dev.jgrad.vision;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** IDX reading: values, gzip detection, the real MNIST/Fashion-MNIST files when present, and every error naming the file. */
class IdxFileTest {
    @TempDir
    Path dir;

    private static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) out.writeInt(d);
        out.write(data);
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(content);
        }
        return p;
    }

    private static byte[] pixels(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 37);
        return b;
    }

    @Test
    void readsImagesScaledToUnitRangeAndLabels() throws IOException {
        for (boolean gz : new boolean[] {true, false}) {
            Path images = write("img" + gz, idx(0x803, new int[] {3, 2, 4}, pixels(24)), gz);
            Tensor t = IdxFile.readImages(images);
            assertArrayEquals(new int[] {3, 1, 2, 4}, t.shape());
            float[] v = t.toArray();
            for (int i = 0; i < 24; i++) assertEquals(((i * 37) & 0xff) / 255f, v[i], 0f);
            Path labels = write("lab" + gz, idx(0x801, new int[] {3}, new byte[] {7, 0, (byte) 200}), gz);
            IntTensor l = IdxFile.readLabels(labels);
            assertArrayEquals(new int[] {7, 0, 200}, l.data());
        }
    }

    @Test
    void errorsNameTheFile() throws IOException {
        Path labelsAsImages = write("labels.gz", idx(0x801, new int[] {2}, new byte[] {1, 2}), true);
        var magic = assertThrows(DatasetFormatException.class, () -> IdxFile.readImages(labelsAsImages));
        assertTrue(magic.getMessage().startsWith(labelsAsImages.toString()), magic.getMessage());
        assertTrue(magic.getMessage().contains("wrong magic number 0x00000801") && magic.getMessage().contains("expected 0x00000803")
                && magic.getMessage().contains("labels file"), magic.getMessage());
        assertEquals(labelsAsImages, magic.file());

        byte[] full = idx(0x803, new int[] {2, 4, 4}, pixels(32));
        Path shortRaw = write("short", Arrays.copyOf(full, full.length - 5), false);
        var truncated = assertThrows(DatasetFormatException.class, () -> IdxFile.readImages(shortRaw));
        assertTrue(truncated.getMessage().startsWith(shortRaw.toString()) && truncated.getMessage().contains("truncated")
                && truncated.getMessage().contains("2 images of 4x4 (32 bytes) but only 27 follow"), truncated.getMessage());

        // A gzip file cut in the middle of its compressed stream.
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(idx(0x803, new int[] {50, 28, 28}, pixels(50 * 784)));
        }
        Path cut = write("cut.gz", Arrays.copyOf(gz.toByteArray(), gz.size() / 2), false);
        var cutError = assertThrows(DatasetFormatException.class, () -> IdxFile.readImages(cut));
        assertTrue(cutError.getMessage().startsWith(cut.toString()) && cutError.getMessage().contains("truncated"), cutError.getMessage());

        Path header = write("header", new byte[] {0, 0, 8, 3, 0, 0}, false);
        var headerError = assertThrows(DatasetFormatException.class, () -> IdxFile.readImages(header));
        assertTrue(headerError.getMessage().contains("header ends before the image count"), headerError.getMessage());

        Path extra = write("extra", idx(0x801, new int[] {1}, new byte[] {1, 2}), false);
        var extraError = assertThrows(DatasetFormatException.class, () -> IdxFile.readLabels(extra));
        assertTrue(extraError.getMessage().contains("unexpected bytes after the 1 labels"), extraError.getMessage());

        var missing = assertThrows(DatasetFormatException.class, () -> IdxFile.readLabels(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("nope: no such file"), missing.getMessage());
    }

    /** Images of 0 x 0 pixels used to pass the reader and fail later with "/ by zero" in Normalize. */
    @Test
    void imagesWithoutPixelsAreRefusedByTheReader() throws IOException {
        for (int[] dims : new int[][] {{4, 0, 0}, {4, 28, 0}, {4, 0, 28}}) {
            Path empty = write("empty", idx(0x803, dims, new byte[0]), false);
            var e = assertThrows(DatasetFormatException.class, () -> IdxFile.readImages(empty));
            assertTrue(e.getMessage().startsWith(empty.toString()) && e.getMessage().contains("images of " + dims[1] + "x" + dims[2] + " pixels")
                    && e.getMessage().contains("at least 1x1"), e.getMessage());
        }
    }

    @Test
    void mnistChecksThatImagesAndLabelsAgree() throws IOException {
        write("t10k-images-idx3-ubyte.gz", idx(0x803, new int[] {3, 2, 2}, pixels(12)), true);
        write("t10k-labels-idx1-ubyte", idx(0x801, new int[] {2}, new byte[] {1, 2}), false); // uncompressed name works too
        var mismatch = assertThrows(DatasetFormatException.class, () -> Mnist.load(dir, Mnist.Split.TEST));
        assertTrue(mismatch.getMessage().contains("t10k-labels-idx1-ubyte: 2 labels, but") && mismatch.getMessage().contains("holds 3 images"),
                mismatch.getMessage());
        write("t10k-labels-idx1-ubyte", idx(0x801, new int[] {3}, new byte[] {1, 12, 2}), false);
        var label = assertThrows(DatasetFormatException.class, () -> Mnist.load(dir, Mnist.Split.TEST));
        assertTrue(label.getMessage().contains("label 12 at index 1"), label.getMessage());
        var absent = assertThrows(DatasetFormatException.class, () -> Mnist.load(dir, Mnist.Split.TRAIN));
        assertTrue(absent.getMessage().contains("train-images-idx3-ubyte.gz: no such file"), absent.getMessage());
    }

    @Test
    void readsTheRealTestSets() throws IOException {
        Path mnist = Path.of("/work/shared/data/mnist"), fashion = Path.of("/work/shared/data/fashion-mnist");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(mnist) && Files.isDirectory(fashion), "shared data not present");
        LabeledImages m = Mnist.load(mnist, Mnist.Split.TEST);
        assertArrayEquals(new int[] {10000, 1, 28, 28}, m.images().shape());
        assertEquals(7, m.labels().get(0)); // the famous first test digit
        assertEquals(10, m.numClasses());
        float max = 0, min = 1;
        for (float v : m.images().narrow(0, 0, 100).toArray()) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        assertEquals(1f, max);
        assertEquals(0f, min);
        LabeledImages f = Mnist.loadFashion(fashion, Mnist.Split.TEST);
        assertEquals("Ankle boot", f.classes().get(f.labels().get(0)));
        int[] counts = new int[10];
        for (int l : f.labels().data()) counts[l]++;
        for (int c : counts) assertEquals(1000, c);
    }
}
