package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;

import java.util.Locale;

/**
 * Adds independent Gaussian noise N(mean, sigma^2) to every value (torchvision.transforms.v2.GaussianNoise),
 * then, with clip (the default), clamps to [0, 1].
 *
 * @param mean  the noise's mean, finite
 * @param sigma the noise's standard deviation, {@code >= 0}, in the units of the pixel values
 * @param clip  clamp the result to [0, 1] (for images not yet normalised)
 */
public record GaussianNoise(double mean, double sigma, boolean clip) implements ImageTransform {

    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if {@code sigma} is negative or NaN, or {@code mean} is not finite
     */
    public GaussianNoise {
        if (!(sigma >= 0) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "GaussianNoise: sigma must be non-negative and mean finite, got mean %s, sigma %s", mean, sigma));
        }
    }

    /**
     * Mean 0, clipped to [0, 1].
     *
     * @param sigma the noise's standard deviation, {@code >= 0} (0.1 is already visible on [0, 1] images)
     * @throws IllegalArgumentException if {@code sigma} is negative or NaN
     */
    public GaussianNoise(double sigma) {
        this(0, sigma, true);
    }

    @Override
    public Image apply(Image image, Generator gen) {
        float[] x = image.data(), out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float v = (float) (x[i] + mean + sigma * gen.nextGaussian());
            out[i] = clip ? (v < 0f ? 0f : (v > 1f ? 1f : v)) : v;
        }
        return new Image(out, image.channels(), image.height(), image.width());
    }
}
