package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;

/**
 * Applies a transform with probability p, else passes the image through (torchvision.transforms.RandomApply).
 *
 * @param transform the transform to apply sometimes
 * @param p         the probability of applying it, in [0, 1]
 */
public record RandomApply(ImageTransform transform, double p) implements ImageTransform {

    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if {@code transform} is null or {@code p} is outside [0, 1]
     */
    public RandomApply {
        if (transform == null) throw new IllegalArgumentException("RandomApply: transform must not be null");
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("RandomApply: p must be in [0, 1], got " + p);
    }

    @Override
    public Image apply(Image image, Generator gen) {
        return gen.nextDouble() < p ? transform.apply(image, gen) : image;
    }
}
