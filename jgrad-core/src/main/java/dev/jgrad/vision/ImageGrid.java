package dev.jgrad.vision;

import dev.jgrad.io.AtomicFile;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws rows of small images (filters, image patches) as one picture with a title and a label per row, and
 * writes it as PNG atomically (a temporary file, then a rename, so a reader never sees half a picture).
 *
 * <p>Tiles are {@link Image}s with values in [0, 1] (see {@link #minMax}): one channel is drawn grey,
 * three as RGB. Each tile is enlarged by an integer factor with nearest-neighbour sampling, so that
 * every pixel stays a visible square.
 */
public final class ImageGrid {
    private ImageGrid() {}

    private static final Color BACKGROUND = new Color(250, 250, 250);

    /**
     * The tile rescaled to [0, 1] by its own minimum and maximum over all channels (a constant tile becomes 0.5).
     *
     * @param tile any image, e.g. a first-layer convolution filter
     * @return a new image with values in [0, 1]
     */
    public static Image minMax(Image tile) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : tile.data()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float[] out = new float[tile.data().length];
        float range = hi - lo;
        for (int i = 0; i < out.length; i++) out[i] = range > 0 ? (tile.data()[i] - lo) / range : 0.5f;
        return new Image(out, tile.channels(), tile.height(), tile.width());
    }

    /**
     * Renders the rows (each a list of tiles of one size; rows may differ in length) below a title, each row
     * preceded by its label (or none when labels is null), tiles enlarged scale times with a gap between them.
     *
     * @param title  the caption drawn above the grid
     * @param rows   the tiles, row by row; values in [0, 1], 1 or 3 channels
     * @param labels one label per row, or null
     * @param scale  the enlargement factor of each tile, at least 1
     * @param gap    pixels between tiles, {@code >= 0}
     * @return the picture, to save with {@link #savePng}
     * @throws IllegalArgumentException if there are no rows, scale or gap is out of range, or the labels do
     *                                  not match the rows
     */
    public static BufferedImage render(String title, List<List<Image>> rows, List<String> labels, int scale, int gap) {
        if (rows.isEmpty()) throw new IllegalArgumentException("ImageGrid: nothing to draw");
        if (scale < 1 || gap < 0) throw new IllegalArgumentException("ImageGrid: scale must be >= 1 and gap >= 0, got " + scale + " and " + gap);
        if (labels != null && labels.size() != rows.size()) {
            throw new IllegalArgumentException("ImageGrid: " + rows.size() + " rows but " + labels.size() + " labels");
        }
        int tileH = 0, tileW = 0, cols = 0;
        for (List<Image> row : rows) {
            cols = Math.max(cols, row.size());
            for (Image t : row) {
                tileH = Math.max(tileH, t.height() * scale);
                tileW = Math.max(tileW, t.width() * scale);
                if (t.channels() != 1 && t.channels() != 3) {
                    throw new IllegalArgumentException("ImageGrid: tiles must have 1 (grey) or 3 (RGB) channels, got " + t.channels());
                }
            }
        }
        if (cols == 0) throw new IllegalArgumentException("ImageGrid: every row is empty");
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 13), titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 15);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(font), tfm = pg.getFontMetrics(titleFont);
        int labelW = 0;
        if (labels != null) for (String l : labels) labelW = Math.max(labelW, fm.stringWidth(l) + 12);
        pg.dispose();
        int margin = 10, titleH = title == null ? 0 : tfm.getHeight() + 8;
        int width = Math.max(2 * margin + labelW + cols * tileW + (cols - 1) * gap, title == null ? 0 : tfm.stringWidth(title) + 2 * margin);
        int height = 2 * margin + titleH + rows.size() * tileH + (rows.size() - 1) * gap;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        if (title != null) {
            g.setFont(titleFont);
            g.drawString(title, margin, margin + tfm.getAscent());
        }
        g.setFont(font);
        for (int r = 0; r < rows.size(); r++) {
            int y0 = margin + titleH + r * (tileH + gap);
            if (labels != null) {
                g.setColor(Color.BLACK);
                g.drawString(labels.get(r), margin, y0 + tileH / 2 + fm.getAscent() / 2 - 2);
            }
            List<Image> row = rows.get(r);
            for (int c = 0; c < row.size(); c++) {
                int x0 = margin + labelW + c * (tileW + gap);
                draw(img, row.get(c), x0, y0, scale);
            }
        }
        g.dispose();
        return img;
    }

    private static void draw(BufferedImage img, Image t, int x0, int y0, int scale) {
        int h = t.height(), w = t.width(), hw = h * w;
        float[] d = t.data();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int r = byteOf(d[i]), gr = t.channels() == 3 ? byteOf(d[hw + i]) : r, b = t.channels() == 3 ? byteOf(d[2 * hw + i]) : r;
                int rgb = (r << 16) | (gr << 8) | b;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) img.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                }
            }
        }
    }

    private static int byteOf(float v) {
        if (!(v > 0)) return 0; // NaN too
        return v >= 1 ? 255 : Math.round(v * 255);
    }

    /**
     * Writes the picture as PNG: to a temporary file beside it first, then renamed over the target.
     *
     * @param img  the picture
     * @param file the PNG file to create or replace (its directory is created if needed)
     * @throws IOException if the file cannot be written; an existing one is then left untouched
     */
    public static void savePng(BufferedImage img, Path file) throws IOException {
        AtomicFile.write(file, out -> {
            if (!javax.imageio.ImageIO.write(img, "png", out)) throw new IOException("no PNG writer available");
        });
    }
}
