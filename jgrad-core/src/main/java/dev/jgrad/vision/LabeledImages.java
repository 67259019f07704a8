package dev.jgrad.vision;

import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * An in-memory image classification dataset: images [N, C, H, W] (float), labels [N] (class indices into
 * classes) and the class names. The constructor checks that the three agree.
 *
 * @param images  the images, of shape [N, C, H, W]
 * @param labels  the class index of each image, of shape [N], each in [0, classes.size())
 * @param classes the class names, in index order (copied)
 */
public record LabeledImages(Tensor images, IntTensor labels, List<String> classes) {

    /**
     * Checks that images, labels and classes agree.
     *
     * @throws IllegalArgumentException if images are not 4-D, the counts differ or a label is not a class index
     */
    public LabeledImages {
        if (images.dim() != 4) {
            throw new IllegalArgumentException("LabeledImages: images must be [N, C, H, W], got shape " + Shape.str(images.shape()));
        }
        if (labels.dim() != 1 || labels.size(0) != images.size(0)) {
            throw new IllegalArgumentException("LabeledImages: " + images.size(0) + " images (shape " + Shape.str(images.shape())
                    + ") but labels of shape " + Shape.str(labels.shape()));
        }
        classes = List.copyOf(classes);
        int[] l = labels.data();
        for (int i = 0; i < l.length; i++) {
            if (l[i] < 0 || l[i] >= classes.size()) {
                throw new IllegalArgumentException("LabeledImages: label " + l[i] + " of image " + i + " is not one of the "
                        + classes.size() + " classes " + classes);
            }
        }
    }

    /**
     * Number of images.
     *
     * @return N
     */
    public int size() {
        return images.size(0);
    }

    /**
     * Number of classes: the classifier's output size.
     *
     * @return {@code classes().size()}
     */
    public int numClasses() {
        return classes.size();
    }

    /**
     * [C, H, W] of one image.
     *
     * @return a new array of three sizes
     */
    public int[] imageShape() {
        int[] s = images.shape();
        return Arrays.copyOfRange(s, 1, 4);
    }

    /**
     * Images [from, to) as a new dataset sharing the image storage (for a train/validation split).
     *
     * @param from the first image, inclusive
     * @param to   the last image, exclusive
     * @return the slice, with the same classes
     * @throws IndexOutOfBoundsException if the range is not within [0, size()]
     */
    public LabeledImages slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("LabeledImages.slice: [" + from + ", " + to + ") is not within the " + size() + " images");
        }
        return new LabeledImages(images.narrow(0, from, to - from), IntTensor.of(Arrays.copyOfRange(labels.data(), from, to), to - from), classes);
    }

    /**
     * The same labels with images transformed (for example by {@link Normalize#apply}).
     *
     * @param newImages images of shape [N, C', H', W'] with the same N
     * @return a new dataset
     * @throws IllegalArgumentException if the images are not 4-D or their number differs
     */
    public LabeledImages withImages(Tensor newImages) {
        return new LabeledImages(newImages, labels, classes);
    }
}
