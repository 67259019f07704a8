package dev.jgrad.vision;

import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * A sequence of image transforms applied in order (torchvision.transforms.Compose), to one image
 * [C, H, W] or to every image of a batch [N, C, H, W]. The result is a new tensor outside autograd.
 *
 * <p>Reproducibility: for a batch, one seed per image is drawn from the caller's generator, in order,
 * before any work starts; image i is then transformed with its own generator. The output depends only on
 * the generator's state, not on how many threads share the batch (images are split across cores with
 * {@link Parallel#forRange}), and the caller's generator advances by exactly N draws.
 *
 * <pre>{@code
 * Augment simclr = Augment.of(new RandomResizedCrop(28, 0.2, 1.0), new RandomHorizontalFlip(),
 *         new RandomApply(new ColorJitter(0.4, 0.4), 0.8));
 * Tensor view1 = simclr.apply(batch, gen), view2 = simclr.apply(batch, gen);
 * }</pre>
 */
public final class Augment implements ImageTransform {
    private final List<ImageTransform> transforms;

    private Augment(List<ImageTransform> transforms) {
        for (int i = 0; i < transforms.size(); i++) {
            if (transforms.get(i) == null) throw new IllegalArgumentException("Augment: transform " + i + " is null");
        }
        this.transforms = List.copyOf(transforms);
    }

    /**
     * The transforms, applied in the order given.
     *
     * @param transforms the pipeline's steps, none null
     * @return the pipeline
     * @throws IllegalArgumentException if a transform is null
     */
    public static Augment of(ImageTransform... transforms) {
        return new Augment(Arrays.asList(transforms));
    }

    /**
     * The transforms, applied in list order.
     *
     * @param transforms the pipeline's steps, none null
     * @return the pipeline
     * @throws NullPointerException if a transform is null
     */
    public static Augment of(List<? extends ImageTransform> transforms) {
        return new Augment(List.copyOf(transforms));
    }

    /**
     * The steps of the pipeline.
     *
     * @return an unmodifiable list, in application order
     */
    public List<ImageTransform> transforms() {
        return transforms;
    }

    @Override
    public Image apply(Image image, Generator gen) {
        for (ImageTransform t : transforms) image = t.apply(image, gen);
        return image;
    }

    /**
     * Transforms an image [C, H, W] or each image of a batch [N, C, H, W].
     *
     * @param images one image [C, H, W] or a batch [N, C, H, W]; not modified
     * @param gen    the caller's generator: a batch advances it by exactly N draws, one image by however
     *               many the transforms make
     * @return a new tensor outside autograd, of the transforms' output size
     * @throws IllegalArgumentException if {@code images} is not 3-D or 4-D
     * @throws IllegalStateException    if the images of a batch come out in different sizes
     */
    public Tensor apply(Tensor images, Generator gen) {
        int rank = images.dim();
        if (rank != 3 && rank != 4) {
            throw new IllegalArgumentException("Augment: expected an image [C, H, W] or a batch [N, C, H, W], got shape " + Shape.str(images.shape()));
        }
        if (rank == 3) {
            Image out = apply(new Image(images.toArray(), images.size(0), images.size(1), images.size(2)), gen);
            return Tensor.of(out.data(), out.channels(), out.height(), out.width());
        }
        int n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3), per = c * h * w;
        if (n == 0) return Tensor.zeros(images.shape());
        float[] src = images.contiguous().toArray();
        long[] seeds = new long[n];
        for (int i = 0; i < n; i++) seeds[i] = gen.nextLong();
        Image first = apply(new Image(Arrays.copyOfRange(src, 0, per), c, h, w), new Generator(seeds[0]));
        int outPer = first.data().length;
        float[] out = new float[n * outPer];
        System.arraycopy(first.data(), 0, out, 0, outPer);
        Parallel.forRange(n - 1, 16, (from, to) -> {
            for (int j = from; j < to; j++) {
                int i = j + 1;
                Image img = apply(new Image(Arrays.copyOfRange(src, i * per, (i + 1) * per), c, h, w), new Generator(seeds[i]));
                if (img.channels() != first.channels() || img.height() != first.height() || img.width() != first.width()) {
                    throw new IllegalStateException("Augment: image " + i + " came out as [" + img.channels() + ", " + img.height() + ", " + img.width()
                            + "] but image 0 as [" + first.channels() + ", " + first.height() + ", " + first.width()
                            + "]; a batch needs transforms with a fixed output size");
                }
                System.arraycopy(img.data(), 0, out, i * outPer, outPer);
            }
        });
        return Tensor.of(out, n, first.channels(), first.height(), first.width());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Augment(");
        for (int i = 0; i < transforms.size(); i++) sb.append(i == 0 ? "" : ", ").append(transforms.get(i));
        return sb.append(')').toString();
    }
}
