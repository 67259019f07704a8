package dev.jgrad.ops;

import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;

/**
 * Winograd's minimal filtering F(2x2, 3x3) for stride-1 3x3 convolutions (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2015): each 2x2 block of outputs (a tile) takes 16 products of transformed
 * values instead of 36, so the forward pass, the input gradient (itself such a convolution, with the flipped
 * weights) and the weight gradient each do 2.25x fewer multiplications than through the column matrix.
 *
 * <p>Per tile and channel, the input patch d (4x4) becomes V = B^T d B and the kernel g becomes U = G g G^T;
 * the 16 positions xi of the transformed domain are independent, so summing over input channels is 16 matrix
 * products M[xi] = U[xi] V[xi] ([outC, inC] x [inC, tiles]), and the outputs are A^T M A. For the weight
 * gradient, the output gradient of a tile becomes A g A^T, the products dU[xi] = sum over tiles of
 * (A g A^T)[xi] V[xi]^T, and the kernel gradient G^T dU G. The transforms are {@link Kernels}' winograd*
 * methods; the products are the packed ones the column-matrix path uses, except that for M the input transform
 * writes V straight into the product's panel layout ({@link dev.jgrad.kernels.ConvKernels#winogradInputPanels}), so that it is not packed again.
 *
 * <p>Work goes in blocks of about {@link #tileTarget} tiles, so that V and M (16 x channels x tiles each)
 * stay in cache between transform and product: a band of tile rows of one image for large maps; for maps
 * whose rows hold fewer tiles than a vector ({@link #MIN_TILES_X}), several images side by side in a "strip",
 * one image's zero padding columns shared with the next, which wastes the tile that straddles two images
 * (6% of the work at 16x16, 11% at 8x8, 24% at 4x4) but lets the transforms work on full vectors.
 *
 * <p>Rounding differs from the direct sum (a few units in the last place of the terms' magnitude, as
 * between oneDNN's algorithms); {@code -Djgrad.conv.winograd=off} falls back to the column-matrix products.
 */
final class Winograd {
    private Winograd() {}

    static final boolean ENABLED = !"off".equals(System.getProperty("jgrad.conv.winograd", "on"));
    /**
     * Tiles per block, the width of each of the 16 products: 256 for 64 channels, 128 from 128 channels up
     * (measured at batch 64: with 64 channels the wider products win; with 512, V and M of 256 tiles spill to
     * L3). {@code -Djgrad.conv.wtiles=N} fixes it, for experiments.
     */
    static int tileTarget(int inC, int outC) {
        Integer fixed = Integer.getInteger("jgrad.conv.wtiles");
        return fixed != null ? fixed : Math.max(128, Math.min(256, 16384 / Math.max(1, Math.max(inC, outC))));
    }
    /** Maps with fewer tiles per row than this go side by side in strips. */
    static final int MIN_TILES_X = 16;
    /**
     * Floats added to the stride between the 16 transformed rows: without them the stride is often a multiple
     * of 4 KiB (64 channels x 128 tiles), the 16 rows a transform touches map to one L1 set and evict each other.
     */
    private static final int XI_PAD = 16;

    /**
     * Whether a convolution of this window and channels (per group) takes this path: 3x3, stride 1, no
     * dilation, padding 0..2 (so that a strip's shared zero columns pad both neighbours), and enough channels
     * for the products to outweigh the transforms.
     */
    static boolean applies(Window2d win, int inC, int outC) {
        return ENABLED && win.kh() == 3 && win.kw() == 3 && win.sh() == 1 && win.sw() == 1 && win.dh() == 1 && win.dw() == 1
                && win.ph() >= 0 && win.ph() <= 2 && win.pw() >= 0 && win.pw() <= 2 && inC >= 8 && outC >= 8;
    }

    /** Per-thread buffers, grown on demand and reused. */
    private static final class Scratch {
        float[] v = new float[0], m = new float[0], strip = new float[0], stripOut = new float[0], gt = new float[0];
        /** Weight-sized: tap-major weights, their transforms, weight-gradient partial sums (megabytes at 512 channels). */
        float[] taps = new float[0], u = new float[0], acc = new float[0];
        int[] rows = new int[0];

