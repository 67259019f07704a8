package dev.jgrad.plot;

import dev.jgrad.io.AtomicFile;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A labelled heat map as PNG, for attention weights: one cell per (row, column) value, light for 0 and dark for the
 * largest value, the column labels (source tokens) along the top, the row labels (target tokens) down the left.
 * Drawn with java.awt into a BufferedImage and written atomically (a temporary file renamed over the target).
 */
public final class HeatMap {
    private static final int CELL = 30, PAD = 16;

    private final String title;
    private final float[][] values;
    private final List<String> rowLabels, columnLabels;

    /** @param values [rows][columns], finite and non-negative (attention probabilities) */
    public HeatMap(String title, float[][] values, List<String> rowLabels, List<String> columnLabels) {
        if (values.length != rowLabels.size()) {
            throw new IllegalArgumentException("HeatMap: " + values.length + " rows of values but " + rowLabels.size() + " row labels");
        }
        for (int r = 0; r < values.length; r++) {
            if (values[r].length != columnLabels.size()) {
                throw new IllegalArgumentException("HeatMap: row " + r + " has " + values[r].length + " values but there are "
                        + columnLabels.size() + " column labels");
            }
            for (float v : values[r]) {
                if (!(v >= 0) || Float.isInfinite(v)) throw new IllegalArgumentException("HeatMap: values must be finite and >= 0, got " + v + " in row " + r);
            }
        }
        if (values.length == 0 || columnLabels.isEmpty()) throw new IllegalArgumentException("HeatMap: nothing to draw (no rows or no columns)");
        this.title = title;
        this.values = values;
        this.rowLabels = List.copyOf(rowLabels);
        this.columnLabels = List.copyOf(columnLabels);
    }

    /** The picture. */
    public BufferedImage render() {
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13), titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 14);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(labelFont), tm = pg.getFontMetrics(titleFont);
        int rowLabelWidth = 0, colLabelHeight = 0;
        for (String s : rowLabels) rowLabelWidth = Math.max(rowLabelWidth, fm.stringWidth(s));
        for (String s : columnLabels) colLabelHeight = Math.max(colLabelHeight, fm.stringWidth(s));
        pg.dispose();
        int rows = values.length, cols = columnLabels.size();
        int left = PAD + rowLabelWidth + 8, top = PAD + tm.getHeight() + 8 + colLabelHeight + 8;
        int legend = 60;
        int width = Math.max(left + cols * CELL + PAD + legend, PAD * 2 + tm.stringWidth(title)), height = top + rows * CELL + PAD;
        float max = 0;
        for (float[] row : values) for (float v : row) max = Math.max(max, v);

        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        g.drawString(title, PAD, PAD + tm.getAscent());

        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                g.setColor(color(max > 0 ? values[r][c] / max : 0));
                g.fillRect(left + c * CELL, top + r * CELL, CELL, CELL);
            }
        }
        g.setColor(new Color(200, 200, 200));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, cols * CELL, rows * CELL);

        g.setFont(labelFont);
        g.setColor(Color.BLACK);
        for (int r = 0; r < rows; r++) {
            String s = rowLabels.get(r);
            g.drawString(s, left - 8 - fm.stringWidth(s), top + r * CELL + (CELL + fm.getAscent() - fm.getDescent()) / 2);
        }
        AffineTransform saved = g.getTransform();
        for (int c = 0; c < cols; c++) {
            // Column labels read bottom-up, ending just above their column.
            g.setTransform(saved);
            g.translate(left + c * CELL + (CELL + fm.getAscent() - fm.getDescent()) / 2.0, top - 8);
            g.rotate(-Math.PI / 2);
            g.drawString(columnLabels.get(c), 0, 0);
        }
        g.setTransform(saved);

        // The colour scale.
        int lx = left + cols * CELL + 20, lh = Math.max(CELL, rows * CELL);
        for (int y = 0; y < lh; y++) {
            g.setColor(color(1 - y / (float) Math.max(1, lh - 1)));
            g.fillRect(lx, top + y, 12, 1);
        }
        g.setColor(Color.BLACK);
        g.setFont(labelFont.deriveFont(11f));
        g.drawString(String.format(Locale.ROOT, "%.2f", max), lx + 14, top + 10);
        g.drawString("0", lx + 14, top + lh);
        g.dispose();
        return im;
    }

    /** White (0) to dark blue (1), through light blue: readable in print and for most colour-blind readers. */
    static Color color(float t) {
        t = Math.max(0, Math.min(1, t));
        int r = Math.round(255 + t * (8 - 255)), gr = Math.round(255 + t * (48 - 255)), b = Math.round(255 + t * (107 - 255));
        return new Color(r, gr, b);
    }

    /** Writes the PNG atomically. */
    public void savePng(Path file) throws IOException {
        BufferedImage im = render();
        AtomicFile.write(file, out -> {
            if (!javax.imageio.ImageIO.write(im, "png", out)) throw new IOException("no PNG writer in this JVM");
        });
    }
}
