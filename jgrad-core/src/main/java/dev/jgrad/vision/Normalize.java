package dev.jgrad.vision;

import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-channel standardisation, (x - mean[c]) / std[c] (torchvision.transforms.Normalize), for image
 * tensors [N, C, H, W] or [C, H, W]; the constants of the usual datasets, and {@link #fit} to compute
 * them from a training set.
 *
 * @param mean the mean of each channel (copied)
 * @param std  the standard deviation of each channel, positive (copied)
 */
public record Normalize(float[] mean, float[] std) {

    /** MNIST's pixel mean and standard deviation on [0, 1] images (the values everyone uses). */
    public static final Normalize MNIST = new Normalize(new float[] {0.1307f}, new float[] {0.3081f});
    /** Fashion-MNIST's, computed on its training set. */
    public static final Normalize FASHION_MNIST = new Normalize(new float[] {0.2860f}, new float[] {0.3530f});
    /** CIFAR-10's per-channel RGB statistics. */
    public static final Normalize CIFAR10 = new Normalize(new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f});
    /** ImageNet's, which pretrained torchvision models expect. */
    public static final Normalize IMAGENET = new Normalize(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    /**
     * Checks and copies the statistics.
     *
     * @throws IllegalArgumentException if there are no channels, the lengths differ or a std is not positive
     */
    public Normalize {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize: mean and std need one value per channel, got " + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) throw new IllegalArgumentException("Normalize: std must be positive, got " + Arrays.toString(std));
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The metadata keys under which checkpoints keep a normalisation. */
    public static final String MEAN_KEY = "normalize.mean", STD_KEY = "normalize.std";

    /**
     * The normalisation a checkpoint's metadata records under {@value #MEAN_KEY} and {@value #STD_KEY}.
     *
     * @param metadata a checkpoint's metadata; other entries are ignored
     * @return the normalisation, or null when the metadata has neither entry
     * @throws IllegalArgumentException if only one entry is there, a value is not a number, or the values do not make a normalisation
     */
    public static Normalize fromMetadata(Map<String, String> metadata) {
        String mean = metadata.get(MEAN_KEY), std = metadata.get(STD_KEY);
        if (mean == null && std == null) return null;
        if (mean == null || std == null) throw new IllegalArgumentException(MEAN_KEY + " and " + STD_KEY + " go together, but only " + (mean == null ? STD_KEY : MEAN_KEY) + " is given");
        return new Normalize(floats(mean), floats(std));
    }

    /**
     * This normalisation as checkpoint metadata: {@value #MEAN_KEY} and {@value #STD_KEY}, each channel's value
     * comma-separated, as {@link #fromMetadata} reads them.
     *
     * @return the two entries, in that order
     */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MEAN_KEY, join(mean));
        m.put(STD_KEY, join(std));
        return m;
    }

    private static String join(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ",").append(Float.toString(v[i]));
        return sb.toString();
    }

    private static float[] floats(String csv) {
        String[] parts = csv.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Float.parseFloat(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "normalisation value '%s' is not a number", parts[i]));
            }
        }
        return out;
    }

    /**
     * The channel means.
     *
     * @return a copy
     */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /**
     * The channel standard deviations.
     *
     * @return a copy
     */
    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * Mean and (population) standard deviation of each channel over all images and pixels of [N, C, H, W].
     *
     * @param images the training images, of shape [N, C, H, W]
     * @return their statistics; a constant channel gets std 1
     * @throws IllegalArgumentException if {@code images} is not 4-D
     */
    public static Normalize fit(Tensor images) {
        if (images.dim() != 4) throw new IllegalArgumentException("Normalize.fit: images must be [N, C, H, W], got shape " + Shape.str(images.shape()));
        Tensor x = images.contiguous();
        int n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
        float[] d = x.storage();
        float[] mean = new float[c], std = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double s = 0, ss = 0;
            for (int i = 0; i < n; i++) {
                int off = x.offset() + (i * c + ch) * hw;
                for (int j = 0; j < hw; j++) s += d[off + j];
            }
            double m = s / ((double) n * hw);
            for (int i = 0; i < n; i++) {
                int off = x.offset() + (i * c + ch) * hw;
                for (int j = 0; j < hw; j++) {
                    double v = d[off + j] - m;
                    ss += v * v;
                }
            }
            mean[ch] = (float) m;
            std[ch] = (float) Math.sqrt(ss / ((double) n * hw));
            if (!(std[ch] > 0)) std[ch] = 1f; // a constant channel: leave its scale alone
        }
        return new Normalize(mean, std);
    }

    /**
     * A new tensor (outside autograd) with (x - mean[c]) / std[c] for the channel dimension of [N, C, H, W] or [C, H, W].
     *
     * @param images a batch [N, C, H, W] or one image [C, H, W], C matching the statistics
     * @return the standardised values, of the same shape
     * @throws IllegalArgumentException if the rank is not 3 or 4 or the number of channels differs
     */
    public Tensor apply(Tensor images) {
        int rank = images.dim();
        if (rank != 3 && rank != 4) {
            throw new IllegalArgumentException("Normalize: expected images [N, C, H, W] or [C, H, W], got shape " + Shape.str(images.shape()));
        }
        int cDim = rank - 3, c = images.size(cDim);
        if (c != mean.length) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " channel statistics for images of shape "
                    + Shape.str(images.shape()) + " with " + c + " channels");
        }
        float[] out = images.toArray();
        int hw = images.size(rank - 2) * images.size(rank - 1), planes = out.length / hw;
        for (int p = 0; p < planes; p++) {
            int ch = p % c;
            float m = mean[ch], sd = std[ch];
            for (int j = p * hw, e = j + hw; j < e; j++) out[j] = (out[j] - m) / sd; // divide, as torchvision does
        }
        return Tensor.of(out, images.shape());
    }

    @Override
    public String toString() {
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalize n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }
}