        static float[] grow(float[] a, int n) {
            return a.length < n ? new float[n] : a;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The blocking of one direction of a convolution: input planes [N, inTotal, h, w] to outputs [N, outTotal, oh, ow]. */
    static final class Layout {
        final int n, groups, inC, inTotal, h, w, outC, outTotal, oh, ow, ph, pw;
        /** Several images side by side per strip, or one image per strip read in place. */
        final boolean wide;
        final int perStrip, period, stripW, stripOW, padLeft, tilesY, tilesX, rowsPerBlock, blocksPerStrip, strips;

        Layout(int n, int groups, int inC, int h, int w, int outC, int oh, int ow, int ph, int pw) {
            this.n = n;
            this.groups = groups;
            this.inC = inC;
            this.inTotal = inC * groups;
            this.h = h;
            this.w = w;
            this.outC = outC;
            this.outTotal = outC * groups;
            this.oh = oh;
            this.ow = ow;
            this.ph = ph;
            this.pw = pw;
            this.tilesY = (oh + 1) / 2;
            int target = tileTarget(inC, outC);
            this.wide = (ow + 1) / 2 < MIN_TILES_X && n > 1;
            this.period = w + pw;
            if (wide) {
                // Enough images for MIN_TILES_X tiles per strip row, more while blocks stay near the target number of tiles.
                int fill = (2 * MIN_TILES_X + period - 1) / period;
                int want = Math.max(fill, 2 * target / Math.max(1, tilesY * period));
                // ... but no fewer than two strips per core where the batch allows (3 strips on 2 cores idle one a third of the time).
                int balanced = (n + 2 * Parallel.threads() - 1) / (2 * Parallel.threads());
                perStrip = Math.max(1, Math.min(n, Math.max(fill, Math.min(want, balanced))));
                stripW = perStrip * period + pw;
                stripOW = stripW - 2;
                padLeft = 0;
            } else {
                perStrip = 1;
                stripW = w;
                stripOW = ow;
                padLeft = pw;
            }
            this.tilesX = (stripOW + 1) / 2;
            this.rowsPerBlock = wide ? tilesY : Math.max(1, Math.min(tilesY, target / Math.max(1, tilesX)));
            this.blocksPerStrip = (tilesY + rowsPerBlock - 1) / rowsPerBlock;
            this.strips = (n + perStrip - 1) / perStrip;
        }

        int units() {
            return strips * blocksPerStrip;
        }
    }

    /**
     * U[xi] = G w G^T of each group's [outC, inC, 3, 3] weights (rows of a [outTotal, inC * 9] matrix at wo),
     * packed per group and xi for the products: block (g, xi) at (g * 16 + xi) * packedASize(outC, inC).
     */
    static float[] pack(Kernels kern, Layout lay, float[] wt, int wo, float[] packed) {
        int pairs = lay.outC * lay.inC, stride = kern.gemm().packedASize(lay.outC, lay.inC);
        Scratch s = SCRATCH.get();
        float[] taps = s.taps = Scratch.grow(s.taps, 9 * pairs), u = s.u = Scratch.grow(s.u, 16 * pairs);
        int chunk = 256; // kernels per work item of the transform
        for (int g = 0; g < lay.groups; g++) {
            int base = wo + g * pairs * 9, items = (pairs + chunk - 1) / chunk, group = g;
            // Megabytes of weights at 512 channels: the transform and the 16 packings are split across cores too.
            Parallel.forRange(items, 1, (from, to) -> {
                int e0 = from * chunk, e1 = Math.min(pairs, to * chunk);
                for (int e = e0; e < e1; e++) {
                    for (int k = 0; k < 9; k++) taps[k * pairs + e] = wt[base + e * 9 + k];
                }
                kern.conv().winogradWeights(taps, e0, pairs, u, e0, pairs, e1 - e0);
            });
            Parallel.forRange(16, 1, (from, to) -> {
                for (int xi = from; xi < to; xi++) kern.gemm().packA(false, lay.outC, lay.inC, 1f, u, xi * pairs, lay.inC, packed, (group * 16 + xi) * stride);
            });
        }
        return packed;
    }

    /** Floats {@link #pack} writes. */
    static int packedSize(Kernels kern, Layout lay) {
        return lay.groups * 16 * kern.gemm().packedASize(lay.outC, lay.inC);
    }

    /** The images, tile rows and tiles of one work unit. */
    private record Block(int img0, int count, int ty0, int tyCount, int tiles) {
        static Block of(Layout lay, int unit) {
            int strip = unit / lay.blocksPerStrip, blk = unit % lay.blocksPerStrip;
            int img0 = strip * lay.perStrip, ty0 = blk * lay.rowsPerBlock, tyCount = Math.min(lay.rowsPerBlock, lay.tilesY - ty0);
            return new Block(img0, Math.min(lay.perStrip, lay.n - img0), ty0, tyCount, tyCount * lay.tilesX);
        }
    }

    /** Copies channels [c0, c0 + channels) of the block's images into the strip: image i at column pw + i * period, zeros around. */
    private static float[] fillStrip(Scratch s, boolean output, float[] x, int xo, int total, int c0, int channels, int rows, int cols,
                                     int stripCols, int at, Layout lay, Block b) {
        int size = channels * rows * stripCols;
        float[] strip = output ? (s.stripOut = Scratch.grow(s.stripOut, size)) : (s.strip = Scratch.grow(s.strip, size));
        java.util.Arrays.fill(strip, 0, size, 0f);
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < b.count; i++) {
                int src = xo + ((b.img0 + i) * total + c0 + c) * rows * cols, dst = c * rows * stripCols + at + i * lay.period;
                for (int r = 0; r < rows; r++, src += cols, dst += stripCols) {
                    for (int q = 0; q < cols; q++) strip[dst + q] = x[src + q];
                }
            }
        }
        return strip;
    }

