package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;

/**
 * Mirrors the image left-right with probability p (torchvision.transforms.RandomHorizontalFlip, p = 0.5 by default).
 *
 * @param p the probability of flipping, in [0, 1]
 */
public record RandomHorizontalFlip(double p) implements ImageTransform {

    /**
     * Checks the probability.
     *
     * @throws IllegalArgumentException if {@code p} is outside [0, 1]
     */
    public RandomHorizontalFlip {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("RandomHorizontalFlip: p must be in [0, 1], got " + p);
    }

    /** Flips half the images, torchvision's default. */
    public RandomHorizontalFlip() {
        this(0.5);
    }

    @Override
    public Image apply(Image image, Generator gen) {
        if (!(gen.nextDouble() < p)) return image;
        return flip(image);
    }

    /**
     * The mirrored image.
     *
     * @param image any image
     * @return a new image, column x taken from column width - 1 - x
     */
    public static Image flip(Image image) {
        int w = image.width(), rows = image.channels() * image.height();
        float[] src = image.data(), out = new float[src.length];
        for (int r = 0; r < rows; r++) {
            int base = r * w;
            for (int x = 0; x < w; x++) out[base + x] = src[base + w - 1 - x];
        }
        return new Image(out, image.channels(), image.height(), image.width());
    }
}
