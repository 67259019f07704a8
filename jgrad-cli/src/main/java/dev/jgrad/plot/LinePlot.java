package dev.jgrad.plot;

import dev.jgrad.io.AtomicFile;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A line chart written as a PNG: loss curves, gradient norms against time. A thin layer over XChart so that
 * the rest of jgrad says what to plot, not how; the file is written atomically like checkpoints.
 */
public final class LinePlot {

    private record Series(String name, double[] x, double[] y) {}

    private final String title, xLabel, yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logY;
    private int width = 900, height = 560;

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A logarithmic y axis (gradient norms spanning orders of magnitude). Non-positive values are dropped from the plot. */
    public LinePlot logY(boolean value) {
        this.logY = value;
        return this;
    }

    public LinePlot size(int width, int height) {
        this.width = width;
        this.height = height;
        return this;
    }

    public LinePlot add(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("LinePlot: series '" + name + "' has " + x.length + " x values but " + y.length + " y values");
        }
        series.add(new Series(name, x.clone(), y.clone()));
        return this;
    }

    /** Writes the chart as PNG: to a temporary file first, then renamed, so a reader never sees half a picture. */
    public void savePng(Path file) throws IOException {
        XYChart chart = chart();
        AtomicFile.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    /** The chart as an image in memory, to combine with others before one file is written. */
    public BufferedImage toImage() {
        return BitmapEncoder.getBufferedImage(chart());
    }

    /**
     * The XChart chart. Points whose y is NaN or infinite (a diverged validation loss) are left out, as are
     * non-positive ones on a logarithmic axis: XChart refuses such series whole.
     */
    private XYChart chart() {
        if (series.isEmpty()) throw new IllegalStateException("LinePlot '" + title + "': nothing to plot");
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
        chart.getStyler().setYAxisLogarithmic(logY);
        for (Series s : series) {
            double[][] xy = plottable(s.x(), s.y());
            if (xy[0].length == 0) continue;
            XYSeries added = chart.addSeries(s.name(), xy[0], xy[1]);
            // A line needs two points: a series of one (the first evaluation of a run) is drawn as a dot.
            added.setMarker(xy[0].length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        return chart;
    }

    private double[][] plottable(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < y.length; i++) if (plottable(x[i], y[i])) n++;
        double[] px = new double[n], py = new double[n];
        for (int i = 0, k = 0; i < y.length; i++) {
            if (plottable(x[i], y[i])) {
                px[k] = x[i];
                py[k++] = y[i];
            }
        }
        return new double[][] {px, py};
    }

    private boolean plottable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0);
    }
}
