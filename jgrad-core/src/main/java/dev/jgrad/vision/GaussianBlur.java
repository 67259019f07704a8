package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;

import java.util.Locale;

/**
 * Blurs with a Gaussian kernel of a random standard deviation (torchvision.transforms.GaussianBlur):
 * sigma uniform in [sigmaMin, sigmaMax], an odd kernelSize x kernelSize kernel exp(-x^2 / (2 sigma^2))
 * normalised to sum 1, applied separably with reflect padding (the border pixel is not repeated), as
 * torchvision does.
 *
 * @param kernelSize the side of the kernel in pixels, odd and positive (about a tenth of the image size)
 * @param sigmaMin   the smallest standard deviation in pixels, positive
 * @param sigmaMax   the largest standard deviation in pixels, at least {@code sigmaMin}
 */
public record GaussianBlur(int kernelSize, double sigmaMin, double sigmaMax) implements ImageTransform {

    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if the kernel size is not positive and odd, or the sigmas do not
     *                                  satisfy {@code 0 < sigmaMin <= sigmaMax < infinity}
     */
    public GaussianBlur {
        if (kernelSize < 1 || kernelSize % 2 == 0) throw new IllegalArgumentException("GaussianBlur: kernel size must be a positive odd number, got " + kernelSize);
        if (!(sigmaMin > 0 && sigmaMin <= sigmaMax && Double.isFinite(sigmaMax))) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "GaussianBlur: sigma must satisfy 0 < min <= max, got (%s, %s)", sigmaMin, sigmaMax));
        }
    }

    @Override
    public Image apply(Image image, Generator gen) {
        double sigma = sigmaMin + (sigmaMax - sigmaMin) * gen.nextDouble();
        return blur(image, kernelSize, sigma);
    }

    /**
     * torchvision's _get_gaussian_kernel1d.
     *
     * @param size  the number of taps, odd
     * @param sigma the standard deviation in pixels, positive
     * @return the normalised 1-D kernel, summing to 1
     */
    public static float[] kernel(int size, double sigma) {
        float[] k = new float[size];
        double half = (size - 1) / 2.0, sum = 0;
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            double x = (i - half) / sigma;
            v[i] = Math.exp(-0.5 * x * x);
            sum += v[i];
        }
        for (int i = 0; i < size; i++) k[i] = (float) (v[i] / sum);
        return k;
    }

    /**
     * The image convolved with the separable kernel, reflect-padded.
     *
     * @param image the image; each side must exceed size / 2
     * @param size  the kernel side, odd
     * @param sigma the standard deviation in pixels, positive
     * @return a new blurred image of the same size
     * @throws IllegalArgumentException if the image is too small for the reflect padding
     */
    public static Image blur(Image image, int size, double sigma) {
        int h = image.height(), w = image.width(), r = size / 2;
        if (r >= h || r >= w) {
            throw new IllegalArgumentException("GaussianBlur: reflect padding of " + r + " needs an image larger than " + r + " pixels each way, got "
                    + h + "x" + w);
        }
        float[] k = kernel(size, sigma);
        float[] src = image.data(), tmp = new float[w], out = new float[src.length];
        float[] col = new float[h * w];
        for (int c = 0; c < image.channels(); c++) {
            int plane = c * h * w;
            for (int y = 0; y < h; y++) { // horizontal pass into col
                int row = plane + y * w;
                for (int x = 0; x < w; x++) {
                    float s = 0;
                    for (int t = -r; t <= r; t++) s += k[t + r] * src[row + reflect(x + t, w)];
                    tmp[x] = s;
                }
                System.arraycopy(tmp, 0, col, y * w, w);
            }
            for (int y = 0; y < h; y++) { // vertical pass
                int o = plane + y * w;
                for (int x = 0; x < w; x++) out[o + x] = 0f;
                for (int t = -r; t <= r; t++) {
                    float kt = k[t + r];
                    int rowOff = reflect(y + t, h) * w;
                    for (int x = 0; x < w; x++) out[o + x] += kt * col[rowOff + x];
                }
            }
        }
        return new Image(out, image.channels(), h, w);
    }

    /** Reflect padding: -1 -> 1, n -> n - 2. */
    private static int reflect(int i, int n) {
        if (i < 0) return -i;
        if (i >= n) return 2 * n - 2 - i;
        return i;
    }
}
