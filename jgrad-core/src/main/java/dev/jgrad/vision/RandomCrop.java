package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;

/**
 * Pads the image by {@code padding} on every side and cuts a window of the original size at a random
 * place: torchvision's {@code RandomCrop(size, padding=p, padding_mode='edge')}, the classic augmentation
 * for small-image classifiers (CIFAR, Fashion-MNIST). The padding repeats the nearest edge pixel rather than
 * a constant, because the images arrive already normalised: a constant 0 would be the data set's mean grey,
 * not the black border the image had.
 *
 * @param padding the largest shift in pixels along each axis, {@code >= 0} (4 for 32x32 CIFAR images)
 */
public record RandomCrop(int padding) implements ImageTransform {

    /**
     * Checks the padding.
     *
     * @throws IllegalArgumentException if {@code padding} is negative
     */
    public RandomCrop {
        if (padding < 0) throw new IllegalArgumentException("RandomCrop: padding must be >= 0, got " + padding);
    }

    @Override
    public Image apply(Image image, Generator gen) {
        if (padding == 0) return image;
        // Offsets of the window in the padded image, uniform over the 2p + 1 positions as torchvision draws them.
        int dy = gen.nextInt(2 * padding + 1) - padding;
        int dx = gen.nextInt(2 * padding + 1) - padding;
        return shift(image, dy, dx);
    }

    /**
     * The image seen through a window moved by (dy, dx), edge pixels repeated where it leaves the image.
     *
     * @param image any image
     * @param dy    rows to move the window down (negative: up)
     * @param dx    columns to move the window right (negative: left)
     * @return a new image of the same size
     */
    public static Image shift(Image image, int dy, int dx) {
        int c = image.channels(), h = image.height(), w = image.width();
        float[] src = image.data(), out = new float[src.length];
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * h * w;
            for (int y = 0; y < h; y++) {
                int sy = Math.clamp(y + dy, 0, h - 1);
                int srcRow = plane + sy * w, outRow = plane + y * w;
                for (int x = 0; x < w; x++) out[outRow + x] = src[srcRow + Math.clamp(x + dx, 0, w - 1)];
            }
        }
        return new Image(out, c, h, w);
    }
}
