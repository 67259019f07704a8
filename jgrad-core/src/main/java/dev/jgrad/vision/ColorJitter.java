package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;

import java.util.Locale;

/**
 * Random brightness and contrast changes (the part of torchvision.transforms.ColorJitter that means
 * something for grey-scale images; saturation and hue do not). Images are taken to be in [0, 1].
 *
 * <p>As torchvision: a brightness factor b uniform in [max(0, 1 - brightness), 1 + brightness] gives
 * clamp(x * b, 0, 1); a contrast factor c uniform in [max(0, 1 - contrast), 1 + contrast] gives
 * clamp(c * x + (1 - c) * m, 0, 1) with m the mean grey level of the image (for three channels the mean
 * of the ITU-R 601 luma, as torchvision's rgb_to_grayscale). The two are applied in random order; a
 * strength of 0 skips that adjustment.
 *
 * @param brightness the brightness strength, {@code >= 0} (SimCLR uses 0.8 times its colour strength)
 * @param contrast   the contrast strength, {@code >= 0}
 */
public record ColorJitter(double brightness, double contrast) implements ImageTransform {

    /**
     * Checks the strengths.
     *
     * @throws IllegalArgumentException if a strength is negative or NaN
     */
    public ColorJitter {
        if (!(brightness >= 0) || !(contrast >= 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "ColorJitter: brightness and contrast must be non-negative, got %s and %s", brightness, contrast));
        }
    }

    @Override
    public Image apply(Image image, Generator gen) {
        boolean brightnessFirst = gen.nextDouble() < 0.5;
        float b = brightness > 0 ? (float) factor(brightness, gen) : 1f;
        float c = contrast > 0 ? (float) factor(contrast, gen) : 1f;
        float[] out = image.data().clone();
        Image result = new Image(out, image.channels(), image.height(), image.width());
        if (brightnessFirst) {
            if (brightness > 0) adjustBrightness(out, b);
            if (contrast > 0) adjustContrast(result, c);
        } else {
            if (contrast > 0) adjustContrast(result, c);
            if (brightness > 0) adjustBrightness(out, b);
        }
        return result;
    }

    private static double factor(double strength, Generator gen) {
        double lo = Math.max(0, 1 - strength), hi = 1 + strength;
        return lo + (hi - lo) * gen.nextDouble();
    }

    /**
     * x * factor clamped to [0, 1], in place (torchvision's adjust_brightness).
     *
     * @param x      image values in [0, 1], overwritten
     * @param factor the brightness factor: 0 black, 1 unchanged, above 1 brighter
     */
    public static void adjustBrightness(float[] x, float factor) {
        for (int i = 0; i < x.length; i++) x[i] = clamp01(x[i] * factor);
    }

    /**
     * factor * x + (1 - factor) * mean grey, clamped to [0, 1], in place (torchvision's adjust_contrast).
     *
     * @param image  an image with values in [0, 1], overwritten
     * @param factor the contrast factor: 0 uniform grey, 1 unchanged, above 1 more contrast
     */
    public static void adjustContrast(Image image, float factor) {
        float[] x = image.data();
        float mean = (float) meanGrey(image);
        float shift = (1 - factor) * mean;
        for (int i = 0; i < x.length; i++) x[i] = clamp01(factor * x[i] + shift);
    }

    static double meanGrey(Image image) {
        float[] x = image.data();
        int hw = image.planeSize();
        double sum = 0;
        if (image.channels() == 3) {
            for (int i = 0; i < hw; i++) sum += 0.2989 * x[i] + 0.587 * x[hw + i] + 0.114 * x[2 * hw + i];
            return sum / hw;
        }
        for (float v : x) sum += v;
        return sum / x.length;
    }

    private static float clamp01(float v) {
        return v < 0f ? 0f : (v > 1f ? 1f : v);
    }
}
