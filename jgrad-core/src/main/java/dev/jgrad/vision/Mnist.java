package dev.jgrad.vision;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * MNIST and Fashion-MNIST from a directory holding the four original IDX files
 * ({@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz},
 * {@code t10k-labels-idx1-ubyte.gz}; the uncompressed names without .gz work too), as in
 * /work/shared/data/mnist and /work/shared/data/fashion-mnist.
 *
 * <p>Images are [N, 1, 28, 28] floats in [0, 1] (normalise with {@link Normalize#MNIST} or
 * {@link Normalize#FASHION_MNIST}), labels [N] in 0..9. Images and labels of a split must agree in count,
 * and labels must be digits: otherwise a {@link DatasetFormatException} names the files.
 *
 * <pre>{@code
 * LabeledImages train = Mnist.load(Path.of("/work/shared/data/mnist"), Mnist.Split.TRAIN);
 * Tensor x = Normalize.MNIST.apply(train.images());
 * }</pre>
 */
public final class Mnist {
    private Mnist() {}

    /** The training set (60,000 images) or the test set (10,000; files named t10k-*). */
    public enum Split {
        /** The 60,000 training images, files {@code train-*}. */
        TRAIN("train"),
        /** The 10,000 test images, files {@code t10k-*}. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /**
         * The file name stem: "train" or "t10k".
         *
         * @return the prefix of the split's file names
         */
        public String prefix() {
            return prefix;
        }
    }

    /** MNIST's class names, "0" to "9". */
    public static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    /** Fashion-MNIST's class names, in label order ("T-shirt/top" is 0, "Ankle boot" 9). */
    public static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot");

    /**
     * MNIST digits, classes "0".."9".
     *
     * @param dir   the directory of the four IDX files
     * @param split the training or the test set
     * @return images [N, 1, 28, 28] in [0, 1] and their labels
     * @throws DatasetFormatException if a file is missing or malformed, or the counts differ
     * @throws IOException            if a file cannot be read
     */
    public static LabeledImages load(Path dir, Split split) throws IOException {
        return load(dir, split, DIGITS);
    }

    /**
     * Fashion-MNIST (same files and format), with its class names.
     *
     * @param dir   the directory of the four IDX files
     * @param split the training or the test set
     * @return images [N, 1, 28, 28] in [0, 1] and their labels
     * @throws DatasetFormatException if a file is missing or malformed, or the counts differ
     * @throws IOException            if a file cannot be read
     */
    public static LabeledImages loadFashion(Path dir, Split split) throws IOException {
        return load(dir, split, FASHION_CLASSES);
    }

    /**
     * Any IDX image/label pair in MNIST's layout, with the given class names (labels must index them).
     *
     * @param dir     the directory of the IDX files
     * @param split   which pair of files to read
     * @param classes the class names, in label order
     * @return images [N, 1, rows, cols] in [0, 1] and their labels
     * @throws DatasetFormatException if a file is missing or malformed, the counts differ or a label is not
     *                                a class index
     * @throws IOException            if a file cannot be read
     */
    public static LabeledImages load(Path dir, Split split, List<String> classes) throws IOException {
        Path imagesFile = find(dir, split.prefix() + "-images-idx3-ubyte");
        Path labelsFile = find(dir, split.prefix() + "-labels-idx1-ubyte");
        Tensor images = IdxFile.readImages(imagesFile);
        IntTensor labels = IdxFile.readLabels(labelsFile);
        if (images.size(0) != labels.size(0)) {
            throw new DatasetFormatException(labelsFile, labels.size(0) + " labels, but " + imagesFile + " holds " + images.size(0) + " images");
        }
        int[] l = labels.data();
        for (int i = 0; i < l.length; i++) {
            if (l[i] >= classes.size()) {
                throw new DatasetFormatException(labelsFile, "label " + l[i] + " at index " + i + " is not one of the " + classes.size() + " classes");
            }
        }
        return new LabeledImages(images, labels, classes);
    }

    private static Path find(Path dir, String stem) throws DatasetFormatException {
        Path gz = dir.resolve(stem + ".gz"), plain = dir.resolve(stem);
        if (Files.isRegularFile(gz)) return gz;
        if (Files.isRegularFile(plain)) return plain;
        throw new DatasetFormatException(gz, Files.isDirectory(dir) ? "no such file (nor " + plain.getFileName() + ")" : "the directory " + dir + " does not exist");
    }
}
