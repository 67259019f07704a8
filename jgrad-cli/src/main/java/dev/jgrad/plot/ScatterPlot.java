package dev.jgrad.plot;

import dev.jgrad.io.AtomicFile;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A scatter plot of labelled 2-D points, one colour per group with a legend (learnt representations
 * projected to the plane, coloured by class), written as a PNG atomically like {@link LinePlot}.
 */
public final class ScatterPlot {

    private record Group(String name, double[] x, double[] y) {}

    /** Ten colours that stay apart (Tableau's), then XChart's own for more groups. */
    private static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189),
        new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};

    private final String title, xLabel, yLabel;
    private final List<Group> groups = new ArrayList<>();
    private int width = 900, height = 700, markerSize = 5;

    public ScatterPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public ScatterPlot size(int width, int height) {
        this.width = width;
        this.height = height;
        return this;
    }

    public ScatterPlot markerSize(int pixels) {
        this.markerSize = pixels;
        return this;
    }

    public ScatterPlot add(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("ScatterPlot: group '" + name + "' has " + x.length + " x values but " + y.length + " y values");
        }
        groups.add(new Group(name, x.clone(), y.clone()));
        return this;
    }

    public void savePng(Path file) throws IOException {
        if (groups.isEmpty()) throw new IllegalStateException("ScatterPlot '" + title + "': nothing to plot");
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
        chart.getStyler().setMarkerSize(markerSize);
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            if (g.x().length == 0) continue;
            XYSeries s = chart.addSeries(g.name(), g.x(), g.y());
            s.setMarker(SeriesMarkers.CIRCLE);
            if (i < PALETTE.length) s.setMarkerColor(PALETTE[i]);
        }
        AtomicFile.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
