package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;

/**
 * A random (or fixed) transform of one image, as a torchvision transform: all its randomness comes from
 * the generator it is given, so the same generator state gives the same output. Transforms may return
 * their input unchanged but never modify it.
 */
@FunctionalInterface
public interface ImageTransform {
    Image apply(Image image, Generator gen);
}
