package dev.jgrad.plot;

import dev.jgrad.io.AtomicFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A log-y line chart with the legend below the plot (gradflow's figures). Workaround: dev.jgrad.plot.LinePlot fixes its legend
 * inside the top-right corner, which is exactly where these curves start (the loss is at the last step),
 * and its x axis labels every second integer step, which overlap; once LinePlot can place the legend
 * outside and space the x ticks, this class should give way to it.
 */
public final class LogLineChart {

    /**
     * XChart strokes each segment between two points on its own, so a dash pattern restarts at every point:
     * short dashes and dots still show on a line of 100 points, but colours carry the distinctions.
     */
    public enum Line { SOLID, DASHED, DOTTED }

    // matplotlib's tab10 colours, which tell apart well and which many readers know
    public static final Color BLUE = new Color(31, 119, 180), ORANGE = new Color(255, 127, 14), GREEN = new Color(44, 160, 44),
            RED = new Color(214, 39, 40), PURPLE = new Color(148, 103, 189), BROWN = new Color(140, 86, 75), PINK = new Color(227, 119, 194),
            GRAY = new Color(127, 127, 127);
    public static final Color[] PALETTE = {BLUE, ORANGE, GREEN, RED, PURPLE, BROWN, PINK, GRAY};

    private final XYChart chart;

    /**
     * An empty chart.
     *
     * @param title  the title above the plot
     * @param xLabel the x axis title
     * @param yLabel the y axis title (the axis is logarithmic)
     */
    public LogLineChart(String title, String xLabel, String yLabel) {
        chart = new XYChartBuilder().width(1000).height(700).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        var st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Vertical);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(230, 230, 230));
        st.setYAxisLogarithmic(true);
    }

    /** Non-positive and non-finite values (a gradient that underflowed to 0) cannot be drawn on a log axis. */
    public LogLineChart add(String name, double[] x, double[] y, Color color, Line line) {
        int n = 0;
        double[] px = new double[x.length], py = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            if (y[i] > 0 && Double.isFinite(y[i])) {
                px[n] = x[i];
                py[n++] = y[i];
            }
        }
        if (n == 0) return this;
        XYSeries series = chart.addSeries(name, Arrays.copyOf(px, n), Arrays.copyOf(py, n));
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setLineStyle(switch (line) {
            case SOLID -> SeriesLines.SOLID;
            case DASHED -> new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {4f, 3f}, 0f);
            case DOTTED -> new BasicStroke(2.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {0.1f, 5f}, 0f);
        });
        return this;
    }

    /** Written to a temporary file and renamed, as LinePlot does, so a reader never sees half a picture. */
    public void savePng(Path file) throws IOException {
        if (!chart.getSeriesMap().isEmpty()) {
            // For equally spaced x values XChart labels every k-th one, off by one step and touching each other
            // at 100 steps; an invisible point between two steps makes it choose round ticks (0, 10, 20, ...).
            XYSeries first = chart.getSeriesMap().values().iterator().next();
            double[] fx = first.getXData(), fy = first.getYData();
            double mid = fx.length > 1 ? (fx[0] + fx[1]) / 2 : fx[0];
            XYSeries spacer = chart.addSeries(" ", new double[] {mid}, new double[] {fy[0]});
            spacer.setMarker(SeriesMarkers.NONE);
            spacer.setLineColor(new Color(0, 0, 0, 0));
            spacer.setShowInLegend(false);
        }
        AtomicFile.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
