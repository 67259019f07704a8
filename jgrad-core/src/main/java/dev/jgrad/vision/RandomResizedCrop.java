package dev.jgrad.vision;

import dev.jgrad.tensor.Generator;

import java.util.Locale;

/**
 * A random crop of random area and aspect ratio, resized to a fixed size with bilinear interpolation
 * (torchvision.transforms.RandomResizedCrop). SimCLR's most important augmentation: two crops of one
 * image must be matched whether they overlap, nest or merely neighbour each other.
 *
 * <p>The crop is drawn as torchvision draws it: up to ten tries of an area fraction uniform in
 * {@code scale} and a log-uniform aspect ratio (width / height) in {@code ratio}; the first that fits
 * gives width = round(sqrt(area * ratio)), height = round(sqrt(area / ratio)) and a uniform position.
 * If none fits, the central crop with the ratio clamped to the range. Defaults: scale (0.08, 1),
 * ratio (3/4, 4/3). The resize is bilinear with align_corners=False (torch.nn.functional.interpolate
 * without antialiasing; the same as torchvision's whenever the crop is enlarged, the usual case).
 *
 * @param height   the output height in pixels
 * @param width    the output width in pixels
 * @param minScale the smallest crop area as a fraction of the image's, in (0, maxScale]
 * @param maxScale the largest crop area fraction, at most 1
 * @param minRatio the smallest aspect ratio (width / height), positive
 * @param maxRatio the largest aspect ratio, at least minRatio
 */
public record RandomResizedCrop(int height, int width, double minScale, double maxScale, double minRatio, double maxRatio)
        implements ImageTransform {

    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if a size is not positive or a range is empty or out of bounds
     */
    public RandomResizedCrop {
        if (height < 1 || width < 1) throw new IllegalArgumentException("RandomResizedCrop: size must be positive, got " + height + "x" + width);
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "RandomResizedCrop: scale must satisfy 0 < min <= max <= 1, got (%s, %s)", minScale, maxScale));
        }
        if (!(minRatio > 0 && minRatio <= maxRatio && Double.isFinite(maxRatio))) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "RandomResizedCrop: ratio must satisfy 0 < min <= max, got (%s, %s)", minRatio, maxRatio));
        }
    }

    /**
     * A square output of the given size with torchvision's default scale (0.08, 1) and ratio (3/4, 4/3).
     *
     * @param size the output's side in pixels
     * @throws IllegalArgumentException if {@code size} is not positive
     */
    public RandomResizedCrop(int size) {
        this(size, size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }

    /**
     * A square output with the given scale range and the default ratio (3/4, 4/3).
     *
     * @param size     the output's side in pixels
     * @param minScale the smallest crop area fraction, positive (SimCLR uses 0.08; larger is gentler)
     * @param maxScale the largest crop area fraction, at most 1
     * @throws IllegalArgumentException if {@code size} is not positive or the scale range is invalid
     */
    public RandomResizedCrop(int size, double minScale, double maxScale) {
        this(size, size, minScale, maxScale, 3.0 / 4.0, 4.0 / 3.0);
    }

    /**
     * A crop box in the input: top row, left column, height, width.
     *
     * @param top    the first row
     * @param left   the first column
     * @param height the number of rows
     * @param width  the number of columns
     */
    public record Box(int top, int left, int height, int width) {}

    @Override
    public Image apply(Image image, Generator gen) {
        Box b = sampleBox(image.height(), image.width(), gen);
        return resizedCrop(image, b, height, width);
    }

    /**
     * torchvision's RandomResizedCrop.get_params for an image of imageHeight x imageWidth.
     *
     * @param imageHeight the input's height
     * @param imageWidth  the input's width
     * @param gen         the random source
     * @return a box inside the image
     */
    public Box sampleBox(int imageHeight, int imageWidth, Generator gen) {
        double area = (double) imageHeight * imageWidth;
        double logLo = Math.log(minRatio), logHi = Math.log(maxRatio);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (minScale + (maxScale - minScale) * gen.nextDouble());
            double aspect = Math.exp(logLo + (logHi - logLo) * gen.nextDouble());
            int w = (int) Math.round(Math.sqrt(target * aspect));
            int h = (int) Math.round(Math.sqrt(target / aspect));
            if (w > 0 && w <= imageWidth && h > 0 && h <= imageHeight) {
                int top = gen.nextInt(imageHeight - h + 1);
                int left = gen.nextInt(imageWidth - w + 1);
                return new Box(top, left, h, w);
            }
        }
        double inRatio = (double) imageWidth / imageHeight;
        int w, h;
        if (inRatio < minRatio) {
            w = imageWidth;
            h = (int) Math.round(w / minRatio);
        } else if (inRatio > maxRatio) {
            h = imageHeight;
            w = (int) Math.round(h * maxRatio);
        } else {
            w = imageWidth;
            h = imageHeight;
        }
        return new Box((imageHeight - h) / 2, (imageWidth - w) / 2, h, w);
    }

    /**
     * The box of the image resized to outHeight x outWidth, bilinear with align_corners=False.
     *
     * @param image     the input image
     * @param box       the region to crop, inside the image
     * @param outHeight the output height
     * @param outWidth  the output width
     * @return a new image [channels, outHeight, outWidth]
     * @throws IllegalArgumentException if the box is empty or not inside the image
     */
    public static Image resizedCrop(Image image, Box box, int outHeight, int outWidth) {
        if (box.top() < 0 || box.left() < 0 || box.height() < 1 || box.width() < 1
                || box.top() + box.height() > image.height() || box.left() + box.width() > image.width()) {
            throw new IllegalArgumentException("resizedCrop: box " + box + " is not inside the image of " + image.height() + "x" + image.width());
        }
        int c = image.channels(), ih = image.height(), iw = image.width();
        float[] src = image.data(), out = new float[c * outHeight * outWidth];
        // Source coordinates and weights per output row and column, shared by all channels.
        int[] y0 = new int[outHeight], y1 = new int[outHeight], x0 = new int[outWidth], x1 = new int[outWidth];
        float[] wy = new float[outHeight], wx = new float[outWidth];
        axis(box.top(), box.height(), outHeight, y0, y1, wy);
        axis(box.left(), box.width(), outWidth, x0, x1, wx);
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * ih * iw, outPlane = ch * outHeight * outWidth;
            for (int oy = 0; oy < outHeight; oy++) {
                int r0 = plane + y0[oy] * iw, r1 = plane + y1[oy] * iw;
                float fy = wy[oy];
                int o = outPlane + oy * outWidth;
                for (int ox = 0; ox < outWidth; ox++) {
                    float fx = wx[ox];
                    float top = src[r0 + x0[ox]] + fx * (src[r0 + x1[ox]] - src[r0 + x0[ox]]);
                    float bottom = src[r1 + x0[ox]] + fx * (src[r1 + x1[ox]] - src[r1 + x0[ox]]);
                    out[o + ox] = top + fy * (bottom - top);
                }
            }
        }
        return new Image(out, c, outHeight, outWidth);
    }

    /** For each output index: the two source indices (absolute) and the weight of the second. */
    private static void axis(int start, int inSize, int outSize, int[] i0, int[] i1, float[] w) {
        double scale = (double) inSize / outSize;
        for (int o = 0; o < outSize; o++) {
            double s = Math.max(0.0, (o + 0.5) * scale - 0.5);
            int lo = Math.min((int) s, inSize - 1);
            int hi = Math.min(lo + 1, inSize - 1);
            i0[o] = start + lo;
            i1[o] = start + hi;
            w[o] = (float) (s - lo);
        }
    }
}
