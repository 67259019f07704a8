package dev.jgrad.vision;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, gzip-compressed or not (detected from the first bytes).
 *
 * <p>The format: a big-endian int32 magic number 0x00000803 for images (unsigned bytes, 3 dimensions) or
 * 0x00000801 for labels (unsigned bytes, 1 dimension), then one big-endian int32 size per dimension, then
 * the bytes row-major. Images come back as a float tensor [N, 1, rows, cols] scaled to [0, 1] (byte / 255,
 * what torchvision's ToTensor gives), labels as an IntTensor [N].
 *
 * <p>Every problem (missing file, wrong magic number, truncated data, bytes after the end, a corrupt gzip
 * stream) is a {@link DatasetFormatException} naming the file.
 */
public final class IdxFile {
    private IdxFile() {}

    /** The magic number of an image file: unsigned bytes, 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** The magic number of a label file: unsigned bytes, 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;

    /**
     * Images [N, 1, rows, cols] in [0, 1].
     *
     * @param file an IDX image file, e.g. {@code train-images-idx3-ubyte.gz}
     * @return the images as floats, byte / 255
     * @throws DatasetFormatException if the file is missing, has the wrong magic number, is truncated or too
     *                                long, or is a corrupt gzip stream
     * @throws IOException            if the file cannot be read
     */
    public static Tensor readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            checkMagic(file, readInt(file, in, "magic number"), IMAGES_MAGIC, "images");
            int n = readSize(file, in, "image count"), rows = readSize(file, in, "row count"), cols = readSize(file, in, "column count");
            if (rows == 0 || cols == 0) {
                throw new DatasetFormatException(file, "the header says images of " + rows + "x" + cols + " pixels; an image needs at least 1x1");
            }
            long total = (long) n * rows * cols;
            if (total > Integer.MAX_VALUE - 16) {
                throw new DatasetFormatException(file, n + " images of " + rows + "x" + cols + " are too many for one tensor");
            }
            byte[] pixels = readExactly(file, in, (int) total, n + " images of " + rows + "x" + cols);
            float[] data = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) data[i] = (pixels[i] & 0xff) / 255f;
            return Tensor.of(data, n, 1, rows, cols);
        }
    }

    /**
     * Labels [N] (0..255).
     *
     * @param file an IDX label file, e.g. {@code train-labels-idx1-ubyte.gz}
     * @return the labels
     * @throws DatasetFormatException if the file is missing, has the wrong magic number, is truncated or too
     *                                long, or is a corrupt gzip stream
     * @throws IOException            if the file cannot be read
     */
    public static IntTensor readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            checkMagic(file, readInt(file, in, "magic number"), LABELS_MAGIC, "labels");
            int n = readSize(file, in, "label count");
            byte[] bytes = readExactly(file, in, n, n + " labels");
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = bytes[i] & 0xff;
            return IntTensor.of(labels, n);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file, Files.exists(file) ? "is not a regular file" : "no such file");
        }
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException(file, "no such file", e);
        }
        try {
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
        } catch (ZipException | EOFException e) {
            raw.close();
            throw new DatasetFormatException(file, "corrupt gzip header (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    private static void checkMagic(Path file, int magic, int expected, String what) throws DatasetFormatException {
        if (magic != expected) {
            String hint = magic == IMAGES_MAGIC ? " (this is an images file)" : magic == LABELS_MAGIC ? " (this is a labels file)" : "";
            throw new DatasetFormatException(file, String.format("wrong magic number 0x%08x for an IDX %s file, expected 0x%08x%s",
                    magic, what, expected, hint));
        }
    }

    private static int readInt(Path file, DataInputStream in, String what) throws IOException {
        try {
            return in.readInt(); // big-endian, as IDX
        } catch (EOFException e) {
            throw new DatasetFormatException(file, "truncated: the header ends before the " + what, e);
        } catch (ZipException e) {
            throw new DatasetFormatException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
        }
    }

    private static int readSize(Path file, DataInputStream in, String what) throws IOException {
        int v = readInt(file, in, what);
        if (v < 0) throw new DatasetFormatException(file, "negative " + what + " " + v + " in the header");
        return v;
    }

    /**
     * Reads the n bytes the header announces, allocating only as the bytes arrive: a header that claims
     * gigabytes in a small file is reported as truncated without first allocating what it claims.
     */
    private static byte[] readExactly(Path file, DataInputStream in, int n, String what) throws IOException {
        byte[] out;
        try {
            out = in.readNBytes(n); // reads in chunks, so an absurd n costs only the bytes that exist
            if (out.length == n && in.read() != -1) {
                throw new DatasetFormatException(file, "unexpected bytes after the " + what + " that the header announces");
            }
        } catch (EOFException e) {
            throw new DatasetFormatException(file, "truncated: the compressed stream ends early (" + e.getMessage() + "); expected " + what, e);
        } catch (ZipException e) {
            throw new DatasetFormatException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
        }
        if (out.length < n) {
            throw new DatasetFormatException(file, "truncated: the header announces " + what + " (" + n + " bytes) but only "
                    + out.length + " follow");
        }
        return out;
    }
}