    /** Floats between the 16 transformed positions of V: rows of tiles, or (panels) the tiles rounded up to whole panels. */
    private static int ldv(Kernels kern, Layout lay, Block b, boolean panels) {
        int p = kern.gemm().panelWidth();
        return lay.inC * (panels ? (b.tiles + p - 1) / p * p : b.tiles) + XI_PAD;
    }

    /**
     * V (16 x inC x tiles) of group g for the block: from x in place, or from a strip of its images; with panels, in
     * the layout the forward products read without packing it ({@link dev.jgrad.kernels.ConvKernels#winogradInputPanels}).
     */
    private static float[] transformInput(Kernels kern, Scratch s, Layout lay, Block b, int g, float[] x, int xo, boolean panels) {
        int ldv = ldv(kern, lay, b, panels);
        float[] v = s.v = Scratch.grow(s.v, 16 * ldv);
        float[] src = x;
        int at, plane, ld, pw;
        if (lay.wide) {
            src = fillStrip(s, false, x, xo, lay.inTotal, g * lay.inC, lay.inC, lay.h, lay.w, lay.stripW, lay.pw, lay, b);
            at = 0;
            plane = lay.h * lay.stripW;
            ld = lay.stripW;
            pw = 0;
        } else {
            plane = lay.h * lay.w;
            at = xo + (b.img0 * lay.inTotal + g * lay.inC) * plane;
            ld = lay.w;
            pw = lay.pw;
        }
        if (panels) {
            kern.conv().winogradInputPanels(lay.inC, src, at, plane, ld, lay.h, ld, lay.ph, pw, b.ty0, b.tyCount, lay.tilesX, v, 0, ldv);
        } else {
            kern.conv().winogradInput(lay.inC, src, at, plane, ld, lay.h, ld, lay.ph, pw, b.ty0, b.tyCount, lay.tilesX, v, 0, b.tiles, ldv);
        }
        return v;
    }

    private static int[] rowTable(Scratch s, int count, int stride) {
        if (s.rows.length < count) s.rows = new int[count];
        for (int i = 0; i < count; i++) s.rows[i] = i * stride;
        return s.rows;
    }

    /** y (every element is written) = the convolution of x with the packed transformed weights, over work units [from, to). */
    static void run(Kernels kern, Layout lay, float[] packed, float[] x, int xo, float[] y, int from, int to) {
        Scratch s = SCRATCH.get();
        int stride = kern.gemm().packedASize(lay.outC, lay.inC), plane = lay.oh * lay.ow;
        for (int u = from; u < to; u++) {
            Block b = Block.of(lay, u);
            for (int g = 0; g < lay.groups; g++) {
                float[] v = transformInput(kern, s, lay, b, g, x, xo, true);
                int ldv = ldv(kern, lay, b, true), ldm = lay.outC * b.tiles + XI_PAD;
                float[] m = s.m = Scratch.grow(s.m, 16 * ldm);
                for (int xi = 0; xi < 16; xi++) {
                    kern.gemm().sgemmPackedPanels(lay.outC, b.tiles, lay.inC, packed, (g * 16 + xi) * stride, v, xi * ldv, 0f, m, xi * ldm, b.tiles);
                }
                if (!lay.wide) {
                    kern.conv().winogradOutput(lay.outC, m, 0, b.tiles, ldm, b.ty0, b.tyCount, lay.tilesX, y, (b.img0 * lay.outTotal + g * lay.outC) * plane,
                            plane, lay.ow, lay.oh, lay.ow);
                    continue;
                }
                int stripPlane = lay.oh * lay.stripOW;
                float[] out = s.stripOut = Scratch.grow(s.stripOut, lay.outC * stripPlane);
                kern.conv().winogradOutput(lay.outC, m, 0, b.tiles, ldm, b.ty0, b.tyCount, lay.tilesX, out, 0, stripPlane, lay.stripOW, lay.oh, lay.stripOW);
                for (int o = 0; o < lay.outC; o++) { // image i's outputs are strip columns [i * period, i * period + ow)
                    for (int i = 0; i < b.count; i++) {
                        int src = o * stripPlane + i * lay.period, dst = ((b.img0 + i) * lay.outTotal + g * lay.outC + o) * plane;
                        for (int r = 0; r < lay.oh; r++, src += lay.stripOW, dst += lay.ow) {
                            for (int q = 0; q < lay.ow; q++) y[dst + q] = out[src + q];
                        }
                    }
                }
            }
        }
    }

