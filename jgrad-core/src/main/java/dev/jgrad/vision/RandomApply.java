package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;

/** Applies a transform with probability p, else passes the image through (torchvision.transforms.RandomApply). */
public record RandomApply(ImageTransform transform, double p) implements ImageTransform {

    public RandomApply {
        if (transform == null) throw new IllegalArgumentException("RandomApply: transform must not be null");
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("RandomApply: p must be in [0, 1], got " + p);
    }

    @Override
    public Image apply(Image image, Generator gen) {
        return gen.nextDouble() < p ? transform.apply(image, gen) : image;
    }
}
