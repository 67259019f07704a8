package dev.jgrad.ops;

import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.kernels.RowSource;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * 2-D convolution (torch.nn.functional.conv2d) as one op: matrix products of the packed weights with the
 * columns of the input, and a hand-written backward (the weight gradient as a product of the same columns
 * with the output gradient, the input gradient as a convolution of the output gradient, a sum for the bias).
 *
 * <p>Layouts are PyTorch's: input [N, C, H, W] (or unbatched [C, H, W]), weight [O, C/groups, kh, kw],
 * bias [O], output [N, O, OH, OW]. With groups g, output channels [g*O/G, (g+1)*O/G) see only input channels
 * [g*C/G, (g+1)*C/G); each group is its own product with a row block of the weight.
 *
 * <p>The column matrix (row (c, i, j) = input channel c shifted by kernel tap (i, j), one column per output
 * position) is never built for a stride-1 convolution: {@link Im2Col#shifted} makes kw shifted copies of the
 * input rows a band of output rows needs, and {@link dev.jgrad.kernels.GemmKernels#sgemmPackedRows} reads every row of the column
 * matrix in place from them through a table of row offsets. That is kw copies of the input instead of kh*kw,
 * and the weights are packed once per call instead of once per product. A pointwise convolution reads the
 * input planes themselves. Strided convolutions, and feature maps too small to fill a product alone, use a
 * real column matrix (im2col), several images side by side.
 *
 * <p>Backward: the weight gradient is (columns) x (output gradient)^T, by {@link dev.jgrad.kernels.GemmKernels#sgemmRowsA}, which
 * again reads the columns in place. For stride 1 the input gradient is itself a stride-1 convolution, of the
 * output gradient with the weights flipped and transposed (padding (k-1)*d - p), and takes the forward path;
 * with a stride it is (weights)^T x (output gradient) folded back by col2im. The columns are rebuilt in
 * backward rather than saved: rebuilding costs a copy, not a product.
 *
 * <p>How the work is cut: images are processed in chunks of nb, where nb is 1 for feature maps of at least
 * {@link #TARGET_COLUMNS} positions and otherwise just enough images for the product to get that many columns
 * (a 4x4 map alone gives a 16-column product that wastes half of every register tile). A chunk of one image is
 * cut into bands of about {@link #BAND_COLUMNS} output positions (whole rows), so that the per-thread buffers
 * stay in cache. Chunks (and, for a single image, bands) run in parallel across cores, each with its own
 * thread-local buffers and single-threaded products; the weight gradient is summed per range of chunks and the
 * partial sums added in range order, so results do not depend on which thread finished first.
 */
public final class Conv2dOp {
    private Conv2dOp() {}

    /** Below this many output positions per image, images are batched side by side into one product. */
    static final int TARGET_COLUMNS = Integer.getInteger("jgrad.conv.columns", 256);
    /** Output positions per band when one image is cut into bands of rows (at least one row). */
    static final int BAND_COLUMNS = Integer.getInteger("jgrad.conv.band", 256);

    /** Per-thread buffers, grown on demand and reused: the columns (or shifted copies) and gathered gradients or outputs. */
    private static final class Scratch {
        float[] src = new float[0];
        float[] tmp = new float[0];
        /** The flipped, transposed weights of an input-gradient pass. */
        float[] flipped = new float[0];
        float[] b; // the columns last made by Pass#columns: B(p, q) = b[bOff + rows[p] + q]
        int bOff;

        float[] src(int n) {
            if (src.length < n) src = new float[n];
            return src;
        }

        float[] tmp(int n) {
            if (tmp.length < n) tmp = new float[n];
            return tmp;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /** The packed weights of the running call, per calling thread (megabytes for 512-channel layers, so reused). */
    private static final ThreadLocal<float[][]> PACKED = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    private static float[] packedBuffer(int n) {
        float[][] holder = PACKED.get();
        if (holder[0].length < n) holder[0] = new float[n];
        return holder[0];
    }

    /**
     * conv2d with stride 1, no padding, no dilation, one group.
     *
     * @param x the input [N, C, H, W] or [C, H, W]
     * @param weight the filters [O, C, kh, kw]
     * @param bias the per-output-channel bias [O], or null
     * @return the output [N, O, H - kh + 1, W - kw + 1] (or without N)
     * @throws IllegalArgumentException when the shapes do not fit (see the full overload)
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, new int[] {1}, new int[] {0}, new int[] {1}, 1);
    }

    /**
     * torch.nn.functional.conv2d: x [N, C, H, W] or [C, H, W], weight [O, C/groups, kh, kw], bias [O] or null;
     * stride, padding and dilation are one value for both axes or {h, w}. Returns [N, O, OH, OW] with
     * OH = (H + 2*padH - dilH*(kh-1) - 1) / strideH + 1 (and likewise OW).
     *
     * @param x the input [N, C, H, W] or unbatched [C, H, W]
     * @param weight the filters [O, C/groups, kh, kw]
     * @param bias the per-output-channel bias [O], or null for none
     * @param stride the step between windows, one value or {@code {h, w}}, each at least 1
     * @param padding zeros added on each side, one value or {@code {h, w}}
     * @param dilation the spacing between kernel taps, one value or {@code {h, w}}, each at least 1
     * @param groups the number of channel groups (1: dense; C: depthwise); must divide C and O
     * @return the output [N, O, OH, OW] (or [O, OH, OW] for unbatched input), differentiable with respect to x,
     *         weight and bias
     * @throws IllegalArgumentException when a rank, a channel count, a window size or groups does not fit
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        if (weight.dim() != 4) {
            throw new IllegalArgumentException("conv2d: weight must be 4-D [out_channels, in_channels/groups, kH, kW], got shape "
                    + Shape.str(weight.shape()));
        }
        if (x.dim() != 3 && x.dim() != 4) {
            throw new IllegalArgumentException("conv2d: expected 3-D (unbatched [C, H, W]) or 4-D (batched [N, C, H, W]) input, but got input of shape "
                    + Shape.str(x.shape()));
        }
        int[] ws = weight.shape();
        if (groups < 1) throw new IllegalArgumentException("conv2d: groups must be positive, got " + groups);
        if (ws[0] % groups != 0) {
            throw new IllegalArgumentException("conv2d: out_channels (weight.size(0) = " + ws[0] + ") must be divisible by groups = " + groups
                    + " (weight shape " + Shape.str(ws) + ")");
        }
        int channels = x.size(x.dim() - 3);
        if (channels != ws[1] * groups) {
            throw new IllegalArgumentException("conv2d: given groups=" + groups + ", weight of size " + Shape.str(ws) + ", expected input "
                    + Shape.str(x.shape()) + " to have " + ws[1] * groups + " channels, but got " + channels + " channels instead");
        }
        if (x.dim() == 3) return conv2d(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0);
        int[] xs = x.shape();
        if (bias != null && !Arrays.equals(bias.shape(), new int[] {ws[0]})) {
            throw new IllegalArgumentException("conv2d: bias of shape " + Shape.str(bias.shape()) + " does not match out_channels = " + ws[0]
                    + " (expected [" + ws[0] + "])");
        }
        Window2d win = Window2d.of("conv2d", new int[] {ws[2], ws[3]}, stride, padding, dilation);
        int[] o = win.convOutput("conv2d", xs[2], xs[3]);
        Plan plan = new Plan(xs[0], xs[1], xs[2], xs[3], ws[0], groups, win, o[0], o[1]);

        Tensor xc = x.contiguous(), wc = weight.contiguous(), bc = bias == null ? null : bias.contiguous();
        float[] y = new float[plan.n * plan.o * plan.p];
        plan.forward(xc.storage(), xc.offset(), wc.storage(), wc.offset(), bc == null ? null : bc.storage(), bc == null ? 0 : bc.offset(), y);
        int[] outShape = {plan.n, plan.o, plan.oh, plan.ow};

        boolean needX = xc.requiresGrad(), needW = wc.requiresGrad(), needB = bc != null && bc.requiresGrad();
        return Tensor.result(Tensor.of(y, outShape), "conv2d", new Tensor[] {xc, wc, bc}, new Tensor[] {xc, wc}, (g, sv) -> {
            Tensor gc = g.contiguous();
            float[] gx = needX ? new float[plan.n * plan.c * plan.h * plan.w] : null;
            float[] gw = needW ? new float[plan.o * plan.k] : null;
            float[] xd = sv[0].storage(), wd = sv[1].storage(), gd = gc.storage();
            int xo = sv[0].offset(), wo = sv[1].offset(), go = gc.offset();
            if (needW) plan.weightGrad(xd, xo, gd, go, gw);
            if (needX) plan.inputGrad(wd, wo, gd, go, gx);
            float[] gb = needB ? plan.biasGrad(gd, go) : null;
            return new Tensor[] {
                    needX ? Tensor.of(gx, xs) : null,
                    needW ? Tensor.of(gw, ws) : null,
                    needB ? Tensor.of(gb, plan.o) : null};
        });
    }

    /**
     * One direction of a convolution as products of packed weights with columns: input planes [N, inTotal, inH,
     * inW] to output planes [N, outTotal, outH, outW], per group inC -> outC channels. The forward convolution is
     * one; the input gradient of a stride-1 convolution is another (the output gradient in, flipped weights).
     * Knows how to make the columns of a block of work and where they are (a row table), and runs the products.
     */
    private static final class Pass {
        static final int POINTWISE = 0, SHIFTED = 1, COLUMNS = 2;

        final int n, groups, inC, inTotal, inH, inW, outC, outTotal, outH, outW, k, p, nb, chunks, bandRows, bands;
        final Window2d win;
        final int mode, planeRows, ld;
        final int[] rows;
        /** Im2Col's tap masks for whole maps in the flat geometry (small maps at stride 1), else null. */
        final boolean[] masks;
        /**
         * Flat geometry (stride 1, output as wide as the input): the products read the column matrix straight
         * from the input planes, rows at tapRows (relative to the first output row's input row), padding masked by
         * the tap masks (null for a pointwise convolution: nothing to mask), keepRows = tap * positions.
         */
        final boolean implicit;
        final int[] tapRows, keepRows;
        /** The Winograd blocking when this pass is a 3x3 stride-1 convolution it serves, else null. */
        final Winograd.Layout wino;

        Pass(int n, int groups, int inC, int inH, int inW, int outC, int outH, int outW, Window2d win) {
            this.n = n;
            this.groups = groups;
            this.inC = inC;
            this.inTotal = inC * groups;
            this.inH = inH;
            this.inW = inW;
            this.outC = outC;
            this.outTotal = outC * groups;
            this.outH = outH;
            this.outW = outW;
            this.win = win;
            this.k = inC * win.kh() * win.kw();
            this.p = outH * outW;
            this.nb = p == 0 ? Math.max(n, 1) : Math.max(1, Math.min(n, (TARGET_COLUMNS + p - 1) / p));
            this.chunks = (n + nb - 1) / nb;
            this.bandRows = nb > 1 || outW == 0 ? Math.max(outH, 1) : Math.max(1, Math.min(outH, (BAND_COLUMNS + outW - 1) / outW));
            this.bands = (outH + bandRows - 1) / bandRows;
            boolean strideOne = win.sh() == 1 && win.sw() == 1;
            this.mode = nb > 1 || !strideOne ? COLUMNS : win.pointwise() ? POINTWISE : SHIFTED;
            this.rows = new int[k];
            int kh = win.kh(), kw = win.kw();
            if (mode == POINTWISE) {
                planeRows = 0;
                ld = 0;
                for (int ci = 0; ci < inC; ci++) rows[ci] = ci * inH * inW;
            } else if (mode == SHIFTED) {
                planeRows = bandRows + (kh - 1) * win.dh();
                ld = 0;
                for (int ci = 0; ci < inC; ci++) {
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) rows[(ci * kh + i) * kw + j] = ((j * inC + ci) * planeRows + i * win.dh()) * outW;
                    }
                }
            } else {
                planeRows = 0;
                ld = nb * bandRows * outW;
                for (int r = 0; r < k; r++) rows[r] = r * ld;
            }
            this.wino = Winograd.applies(win, inC, outC) ? new Winograd.Layout(n, groups, inC, inH, inW, outC, outH, outW, win.ph(), win.pw()) : null;
            this.masks = Im2Col.flatMasks(inH, inW, win, outW, 0, outH);
            this.implicit = masks != null;
            this.tapRows = implicit ? new int[k] : null;
            this.keepRows = implicit && !win.pointwise() ? new int[k] : null;
            if (implicit) {
                for (int ci = 0; ci < inC; ci++) {
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            int r = (ci * kh + i) * kw + j;
                            tapRows[r] = ci * inH * inW + (i * win.dh() - win.ph()) * inW + j * win.dw() - win.pw();
                            if (keepRows != null) keepRows[r] = (i * kw + j) * p;
                        }
                    }
                }
            }
        }

        /**
         * The column matrix of images [n0, n0 + cnt), group g, output rows [oy0, oy1) read in place from x (flat
         * geometry): image after image, each (oy1 - oy0) * outW columns.
         */
        RowSource implicitColumns(float[] x, int xo, int n0, int cnt, int g, int oy0, int oy1) {
            int plane = inH * inW;
            return new RowSource(x, xo + (n0 * inTotal + g * inC) * plane + oy0 * inW, tapRows, (oy1 - oy0) * outW, inTotal * plane,
                    keepRows == null ? null : masks, oy0 * outW, keepRows);
        }

        /** Floats of the per-thread column buffer. */
        int sourceSize() {
            return mode == POINTWISE ? 0 : mode == SHIFTED ? win.kw() * inC * planeRows * outW : k * ld;
        }

        /**
         * Makes the columns [k, cnt * (oy1 - oy0) * outW] of images [n0, n0 + cnt), group g, output rows [oy0, oy1)
         * (several images only with whole maps) and points s.b / s.bOff at them, to be read through {@link #rows}.
         */
        void columns(Scratch s, float[] x, int xo, int n0, int cnt, int g, int oy0, int oy1) {
            int plane = inH * inW;
            if (mode == POINTWISE) {
                s.b = x;
                s.bOff = xo + (n0 * inTotal + g * inC) * plane + oy0 * outW;
                return;
            }
            float[] buf = s.src(sourceSize());
            if (mode == SHIFTED) {
                Im2Col.shifted(x, xo + (n0 * inTotal + g * inC) * plane, inC, inH, inW, win.kh(), win.kw(), win.dh(), win.dw(),
                        win.ph(), win.pw(), outW, oy0, oy1, planeRows, buf);
            } else {
                int band = (oy1 - oy0) * outW;
                for (int i = 0; i < cnt; i++) {
                    Im2Col.im2col(x, xo + ((n0 + i) * inTotal + g * inC) * plane, inC, inH, inW, win, outH, outW, oy0, oy1, buf, i * band, ld,
                            bands == 1 ? masks : null);
                }
            }
            s.b = buf;
            s.bOff = 0;
        }

        /** Packs each group's weight block [outC, k] (rows of a [outTotal, k] matrix at wo) for {@link #run}. */
        float[] pack(Kernels kern, float[] wt, int wo) {
            if (wino != null) return Winograd.pack(kern, wino, wt, wo, packedBuffer(Winograd.packedSize(kern, wino)));
            int stride = kern.gemm().packedASize(outC, k);
            float[] packed = packedBuffer(groups * stride);
            for (int g = 0; g < groups; g++) kern.gemm().packA(false, outC, k, 1f, wt, wo + g * outC * k, k, packed, g * stride);
            return packed;
        }

        /** Work units: chunks of images, or the bands of the only image, so that batch 1 splits across cores too. */
        int units() {
            if (wino != null) return wino.units();
            return chunks == 1 ? bands : chunks;
        }

        /** y (all of it is written) = the convolution of x with the packed weights, over units [from, to). */
        void run(Kernels kern, float[] packed, float[] x, int xo, float[] y, int from, int to) {
            if (wino != null) {
                Winograd.run(kern, wino, packed, x, xo, y, from, to);
                return;
            }
            Scratch s = SCRATCH.get();
            int stride = kern.gemm().packedASize(outC, k);
            for (int u = from; u < to; u++) {
                int ch = chunks == 1 ? 0 : u, n0 = ch * nb, cnt = Math.min(nb, n - n0);
                int b0 = chunks == 1 ? u : 0, b1 = chunks == 1 ? u + 1 : bands;
                for (int g = 0; g < groups; g++) {
                    if (cnt == 1) {
                        for (int b = b0; b < b1; b++) {
                            int oy0 = b * bandRows, oy1 = Math.min(outH, oy0 + bandRows);
                            RowSource src;
                            if (implicit) {
                                src = implicitColumns(x, xo, n0, 1, g, oy0, oy1);
                            } else {
                                columns(s, x, xo, n0, 1, g, oy0, oy1);
                                src = RowSource.of(s.b, s.bOff, rows);
                            }
                            kern.gemm().sgemmPackedRows(outC, (oy1 - oy0) * outW, k, packed, g * stride, src,
                                    0f, y, (n0 * outTotal + g * outC) * p + oy0 * outW, p);
                        }
                    } else {
                        int width = cnt * p;
                        RowSource src;
                        if (implicit) {
                            src = implicitColumns(x, xo, n0, cnt, g, 0, outH);
                        } else {
                            columns(s, x, xo, n0, cnt, g, 0, outH);
                            src = RowSource.of(s.b, s.bOff, rows);
                        }
                        float[] t = s.tmp(outC * width);
                        kern.gemm().sgemmPackedRows(outC, width, k, packed, g * stride, src, 0f, t, 0, width);
                        for (int i = 0; i < cnt; i++) {
                            for (int r = 0; r < outC; r++) System.arraycopy(t, r * width + i * p, y, ((n0 + i) * outTotal + g * outC + r) * p, p);
                        }
                    }
                }
            }
            s.b = null;
        }
    }

    /** The sizes of one call and its passes: the forward one, and the input gradient's when the stride is 1. */
    private static final class Plan {
        final int n, c, h, w, o, groups, cg, og, k, oh, ow, p;
        final Window2d win;
        final Pass fwd;
        /** The input gradient as the stride-1 convolution of the output gradient with the flipped weights, or null (strided). */
        final Pass back;

        Plan(int n, int c, int h, int w, int o, int groups, Window2d win, int oh, int ow) {
            this.n = n;
            this.c = c;
            this.h = h;
            this.w = w;
            this.o = o;
            this.groups = groups;
            this.cg = c / groups;
            this.og = o / groups;
            this.k = cg * win.kh() * win.kw();
            this.oh = oh;
            this.ow = ow;
            this.p = oh * ow;
            this.win = win;
            this.fwd = new Pass(n, groups, cg, h, w, og, oh, ow, win);
            boolean strideOne = win.sh() == 1 && win.sw() == 1;
            // Full correlation with the flipped kernel: padding (k - 1) * d - p (negative padding crops) gives back H x W.
            Window2d flipped = new Window2d(win.kh(), win.kw(), 1, 1, (win.kh() - 1) * win.dh() - win.ph(), (win.kw() - 1) * win.dw() - win.pw(),
                    win.dh(), win.dw());
            this.back = strideOne ? new Pass(n, groups, og, oh, ow, cg, h, w, flipped) : null;
        }

        void forward(float[] x, int xo, float[] wt, int wo, float[] b, int bo, float[] y) {
            if (p == 0 || o == 0 || n == 0) return;
            Kernels kern = Kernels.get();
            float[] packed = fwd.pack(kern, wt, wo);
            Parallel.forRange(fwd.units(), 1, (from, to) -> fwd.run(kern, packed, x, xo, y, from, to));
            if (b != null) {
                for (int i = 0; i < n; i++) {
                    for (int r = 0; r < o; r++) {
                        float bv = b[bo + r];
                        int at = (i * o + r) * p;
                        for (int q = 0; q < p; q++) y[at + q] += bv;
                    }
                }
            }
        }

        /**
         * gw ([O, K], zeroed) from the columns of x and the output gradient: per group, [K, og] = columns x gy^T,
         * summed over images in partial sums per range of chunks, which are added in range order.
         */
        void weightGrad(float[] x, int xo, float[] gy, int go, float[] gw) {
            if (p == 0 || o == 0 || k == 0 || n == 0) return;
            Kernels kern = Kernels.get();
            Pass f = fwd;
            if (f.wino != null) {
                Winograd.weightGrad(kern, f.wino, x, xo, gy, go, gw);
                return;
            }
            float[][] partial = new float[f.chunks][];
            Parallel.forRange(f.chunks, 1, (from, to) -> {
                Scratch s = SCRATCH.get();
                float[] acc = new float[groups * k * og]; // [group][K][og]
                partial[from] = acc;
                for (int ch = from; ch < to; ch++) {
                    int n0 = ch * f.nb, cnt = Math.min(f.nb, n - n0);
                    for (int g = 0; g < groups; g++) {
                        for (int oy0 = 0; oy0 < oh; oy0 += f.bandRows) {
                            int oy1 = Math.min(oh, oy0 + f.bandRows), width = cnt * (oy1 - oy0) * ow;
                            f.columns(s, x, xo, n0, cnt, g, oy0, oy1);
                            float[] gb;
                            int gOff, ldg;
                            if (cnt == 1) {
                                gb = gy;
                                gOff = go + (n0 * o + g * og) * p + oy0 * ow;
                                ldg = p;
                            } else { // the gradients of the chunk's images side by side, as the columns are
                                gb = s.tmp(og * width);
                                gOff = 0;
                                ldg = width;
                                for (int i = 0; i < cnt; i++) {
                                    for (int r = 0; r < og; r++) System.arraycopy(gy, go + ((n0 + i) * o + g * og + r) * p, gb, r * width + i * p, p);
                                }
                            }
                            if (f.mode == Pass.COLUMNS) { // a plain matrix: the packed product streams its rows better
                                kern.gemm().sgemm(false, true, k, og, width, 1f, s.b, s.bOff, f.ld, gb, gOff, ldg, 1f, acc, g * k * og, og);
                            } else {
                                kern.gemm().sgemmRowsA(k, og, width, s.b, s.bOff, f.rows, true, gb, gOff, ldg, 1f, acc, g * k * og, og);
                            }
                        }
                    }
                }
                s.b = null;
            });
            float[] sum = partial[0];
            for (int i = 1; i < partial.length; i++) {
                if (partial[i] != null) kern.elementwise().axpy(1f, partial[i], 0, sum, 0, sum.length);
            }
            for (int g = 0; g < groups; g++) {
                for (int kk = 0; kk < k; kk++) {
                    for (int r = 0; r < og; r++) gw[(g * og + r) * k + kk] = sum[(g * k + kk) * og + r];
                }
            }
        }

        /** gx ([N, C, H, W], zeroed) from the output gradient. */
        void inputGrad(float[] wt, int wo, float[] gy, int go, float[] gx) {
            if (p == 0 || o == 0 || k == 0 || n == 0) return;
            Kernels kern = Kernels.get();
            if (back != null) {
                // Weights of the transposed convolution: [C/groups, O/groups * kh * kw] per group, taps flipped.
                int kh = win.kh(), kw = win.kw(), taps = kh * kw, kb = back.k;
                Scratch sc = SCRATCH.get();
                float[] flipped = sc.flipped = sc.flipped.length < groups * cg * kb ? new float[groups * cg * kb] : sc.flipped;
                Parallel.forRange(groups * og, 64, (from, to) -> { // megabytes at 512 channels
                    for (int row = from; row < to; row++) {
                        int g = row / og, r = row % og;
                        for (int ci = 0; ci < cg; ci++) {
                            int src = wo + ((g * og + r) * cg + ci) * taps, dst = (g * cg + ci) * kb + r * taps;
                            for (int t = 0; t < taps; t++) flipped[dst + taps - 1 - t] = wt[src + t];
                        }
                    }
                });
                float[] packed = back.pack(kern, flipped, 0);
                Parallel.forRange(back.units(), 1, (from, to) -> back.run(kern, packed, gy, go, gx, from, to));
                return;
            }
            // Strided: columns = W^T gy, folded back onto the input by col2im. Bands of one image stay on one
            // thread: their col2im writes overlap at the band edges.
            Pass f = fwd;
            Parallel.forRange(f.chunks, 1, (from, to) -> {
                Scratch s = SCRATCH.get();
                for (int ch = from; ch < to; ch++) {
                    int n0 = ch * f.nb, cnt = Math.min(f.nb, n - n0);
                    for (int g = 0; g < groups; g++) {
                        for (int oy0 = 0; oy0 < oh; oy0 += f.bandRows) {
                            int oy1 = Math.min(oh, oy0 + f.bandRows), band = (oy1 - oy0) * ow, width = cnt * band;
                            float[] gb;
                            int gOff, ldg;
                            float[] gcols = s.src(k * width);
                            if (cnt == 1) {
                                gb = gy;
                                gOff = go + (n0 * o + g * og) * p + oy0 * ow;
                                ldg = p;
                            } else {
                                gb = s.tmp(og * width);
                                gOff = 0;
                                ldg = width;
                                for (int i = 0; i < cnt; i++) {
                                    for (int r = 0; r < og; r++) System.arraycopy(gy, go + ((n0 + i) * o + g * og + r) * p, gb, r * width + i * p, p);
                                }
                            }
                            kern.gemm().sgemm(true, false, k, width, og, 1f, wt, wo + g * og * k, k, gb, gOff, ldg, 0f, gcols, 0, width);
                            int xg = (n0 * c + g * cg) * h * w;
                            for (int i = 0; i < cnt; i++) {
                                Im2Col.col2im(gcols, i * band, width, cg, h, w, win, oh, ow, oy0, oy1, gx, xg + i * c * h * w);
                            }
                        }
                    }
                }
            });
        }

        float[] biasGrad(float[] gy, int go) {
            float[] gb = new float[o];
            Kernels kern = Kernels.get();
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < o; r++) gb[r] += kern.elementwise().sum(gy, go + (i * o + r) * p, p);
            }
            return gb;
        }
    }
}
