package dev.jgrad.vision;

import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder of images per class (torchvision.datasets.ImageFolder): {@code root/<class>/**.png|jpg|jpeg|bmp},
 * read with javax.imageio into one in-memory tensor [N, C, H, W] of floats in [0, 1].
 *
 * <p>Classes are the sub-directories of root in sorted order (class index = position), images are the
 * files under each class directory (recursively) in sorted path order, as torchvision does; names starting
 * with "." are skipped, and other extensions are ignored. A class without images is an error.
 *
 * <p>Sizes: by default ({@link Options#sameSize()}) every image must have the size of the first one, and a
 * different one is an error naming both files. {@link Options#resizeTo} instead resizes every image to
 * height x width by bilinear interpolation with half-pixel centres and no antialiasing (what
 * torch.nn.functional.interpolate(mode="bilinear", align_corners=False) does); it is meant for modest
 * changes of size.
 *
 * <p>Channels: RGB (3) by default, alpha dropped; with grayscale, one channel L = 0.299 R + 0.587 G + 0.114 B
 * rounded as PIL's convert("L"). Grey images are read from their raw samples (not through Java's colour
 * conversion, which would change their values). An unreadable or undecodable image is a
 * {@link DatasetFormatException} naming the file. Images are decoded in parallel.
 */
public final class ImageFolder {
    private ImageFolder() {}

    /**
     * Size policy and channels: height and width 0 mean "all images must have one size".
     *
     * @param height    the height every image is resized to, or 0 to keep one common size
     * @param width     the width every image is resized to, or 0 (both or neither are 0)
     * @param grayscale read one luma channel instead of RGB
     */
    public record Options(int height, int width, boolean grayscale) {
        /**
         * Checks the sizes.
         *
         * @throws IllegalArgumentException if a size is negative or only one of them is 0
         */
        public Options {
            if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
                throw new IllegalArgumentException("ImageFolder.Options: height and width must both be positive (resize) or both 0 (one size), got "
                        + height + " x " + width);
            }
        }

        /**
         * Every image must have one size (that of the first image); RGB.
         *
         * @return the default options
         */
        public static Options sameSize() {
            return new Options(0, 0, false);
        }

        /**
         * Every image is resized to height x width; RGB.
         *
         * @param height the target height in pixels, positive
         * @param width  the target width in pixels, positive
         * @return the options
         * @throws IllegalArgumentException if a size is not positive
         */
        public static Options resizeTo(int height, int width) {
            if (height < 1 || width < 1) throw new IllegalArgumentException("ImageFolder.Options.resizeTo: size must be positive, got " + height + " x " + width);
            return new Options(height, width, false);
        }

        /**
         * A copy reading one grey channel (PIL's convert("L")) or RGB.
         *
         * @param grayscale true for one channel
         * @return the new options
         */
        public Options withGrayscale(boolean grayscale) {
            return new Options(height, width, grayscale);
        }

        boolean resize() {
            return height > 0;
        }
    }

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp");

    /**
     * All images under root, RGB, all of one size.
     *
     * @param root the directory holding one sub-directory per class
     * @return the images [N, 3, H, W] in [0, 1], their labels and the class names
     * @throws DatasetFormatException if root is not a directory, has no class, a class has no image, an
     *                                image cannot be decoded or its size differs from the first image's
     * @throws IOException            if a directory or file cannot be read
     */
    public static LabeledImages load(Path root) throws IOException {
        return load(root, Options.sameSize());
    }

    /**
     * All images under root, with the given size policy and channels.
     *
     * @param root    the directory holding one sub-directory per class
     * @param options one common size or a resize, RGB or grey
     * @return the images [N, C, H, W] in [0, 1], their labels and the class names
     * @throws DatasetFormatException if root is not a directory, has no class, a class has no image, an
     *                                image cannot be decoded, or (without resize) the sizes differ
     * @throws IOException            if a directory or file cannot be read
     */
    public static LabeledImages load(Path root, Options options) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new DatasetFormatException(root, Files.exists(root) ? "is not a directory" : "no such directory");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            for (Path dir : s.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList()) {
                List<Path> images;
                try (Stream<Path> w = Files.walk(dir)) {
                    images = w.filter(Files::isRegularFile).filter(p -> !hidden(p)).filter(ImageFolder::isImage).sorted().toList();
                }
                if (images.isEmpty()) {
                    throw new DatasetFormatException(dir, "found no image file (" + String.join(", ", EXTENSIONS) + ") for class '"
                            + dir.getFileName() + "'");
                }
                for (Path f : images) {
                    files.add(f);
                    labels.add(classes.size());
                }
                classes.add(dir.getFileName().toString());
            }
        }
        if (classes.isEmpty()) throw new DatasetFormatException(root, "has no class sub-directories (expected root/<class>/<image>)");

        int n = files.size(), c = options.grayscale() ? 1 : 3;
        float[][] decoded = new float[n][];
        int[][] sizes = new int[n][];
        try {
            Parallel.forRange(n, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    try {
                        BufferedImage img = read(files.get(i));
                        sizes[i] = new int[] {img.getHeight(), img.getWidth()};
                        float[] px = pixels(img, options.grayscale());
                        decoded[i] = options.resize() ? resize(px, c, img.getHeight(), img.getWidth(), options.height(), options.width()) : px;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        int h = options.resize() ? options.height() : sizes[0][0], w = options.resize() ? options.width() : sizes[0][1];
        if (!options.resize()) {
            for (int i = 1; i < n; i++) {
                if (sizes[i][0] != h || sizes[i][1] != w) {
                    throw new DatasetFormatException(files.get(i), String.format(Locale.ROOT,
                            "image is %dx%d (height x width) but %s is %dx%d; all images must have one size, or use ImageFolder.Options.resizeTo",
                            sizes[i][0], sizes[i][1], files.get(0), h, w));
                }
            }
        }
        int per = c * h * w;
        float[] data = new float[n * per];
        for (int i = 0; i < n; i++) {
            System.arraycopy(decoded[i], 0, data, i * per, per);
            decoded[i] = null;
        }
        int[] l = labels.stream().mapToInt(Integer::intValue).toArray();
        return new LabeledImages(Tensor.of(data, n, c, h, w), IntTensor.of(l, n), classes);
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String e : EXTENSIONS) if (name.endsWith(e)) return true;
        return false;
    }

    private static BufferedImage read(Path file) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DatasetFormatException(file, "cannot read the image: " + e.getMessage(), e);
        }
        if (img == null) throw new DatasetFormatException(file, "cannot read the image: not a format that javax.imageio can decode (or corrupt)");
        if (img.getWidth() < 1 || img.getHeight() < 1) throw new DatasetFormatException(file, "the image is empty");
        return img;
    }

    /** [C, H, W] in [0, 1]: C = 1 (grayscale) or 3. */
    static float[] pixels(BufferedImage img, boolean grayscale) {
        int h = img.getHeight(), w = img.getWidth(), hw = h * w;
        Raster raster = img.getRaster();
        boolean greySource = raster.getNumBands() == 1 && img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        float[] out = new float[(grayscale ? 1 : 3) * hw];
        if (greySource) {
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    out[y * w + x] = v;
                    if (!grayscale) {
                        out[hw + y * w + x] = v;
                        out[2 * hw + y * w + x] = v;
                    }
                }
            }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int rgb = row[x], r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                if (grayscale) {
                    out[y * w + x] = ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16) / 255f; // PIL's L
                } else {
                    out[y * w + x] = r / 255f;
                    out[hw + y * w + x] = g / 255f;
                    out[2 * hw + y * w + x] = b / 255f;
                }
            }
        }
        return out;
    }

    /** Bilinear resize of [C, h, w] to [C, oh, ow] with half-pixel centres (align_corners=False), edges clamped. */
    static float[] resize(float[] src, int c, int h, int w, int oh, int ow) {
        if (h == oh && w == ow) return src;
        float[] out = new float[c * oh * ow];
        int[] x0 = new int[ow], x1 = new int[ow];
        float[] fx = new float[ow];
        for (int x = 0; x < ow; x++) {
            float sx = Math.max(0f, (x + 0.5f) * w / ow - 0.5f);
            x0[x] = Math.min((int) sx, w - 1);
            x1[x] = Math.min(x0[x] + 1, w - 1);
            fx[x] = sx - x0[x];
        }
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * h * w;
            for (int y = 0; y < oh; y++) {
                float sy = Math.max(0f, (y + 0.5f) * h / oh - 0.5f);
                int y0 = Math.min((int) sy, h - 1), y1 = Math.min(y0 + 1, h - 1);
                float fy = sy - y0;
                int r0 = plane + y0 * w, r1 = plane + y1 * w, o = (ch * oh + y) * ow;
                for (int x = 0; x < ow; x++) {
                    float top = src[r0 + x0[x]] * (1 - fx[x]) + src[r0 + x1[x]] * fx[x];
                    float bottom = src[r1 + x0[x]] * (1 - fx[x]) + src[r1 + x1[x]] * fx[x];
                    out[o + x] = top * (1 - fy) + bottom * fy;
                }
            }
        }
        return out;
    }
}
