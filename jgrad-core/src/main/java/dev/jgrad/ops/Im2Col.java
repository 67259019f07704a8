package dev.jgrad.ops;

import dev.jgrad.kernels.Kernels;

import java.util.Arrays;

/**
 * Unfolds image patches into the columns of a matrix (im2col) and folds them back, adding (col2im), so
 * that a convolution becomes one matrix product.
 *
 * <p>For one image of C channels and a window w, the column matrix has K = C * kh * kw rows, row
 * (c * kh + i) * kw + j holding input channel c shifted by kernel tap (i, j) at every output position
 * oy * OW + ox. Taps that fall in the padding are zeros. Several images may share one matrix side by side
 * (image b at columns b * OH * OW ...), which is how small feature maps make a GEMM wide enough to be fast.
 *
 * <p>Each (row, oy) segment is split once into a left padding run, a valid run and a right padding run,
 * so the inner loop is a straight copy at stride 1 and never tests bounds. When the output grid has the
 * input's width at stride 1 (the "same" 3x3 convolutions that dominate a ResNet), one kernel tap's row of
 * the column matrix is the input plane shifted by a constant: it is moved as one long copy (or one long
 * vector add in col2im) and only the few entries that wrapped around a row edge are zeroed afterwards.
 */
final class Im2Col {
    private Im2Col() {}

    /**
     * Writes the column block of one image for output rows [oy0, oy1) into cols at colOff (row stride ldCols):
     * K rows of (oy1 - oy0) * OW columns, column (oy - oy0) * OW + ox. x holds C planes of H x W from xOff.
     * A band of output rows keeps the block small enough to stay in cache between im2col and the GEMM.
     */
    static void im2col(float[] x, int xOff, int c, int h, int w, Window2d win, int oh, int ow, int oy0, int oy1,
                       float[] cols, int colOff, int ldCols) {
        im2col(x, xOff, c, h, w, win, oh, ow, oy0, oy1, cols, colOff, ldCols, null);
    }

    /**
     * As above; with the {@link #flatMasks} of the same rows (flat geometry only), each row is one masked copy,
     * which is what small maps need: their rows are a few floats long, and per-segment copies cost more in calls
     * than in data.
     */
    static void im2col(float[] x, int xOff, int c, int h, int w, Window2d win, int oh, int ow, int oy0, int oy1,
                       float[] cols, int colOff, int ldCols, boolean[] masks) {
        int rows = oy1 - oy0, span = rows * ow;
        boolean flat = flat(win, w, ow);
        Kernels kern = Kernels.get();
        if (flat && masks != null) {
            int taps = win.kh() * win.kw();
            for (int ch = 0; ch < c; ch++) {
                int plane = xOff + ch * h * w;
                for (int t = 0; t < taps; t++) {
                    int shift = ((t / win.kw()) * win.dh() - win.ph() + oy0) * w + (t % win.kw()) * win.dw() - win.pw();
                    kern.conv().maskedCopy(x, plane + shift, masks, t * span, cols, colOff + (ch * taps + t) * ldCols, span);
                }
            }
            return;
        }
        for (int ch = 0; ch < c; ch++) {
            int plane = xOff + ch * h * w;
            for (int i = 0; i < win.kh(); i++) {
                int shiftH = i * win.dh() - win.ph();
                for (int j = 0; j < win.kw(); j++) {
                    int row = colOff + ((ch * win.kh() + i) * win.kw() + j) * ldCols;
                    int shiftW = j * win.dw() - win.pw();
                    int lo = validStart(shiftW, win.sw(), ow), hi = Math.max(lo, validEnd(shiftW, win.sw(), w, ow));
                    if (flat) {
                        int r0 = Math.max(oy0, -shiftH) - oy0, r1 = Math.min(oy1, h - shiftH) - oy0;
                        if (r0 < r1 && lo < hi) {
                            // cols[row + q] = x[base + q] for q = (oy - oy0) * w + ox on the valid rows.
                            int base = plane + (oy0 + shiftH) * w + shiftW;
                            int q0 = r0 * ow + lo, q1 = (r1 - 1) * ow + hi;
                            System.arraycopy(x, base + q0, cols, row + q0, q1 - q0);
                            Arrays.fill(cols, row, row + q0, 0f);
                            Arrays.fill(cols, row + q1, row + span, 0f);
                            zeroEdges(cols, row, r0, r1, ow, lo, hi);
                        } else {
                            Arrays.fill(cols, row, row + span, 0f);
                        }
                        continue;
                    }
                    // Output rows [y0, y1) read inside the image: zero the row block, then copy the valid rectangle.
                    int y0 = Math.min(oy1, Math.max(oy0, validStart(shiftH, win.sh(), oh))), y1 = Math.max(y0, Math.min(oy1, validEnd(shiftH, win.sh(), h, oh)));
                    if (y0 > oy0 || y1 < oy1 || lo > 0 || hi < ow) Arrays.fill(cols, row, row + span, 0f);
                    if (y0 < y1 && lo < hi) {
                        kern.conv().copyStrided(x, plane + (y0 * win.sh() + shiftH) * w + lo * win.sw() + shiftW, win.sh() * w, win.sw(),
                                cols, row + (y0 - oy0) * ow + lo, ow, y1 - y0, hi - lo);
                    }
                }
            }
        }
    }

