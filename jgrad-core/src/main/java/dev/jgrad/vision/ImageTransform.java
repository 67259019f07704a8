package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;

/**
 * A random (or fixed) transform of one image, as a torchvision transform: all its randomness comes from
 * the generator it is given, so the same generator state gives the same output. Transforms may return
 * their input unchanged but never modify it.
 */
@FunctionalInterface
public interface ImageTransform {
    /**
     * Transforms one image.
     *
     * @param image the input, not modified
     * @param gen   the source of all randomness, advanced by however many draws the transform makes
     * @return the transformed image, or {@code image} itself when the transform leaves it unchanged
     */
    Image apply(Image image, Generator gen);
}
