package dev.jgrad.cli;

import dev.jgrad.inference.ImageEmbedder;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Mnist;
import dev.jgrad.vision.Normalize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the representation-learning commands (simclr, linear-probe, supervised, visualize) share: the image
 * data (Fashion-MNIST by default, from the data-set cache), its normalisation, and
 * loading an encoder from a checkpoint of any of them.
 */
final class RepresentationData {
    private RepresentationData() {}

    static final String DATA_HELP = "fashion-mnist, mnist (" + DefaultData.CACHE + ") or a directory with the four "
            + "MNIST-style IDX files (default: ${DEFAULT-VALUE}).";

    static boolean isFashion(String data) {
        return data.toLowerCase(Locale.ROOT).contains("fashion");
    }

    /** The training or test split, with Fashion-MNIST's class names when that is the data. */
    static LabeledImages load(String data, Mnist.Split split) throws IOException {
        Path dir = DefaultData.imageData(data);
        return isFashion(data) || dir.toString().toLowerCase(Locale.ROOT).contains("fashion")
                ? Mnist.loadFashion(dir, split) : Mnist.load(dir, split);
    }

    /** The usual constants for MNIST and Fashion-MNIST, else the statistics of the given training images. */
    static Normalize normalizer(String data, Tensor trainImages) throws IOException {
        String d = data.toLowerCase(Locale.ROOT);
        if (isFashion(d) || DefaultData.imageData(data).toString().toLowerCase(Locale.ROOT).contains("fashion")) return Normalize.FASHION_MNIST;
        if (d.equals("mnist")) return Normalize.MNIST;
        return Normalize.fit(trainImages);
    }

    /** The first n images (all when n is 0 or more than there are). */
    static LabeledImages limit(LabeledImages d, int n) {
        return n > 0 && n < d.size() ? d.slice(0, n) : d;
    }

    /**
     * The encoder of a simclr or supervised checkpoint (a run directory or its model.safetensors), with the input
     * normalisation it was trained with.
     */
    static ImageEmbedder loadEncoder(Path checkpoint) throws IOException {
        ImageEmbedder loaded = ImageEmbedder.load(checkpoint);
        if (loaded.encoder() == null) {
            throw new IllegalArgumentException(checkpoint + " holds an image classifier, not an image encoder; expected a checkpoint written by 'jgrad simclr' or "
                    + "'jgrad supervised'");
        }
        return loaded;
    }
}
