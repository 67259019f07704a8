package dev.jgrad.cli;

import dev.jgrad.nn.Conv2d;
import dev.jgrad.plot.ScatterPlot;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.Image;
import dev.jgrad.vision.ImageGrid;
import dev.jgrad.vision.LabeledImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The pictures {@code jgrad visualize} draws of what an encoder learnt: first-layer filters, and maps of the features by class. */
final class RepresentationPictures {
    private RepresentationPictures() {}

    /** One group of points per class, in the dataset's class order (so colours match across plots). */
    static ScatterPlot byClass(ScatterPlot plot, float[] xy, LabeledImages data, int m) {
        int[] y = data.labels().data();
        for (int c = 0; c < data.numClasses(); c++) {
            int count = 0;
            for (int i = 0; i < m; i++) if (y[i] == c) count++;
            double[] px = new double[count], py = new double[count];
            for (int i = 0, k = 0; i < m; i++) {
                if (y[i] != c) continue;
                px[k] = xy[2 * i];
                py[k++] = xy[2 * i + 1];
            }
            plot.add(data.classes().get(c), px, py);
        }
        return plot;
    }

    /** "simclr resnet [1,1,1,1] width 16": the description without the channel and feature counts, short enough for a chart title. */
    static String shortName(String name) {
        int comma = name.indexOf(", "), paren = name.indexOf(" (");
        int cut = comma > 0 ? comma : paren;
        return cut > 0 ? name.substring(0, cut) : name;
    }

    static Image imageOf(Tensor images, int i) {
        Tensor t = images.select(0, i);
        return new Image(t.toArray(), t.size(0), t.size(1), t.size(2));
    }

    /** Each filter of the first convolution as a tile, scaled by its own range; grey for one input channel, RGB for three, else the mean over inputs. */
    static java.awt.image.BufferedImage filterGrid(Conv2d conv, String name) {
        Tensor w = conv.weight().detach();
        int out = w.size(0), in = w.size(1), kh = w.size(2), kw = w.size(3);
        float[] d = w.contiguous().toArray();
        int cols = (int) Math.ceil(Math.sqrt(out));
        List<List<Image>> rows = new ArrayList<>();
        for (int f = 0; f < out; f++) {
            if (f % cols == 0) rows.add(new ArrayList<>());
            int channels = in == 3 ? 3 : 1;
            float[] tile = new float[channels * kh * kw];
            for (int i = 0; i < kh * kw; i++) {
                if (channels == 3) {
                    for (int c = 0; c < 3; c++) tile[c * kh * kw + i] = d[((f * in) + c) * kh * kw + i];
                } else {
                    float s = 0;
                    for (int c = 0; c < in; c++) s += d[((f * in) + c) * kh * kw + i];
                    tile[i] = s / in;
                }
            }
            rows.getLast().add(ImageGrid.minMax(new Image(tile, channels, kh, kw)));
        }
        int scale = Math.max(4, 96 / Math.max(kh, kw));
        String title = String.format(Locale.ROOT, "%s: the %d first-layer filters (%dx%d, each scaled to its own min..max)", shortName(name), out, kh, kw);
        return ImageGrid.render(title, rows, null, scale, 4);
    }
}
