package dev.jgrad.cli;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.DatasetFormatException;
import dev.jgrad.vision.IdxFile;
import dev.jgrad.vision.ImageFolder;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Mnist;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The labelled image data of {@code jgrad train images} and {@code jgrad finetune} (a picocli mixin):
 * MNIST or Fashion-MNIST from the data-set cache, a directory of IDX files, a folder of images per
 * class, and a seeded class-balanced subset of the training labels.
 */
final class ImageDataOptions {

    @Option(names = "--data", paramLabel = "NAME|DIR", defaultValue = "mnist",
            description = "mnist, fashion-mnist (" + DefaultData.CACHE + "), a directory with MNIST-style IDX files "
                    + "(train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...), or a directory with train/ and test/ "
                    + "folders of one sub-folder of images per class (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--train", paramLabel = "PATH",
            description = "Training images instead of --data's: an IDX images file (its labels file beside it) or a folder of class folders.")
    Path train;

    @Option(names = "--test", paramLabel = "PATH",
            description = "Test images instead of --data's, in the same forms; without any test set, --test-fraction of the training images is held out.")
    Path test;

    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.1",
            description = "Share of the training images held out for testing when there is no test set (default: ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--labels", paramLabel = "N", defaultValue = "0",
            description = "Train on a seeded, class-balanced subset of N labelled images, 0 for all (default: ${DEFAULT-VALUE}).")
    int labels;

    @Option(names = "--image-size", paramLabel = "H[xW]",
            description = "Resize folder images to this size (bilinear); by default they must all have one size.")
    String imageSize;

    @Option(names = "--grayscale", description = "Read folder images as one grey channel (default: RGB).")
    boolean grayscale;

    /** Training and test sets and what to call them. */
    record Loaded(LabeledImages train, LabeledImages test, String name) {}

    /** Reads the data, applies --labels (seeded by {@code seed}) and says what it found. */
    Loaded load(long seed, PrintStream console) throws IOException {
        if (labels < 0) throw new IllegalArgumentException("--labels must be >= 0 (0 = all), got " + labels);
        if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("--test-fraction must be in (0, 1), got " + testFraction);
        LabeledImages trainSet, testSet;
        String name;
        if (train != null) {
            trainSet = read(train);
            testSet = test == null ? null : read(test);
            name = train.toString();
        } else {
            Path dir = DefaultData.imageData(data);
            name = data;
            if (isIdxDir(dir)) {
                trainSet = idx(dir, "train");
                testSet = Files.exists(dir.resolve("t10k-images-idx3-ubyte.gz")) || Files.exists(dir.resolve("t10k-images-idx3-ubyte"))
                        ? idx(dir, "t10k") : null;
            } else if (Files.isDirectory(dir.resolve("train"))) {
                trainSet = ImageFolder.load(dir.resolve("train"), folderOptions());
                testSet = Files.isDirectory(dir.resolve("test")) ? ImageFolder.load(dir.resolve("test"), folderOptions()) : null;
            } else {
                throw new DatasetFormatException(dir, "holds neither MNIST-style IDX files (train-images-idx3-ubyte[.gz]) nor a train/ folder of class folders");
            }
            if (test != null) testSet = read(test);
        }
        if (testSet == null) {
            LabeledImages shuffled = shuffle(trainSet, new Generator(seed ^ 0x7E57L));
            int held = Math.max(1, (int) Math.round(trainSet.size() * testFraction));
            if (held >= trainSet.size()) throw new IllegalArgumentException("too few images (" + trainSet.size() + ") to hold out a test set");
            testSet = shuffled.slice(0, held);
            trainSet = shuffled.slice(held, shuffled.size());
            console.printf(Locale.ROOT, "no test set: %,d training images held out for testing (--test-fraction %s)%n", held, testFraction);
        }
        if (!trainSet.classes().equals(testSet.classes())) {
            throw new IllegalArgumentException("the training and test sets have different classes: " + trainSet.classes() + " and " + testSet.classes());
        }
        if (!java.util.Arrays.equals(trainSet.imageShape(), testSet.imageShape())) {
            throw new IllegalArgumentException("training images are " + shape(trainSet) + " but test images " + shape(testSet) + "; use --image-size");
        }
        int all = trainSet.size();
        if (labels > 0) trainSet = balancedSubset(trainSet, labels, seed);
        console.printf(Locale.ROOT, "data: %s, %d classes, images %s; %,d training images%s, %,d test images%n", name, trainSet.numClasses(),
                shape(trainSet), trainSet.size(), labels > 0 ? String.format(Locale.ROOT, " (a class-balanced subset of %,d, seed %d)", all, seed) : "",
                testSet.size());
        return new Loaded(trainSet, testSet, name);
    }

    /** The data settings a resumed run must repeat: what was read, how much of it, and the subset's seed. */
    Map<String, String> settings(Loaded loaded, int trainImages, long seed) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("data", loaded.name());
        c.put("train_images", Integer.toString(trainImages));
        c.put("labels", Integer.toString(labels));
        c.put("seed", Long.toString(seed));
        return c;
    }

    private ImageFolder.Options folderOptions() {
        ImageFolder.Options o = ImageFolder.Options.sameSize();
        if (imageSize != null) {
            String[] hw = imageSize.toLowerCase(Locale.ROOT).split("x");
            try {
                int h = Integer.parseInt(hw[0].strip()), w = hw.length > 1 ? Integer.parseInt(hw[1].strip()) : h;
                if (hw.length > 2 || h < 1 || w < 1) throw new NumberFormatException();
                o = ImageFolder.Options.resizeTo(h, w);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--image-size must be N or HxW with positive integers, got '" + imageSize + "'");
            }
        }
        return o.withGrayscale(grayscale);
    }

    private LabeledImages read(Path p) throws IOException {
        if (Files.isDirectory(p)) return ImageFolder.load(p, folderOptions());
        String file = p.getFileName().toString();
        if (!file.contains("images-idx3-ubyte")) {
            throw new DatasetFormatException(p, "is neither a folder of class folders nor an IDX images file (*-images-idx3-ubyte[.gz])");
        }
        Path labelFile = p.resolveSibling(file.replace("images-idx3-ubyte", "labels-idx1-ubyte"));
        return idxPair(p, labelFile);
    }

    private static boolean isIdxDir(Path dir) {
        return Files.exists(dir.resolve("train-images-idx3-ubyte.gz")) || Files.exists(dir.resolve("train-images-idx3-ubyte"));
    }

    private static LabeledImages idx(Path dir, String stem) throws IOException {
        Path images = dir.resolve(stem + "-images-idx3-ubyte.gz"), labelFile = dir.resolve(stem + "-labels-idx1-ubyte.gz");
        if (!Files.exists(images)) images = dir.resolve(stem + "-images-idx3-ubyte");
        if (!Files.exists(labelFile)) labelFile = dir.resolve(stem + "-labels-idx1-ubyte");
        return idxPair(images, labelFile);
    }

    /** An IDX image/label pair; classes are named after the dataset when it is MNIST or Fashion-MNIST, else "0".."max". */
    private static LabeledImages idxPair(Path images, Path labelFile) throws IOException {
        if (!Files.isRegularFile(labelFile)) throw new DatasetFormatException(labelFile, "no such labels file (expected beside " + images.getFileName() + ")");
        Tensor x = IdxFile.readImages(images);
        IntTensor y = IdxFile.readLabels(labelFile);
        if (x.size(0) != y.size(0)) {
            throw new DatasetFormatException(labelFile, y.size(0) + " labels, but " + images + " holds " + x.size(0) + " images");
        }
        int max = 0;
        for (int l : y.data()) max = Math.max(max, l);
        List<String> classes;
        String where = images.toAbsolutePath().normalize().toString().toLowerCase(Locale.ROOT);
        if (max < 10 && where.contains("fashion")) {
            classes = Mnist.FASHION_CLASSES;
        } else {
            classes = new ArrayList<>();
            for (int i = 0; i <= Math.max(max, 1); i++) classes.add(Integer.toString(i));
        }
        return new LabeledImages(x, y, classes);
    }

    /**
     * n images with labels spread evenly over the classes (the first n % classes get one more), each class's
     * drawn at random without replacement from a generator seeded with {@code seed}; in shuffled order.
     */
    static LabeledImages balancedSubset(LabeledImages d, int n, long seed) {
        int k = d.numClasses();
        if (n >= d.size()) return d;
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < k; c++) byClass.add(new ArrayList<>());
        int[] labels = d.labels().data();
        for (int i = 0; i < labels.length; i++) byClass.get(labels[i]).add(i);
        Generator gen = new Generator(seed);
        List<Integer> picked = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            int want = n / k + (c < n % k ? 1 : 0);
            List<Integer> pool = byClass.get(c);
            if (pool.size() < want) {
                throw new IllegalArgumentException("--labels " + n + ": class '" + d.classes().get(c) + "' has only " + pool.size()
                        + " images, fewer than the " + want + " a balanced subset needs");
            }
            for (int i = 0; i < want; i++) { // partial Fisher-Yates
                int j = i + gen.nextInt(pool.size() - i);
                Integer t = pool.get(i);
                pool.set(i, pool.get(j));
                pool.set(j, t);
                picked.add(pool.get(i));
            }
        }
        int[] idx = picked.stream().mapToInt(Integer::intValue).toArray();
        shuffleInPlace(idx, gen);
        return select(d, idx);
    }

    private static LabeledImages shuffle(LabeledImages d, Generator gen) {
        int[] idx = new int[d.size()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        shuffleInPlace(idx, gen);
        return select(d, idx);
    }

    private static void shuffleInPlace(int[] a, Generator gen) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static LabeledImages select(LabeledImages d, int[] idx) {
        IntTensor index = IntTensor.of(idx, idx.length);
        int[] labels = d.labels().data(), picked = new int[idx.length];
        for (int i = 0; i < idx.length; i++) picked[i] = labels[idx[i]];
        return new LabeledImages(d.images().indexSelect(0, index).contiguous(), IntTensor.of(picked, idx.length), d.classes());
    }

    private static String shape(LabeledImages d) {
        int[] s = d.imageShape();
        return s[0] + "x" + s[1] + "x" + s[2];
    }
}