    /**
     * For a flat geometry ({@link #flat}): masks[t * span + q] tells whether output position q of rows [oy0, oy1)
     * reads inside the image at kernel tap t = i * kw + j (span = (oy1 - oy0) * ow), else null.
     */
    static boolean[] flatMasks(int h, int w, Window2d win, int ow, int oy0, int oy1) {
        if (!flat(win, w, ow)) return null;
        int span = (oy1 - oy0) * ow, taps = win.kh() * win.kw();
        boolean[] m = new boolean[taps * span];
        for (int t = 0; t < taps; t++) {
            int sh = (t / win.kw()) * win.dh() - win.ph(), sw = (t % win.kw()) * win.dw() - win.pw();
            for (int oy = oy0; oy < oy1; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int iy = oy + sh, ix = ox + sw;
                    m[t * span + (oy - oy0) * ow + ox] = iy >= 0 && iy < h && ix >= 0 && ix < w;
                }
            }
        }
        return m;
    }

    /** The whole image: output rows [0, OH). */
    static void im2col(float[] x, int xOff, int c, int h, int w, Window2d win, int oh, int ow, float[] cols, int colOff, int ldCols) {
        im2col(x, xOff, c, h, w, win, oh, ow, 0, oh, cols, colOff, ldCols);
    }

    /**
     * Adds the column block of output rows [oy0, oy1) back onto the image it came from (the adjoint of
     * im2col): gx += fold(cols). cols is scratch: entries that stand for padding may be overwritten with zeros.
     */
    static void col2im(float[] cols, int colOff, int ldCols, int c, int h, int w, Window2d win, int oh, int ow, int oy0, int oy1,
                       float[] gx, int xOff) {
        Kernels kern = Kernels.get();
        boolean flat = flat(win, w, ow);
        for (int ch = 0; ch < c; ch++) {
            int plane = xOff + ch * h * w;
            for (int i = 0; i < win.kh(); i++) {
                int shiftH = i * win.dh() - win.ph();
                for (int j = 0; j < win.kw(); j++) {
                    int row = colOff + ((ch * win.kh() + i) * win.kw() + j) * ldCols;
                    int shiftW = j * win.dw() - win.pw();
                    int lo = validStart(shiftW, win.sw(), ow), hi = Math.max(lo, validEnd(shiftW, win.sw(), w, ow));
                    if (flat) {
                        int r0 = Math.max(oy0, -shiftH) - oy0, r1 = Math.min(oy1, h - shiftH) - oy0;
                        if (r0 < r1 && lo < hi) {
                            int base = plane + (oy0 + shiftH) * w + shiftW;
                            int q0 = r0 * ow + lo, q1 = (r1 - 1) * ow + hi;
                            zeroEdges(cols, row, r0, r1, ow, lo, hi); // padding taps must add nothing
                            kern.elementwise().axpy(1f, cols, row + q0, gx, base + q0, q1 - q0);
                        }
                        continue;
                    }
                    int y0 = Math.min(oy1, Math.max(oy0, validStart(shiftH, win.sh(), oh))), y1 = Math.max(y0, Math.min(oy1, validEnd(shiftH, win.sh(), h, oh)));
                    if (y0 < y1 && lo < hi) {
                        kern.conv().addStrided(cols, row + (y0 - oy0) * ow + lo, ow, gx, plane + (y0 * win.sh() + shiftH) * w + lo * win.sw() + shiftW,
                                win.sh() * w, win.sw(), y1 - y0, hi - lo);
                    }
                }
            }
        }
    }

    /** The whole image: output rows [0, OH). */
    static void col2im(float[] cols, int colOff, int ldCols, int c, int h, int w, Window2d win, int oh, int ow, float[] gx, int xOff) {
        col2im(cols, colOff, ldCols, c, h, w, win, oh, ow, 0, oh, gx, xOff);
    }

    /**
     * The input a stride-1 convolution reads for output rows [oy0, oy1), as kw shifted copies of the planes
     * instead of kh * kw: dst[((j * c + ch) * rows + t) * ow + ox] = x[ch, oy0 + t - padH, ox + j * dw - padW]
     * (zero outside the image) for t in [0, oy1 - oy0 + (kh - 1) * dh). Row (ch * kh + i) * kw + j of the
     * column matrix is then the run of (oy1 - oy0) * ow floats at ((j * c + ch) * rows + i * dh) * ow, which
     * {@link dev.jgrad.kernels.GemmKernels#sgemmPackedRows} reads in place. rows (at least oy1 - oy0 + (kh - 1) * dh)
     * is the plane stride, fixed per convolution so that one row table serves every band.
     */
    static void shifted(float[] x, int xOff, int c, int h, int w, int kh, int kw, int dh, int dw, int padH, int padW, int ow,
                        int oy0, int oy1, int rows, float[] dst) {
        int tEnd = oy1 - oy0 + (kh - 1) * dh;
        // Rows t in [t0, t1) lie inside the image.
        int t0 = Math.min(tEnd, Math.max(0, padH - oy0)), t1 = Math.max(t0, Math.min(tEnd, h + padH - oy0));
        for (int j = 0; j < kw; j++) {
            int shift = j * dw - padW;
            int lo = Math.min(ow, Math.max(0, -shift)), hi = Math.max(lo, Math.min(ow, w - shift)); // 0 <= ox + shift < w
            for (int ch = 0; ch < c; ch++) {
                int plane = xOff + ch * h * w, base = (j * c + ch) * rows * ow;
                Arrays.fill(dst, base, base + t0 * ow, 0f);
                Arrays.fill(dst, base + t1 * ow, base + tEnd * ow, 0f);
                if (t0 == t1) continue;
                if (lo == hi) {
                    Arrays.fill(dst, base + t0 * ow, base + t1 * ow, 0f);
                } else if (ow == w) {
                    // Consecutive rows are consecutive in both: one long copy, then the entries that wrapped around a row edge.
                    int src = plane + (oy0 + t0 - padH) * w + shift, d = base + t0 * ow;
                    int q0 = lo, q1 = (t1 - t0 - 1) * ow + hi;
                    System.arraycopy(x, src + q0, dst, d + q0, q1 - q0);
                    Arrays.fill(dst, d, d + q0, 0f);
                    Arrays.fill(dst, d + q1, d + (t1 - t0) * ow, 0f);
                    zeroEdges(dst, d, 0, t1 - t0, ow, lo, hi);
                } else {
                    for (int t = t0; t < t1; t++) {
                        int d = base + t * ow, src = plane + (oy0 + t - padH) * w + shift;
                        if (lo > 0) Arrays.fill(dst, d, d + lo, 0f);
                        System.arraycopy(x, src + lo, dst, d + lo, hi - lo);
                        if (hi < ow) Arrays.fill(dst, d + hi, d + ow, 0f);
                    }
                }
            }
        }
    }

    /** Stride 1 and an output as wide as the input: a tap's column row is the input shifted by a constant. */
    private static boolean flat(Window2d win, int w, int ow) {
        return win.sw() == 1 && win.sh() == 1 && ow == w;
    }

    /** Zeroes the entries with ox < lo or ox >= hi that lie inside the copied range [r0 * ow + lo, (r1 - 1) * ow + hi) of a band. */
    private static void zeroEdges(float[] cols, int row, int y0, int y1, int ow, int lo, int hi) {
        for (int oy = y0; oy < y1; oy++) {
            int d = row + oy * ow;
            if (oy > y0) for (int ox = 0; ox < lo; ox++) cols[d + ox] = 0f;
            if (oy < y1 - 1) for (int ox = hi; ox < ow; ox++) cols[d + ox] = 0f;
        }
    }

    /** First ox with ox * stride + shift >= 0. */
    private static int validStart(int shift, int stride, int ow) {
        if (shift >= 0) return 0;
        return Math.min(ow, (-shift + stride - 1) / stride);
    }

    /** One past the last ox with ox * stride + shift < w. */
    private static int validEnd(int shift, int stride, int w, int ow) {
        int last = w - 1 - shift;
        if (last < 0) return 0;
        return Math.min(ow, last / stride + 1);
    }
}