    /**
     * gw ([outTotal, inC, 3, 3], zeroed) from x and the output gradient gy: per group and xi, dU^T [inC, outC] =
     * V (A gy A^T)^T summed over tiles, in partial sums per range of work units added in range order.
     */
    static void weightGrad(Kernels kern, Layout lay, float[] x, int xo, float[] gy, int go, float[] gw) {
        int units = lay.units(), pairs = lay.inC * lay.outC;
        float[][] partial = new float[units][];
        Parallel.forRange(units, 1, (from, to) -> {
            Scratch s = SCRATCH.get();
            int size = lay.groups * 16 * pairs;
            float[] acc = s.acc = Scratch.grow(s.acc, size); // [group][xi][inC][outC], this thread's partial sums
            java.util.Arrays.fill(acc, 0, size, 0f);
            partial[from] = acc;
            int plane = lay.oh * lay.ow;
            for (int u = from; u < to; u++) {
                Block b = Block.of(lay, u);
                for (int g = 0; g < lay.groups; g++) {
                    float[] v = transformInput(kern, s, lay, b, g, x, xo, false);
                    int ldv = ldv(kern, lay, b, false), ldo = lay.outC * b.tiles + XI_PAD;
                    float[] gt = s.gt = Scratch.grow(s.gt, 16 * ldo);
                    if (lay.wide) { // the gradient in the strip's columns, zero at the columns that straddle two images
                        float[] strip = fillStrip(s, true, gy, go, lay.outTotal, g * lay.outC, lay.outC, lay.oh, lay.ow, lay.stripOW, 0, lay, b);
                        kern.conv().winogradOutputGrad(lay.outC, strip, 0, lay.oh * lay.stripOW, lay.stripOW, lay.oh, lay.stripOW, b.ty0, b.tyCount,
                                lay.tilesX, gt, 0, b.tiles, ldo);
                    } else {
                        kern.conv().winogradOutputGrad(lay.outC, gy, go + (b.img0 * lay.outTotal + g * lay.outC) * plane, plane, lay.ow, lay.oh, lay.ow,
                                b.ty0, b.tyCount, lay.tilesX, gt, 0, b.tiles, ldo);
                    }
                    int[] rows = rowTable(s, lay.inC, b.tiles);
                    for (int xi = 0; xi < 16; xi++) {
                        kern.gemm().sgemmRowsA(lay.inC, lay.outC, b.tiles, v, xi * ldv, rows, true, gt, xi * ldo, b.tiles,
                                1f, acc, (g * 16 + xi) * pairs, lay.outC);
                    }
                }
            }
        });
        float[] sum = null;
        int size = lay.groups * 16 * pairs;
        for (float[] p : partial) {
            if (p == null) continue;
            if (sum == null) {
                sum = p;
                continue;
            }
            float[] add = p, into = sum;
            Parallel.forRange(size, 1 << 14, (from, to) -> kern.elementwise().axpy(1f, add, from, into, from, to - from));
        }
        Scratch s = SCRATCH.get();
        float[] taps = s.taps = Scratch.grow(s.taps, 9 * pairs), dU = sum;
        for (int g = 0; g < lay.groups; g++) {
            int group = g;
            Parallel.forRange(lay.inC, 1, (from, to) -> { // kernel e = c * outC + o: input channels [from, to)
                int e0 = from * lay.outC, e1 = to * lay.outC;
                kern.conv().winogradWeightsGrad(dU, group * 16 * pairs + e0, pairs, taps, e0, pairs, e1 - e0);
                for (int c = from; c < to; c++) {
                    for (int o = 0; o < lay.outC; o++) {
                        int e = c * lay.outC + o, dst = ((group * lay.outC + o) * lay.inC + c) * 9;
                        for (int k = 0; k < 9; k++) gw[dst + k] = taps[k * pairs + e];
                    }
                }
            });
        }
    }
}
