package dev.jgrad.vision;

import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * What a convolutional channel responds to, after Zeiler and Fergus (2014): over a dataset, the images
 * whose feature map for that channel has the highest values, and in each the input patch under the
 * strongest unit (its {@link ReceptiveField}). Each image counts at most once per channel (at its
 * maximum), so the top k are k different images, not k neighbouring positions of one.
 */
public final class TopActivations {
    private TopActivations() {}

    /**
     * The maximum of a channel's map in one image: its value and where (row, column of the map).
     *
     * @param image   the image's index in the dataset
     * @param channel the feature channel
     * @param y       the row of the maximum in the feature map
     * @param x       the column of the maximum in the feature map
     * @param value   the activation there
     */
    public record Hit(int image, int channel, int y, int x, float value) {}

    /**
     * The k strongest images for every channel, best first. activations maps a batch [B, C, H, W] to feature
     * maps [B, K, h, w] (the caller decides the layer, and should run it without a graph and in eval mode);
     * images are fed in batches of batchSize. The listener, if any, hears the number of images done.
     *
     * @param activations the network up to the layer of interest, [B, C, H, W] to [B, K, h, w]
     * @param images      the dataset's images, of shape [N, C, H, W]
     * @param k           how many images to keep per channel, at least 1
     * @param batchSize   images per forward pass, at least 1
     * @param progress    told the number of images done after each batch, or null
     * @return for each of the K channels, its up to k hits, strongest first
     * @throws IllegalArgumentException if the images are not 4-D or empty, a size is below 1, or the layer's
     *                                  output is not [B, K, h, w]
     */
    public static List<List<Hit>> find(Function<Tensor, Tensor> activations, Tensor images, int k, int batchSize, IntConsumer progress) {
        if (images.dim() != 4) throw new IllegalArgumentException("TopActivations: expected images [N, C, H, W], got shape " + Shape.str(images.shape()));
        if (k < 1 || batchSize < 1) throw new IllegalArgumentException("TopActivations: k and batch size must be positive, got " + k + " and " + batchSize);
        int n = images.size(0);
        List<PriorityQueue<Hit>> heaps = null;
        Comparator<Hit> weakestFirst = Comparator.comparingDouble(Hit::value);
        for (int from = 0; from < n; from += batchSize) {
            int len = Math.min(batchSize, n - from);
            Tensor a = activations.apply(images.narrow(0, from, len).contiguous()).contiguous();
            if (a.dim() != 4 || a.size(0) != len) {
                throw new IllegalArgumentException("TopActivations: the layer must give feature maps [B, K, h, w] for " + len + " images, got shape "
                        + Shape.str(a.shape()));
            }
            int channels = a.size(1), hw = a.size(2) * a.size(3), w = a.size(3);
            if (heaps == null) {
                heaps = new ArrayList<>();
                for (int c = 0; c < channels; c++) heaps.add(new PriorityQueue<>(weakestFirst));
            }
            float[] d = a.storage();
            int off = a.offset();
            for (int b = 0; b < len; b++) {
                for (int c = 0; c < channels; c++) {
                    int base = off + (b * channels + c) * hw, best = 0;
                    float max = d[base];
                    for (int i = 1; i < hw; i++) {
                        if (d[base + i] > max) {
                            max = d[base + i];
                            best = i;
                        }
                    }
                    PriorityQueue<Hit> heap = heaps.get(c);
                    if (heap.size() < k) heap.add(new Hit(from + b, c, best / w, best % w, max));
                    else if (max > heap.peek().value()) {
                        heap.poll();
                        heap.add(new Hit(from + b, c, best / w, best % w, max));
                    }
                }
            }
            if (progress != null) progress.accept(from + len);
        }
        if (heaps == null) throw new IllegalArgumentException("TopActivations: no images");
        List<List<Hit>> out = new ArrayList<>();
        for (PriorityQueue<Hit> heap : heaps) {
            List<Hit> hits = new ArrayList<>(heap);
            hits.sort(weakestFirst.reversed());
            out.add(hits);
        }
        return out;
    }

    /**
     * The input patch [C, size, size] seen by map position (y, x): the receptive field's window of the image,
     * drawn as RGB. Parts of the window outside the image (padding) are shown in dark blue, so that a patch at
     * the border is not mistaken for a dark one; grey images become three equal channels.
     *
     * @param image the input image (1 or 3 channels)
     * @param rf    the receptive field of the layer's units
     * @param y     the unit's row in the feature map
     * @param x     the unit's column in the feature map
     * @return an RGB image [3, rf.size(), rf.size()]
     */
    public static Image patch(Image image, ReceptiveField rf, int y, int x) {
        int size = rf.size(), top = rf.first(y), left = rf.first(x);
        int c = image.channels(), plane = size * size;
        float[] out = new float[3 * plane];
        float[] outside = {0.12f, 0.16f, 0.38f};
        for (int py = 0; py < size; py++) {
            for (int px = 0; px < size; px++) {
                int iy = top + py, ix = left + px, o = py * size + px;
                boolean inside = iy >= 0 && iy < image.height() && ix >= 0 && ix < image.width();
                for (int ch = 0; ch < 3; ch++) {
                    out[ch * plane + o] = inside ? image.get(c == 3 ? ch : 0, iy, ix) : outside[ch];
                }
            }
        }
        return new Image(out, 3, size, size);
    }
}
