package dev.jgrad.nn;

import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * 2-D convolution (torch.nn.functional.conv2d) as one op: im2col plus SGEMM forward, and a hand-written
 * backward (a GEMM and col2im for the input gradient, a GEMM for the weight gradient, a sum for the bias).
 *
 * <p>Layouts are PyTorch's: input [N, C, H, W] (or unbatched [C, H, W]), weight [O, C/groups, kh, kw],
 * bias [O], output [N, O, OH, OW]. With groups g, output channels [g*O/G, (g+1)*O/G) see only input channels
 * [g*C/G, (g+1)*C/G); each group is its own GEMM on a row block of the weight, which SGEMM reads in place.
 *
 * <p>How the work is cut: images are processed in chunks of nb, where nb is 1 for feature maps of at least
 * {@link #TARGET_COLUMNS} positions and otherwise just enough images for the GEMM to get that many columns
 * (a 4x4 map alone gives a 16-column product that wastes half of every register tile). A chunk of one image
 * is cut into bands of about {@link #BAND_COLUMNS} output positions (whole rows), so that the per-thread
 * column buffer stays small (it would be kh*kw times the image otherwise: megabytes for large images).
 * Chunks run in parallel across cores, each with its own thread-local buffers and single-threaded GEMMs;
 * with a single chunk (batch 1) the GEMM itself is parallel. Measured on the shared 2-core machine (batch 64,
 * 64 -> 64 channels, 32x32, 3x3, forward + backward): splitting over the batch costs about 240 CPU-ms,
 * splitting inside each GEMM about 530 (every GEMM then packs its operands on both cores and the threads
 * meet after each of the thousands of small products; im2col and col2im also stay single-threaded).
 * {@code -Djgrad.conv.parallel=gemm} selects the other strategy, for such measurements.
 *
 * <p>A 1x1 convolution at stride 1 without padding needs no im2col: the input planes already are the
 * column matrix, so a full-size chunk multiplies the weight with the input in place.
 *
 * <p>The column matrix is rebuilt in backward rather than saved: it is kh*kw times the size of the input,
 * and rebuilding costs a copy, not a GEMM.
 */
public final class Conv2dOp {
    private Conv2dOp() {}

    /** Below this many output positions per image, images are batched side by side into one GEMM. */
    static final int TARGET_COLUMNS = Integer.getInteger("jgrad.conv.columns", 256);
    /** Output positions per band when one image is cut into bands of rows (at least one row). */
    static final int BAND_COLUMNS = Integer.getInteger("jgrad.conv.band", 256);
    private static final boolean SPLIT_BATCH = !"gemm".equals(System.getProperty("jgrad.conv.parallel", "batch"));

    /**
     * Per-thread buffers for columns and gathered gradients, grown on demand and reused, and the operand
     * that {@link Plan#columns} / {@link Plan#gradients} last pointed at (array, offset, leading dimension).
     */
    private static final class Scratch {
        float[] cols = new float[0];
        float[] tmp = new float[0];
        float[] b, g;
        int bOff, ldb, gOff, ldg;

        float[] cols(int n) {
            if (cols.length < n) cols = new float[n];
            return cols;
        }

        float[] tmp(int n) {
            if (tmp.length < n) tmp = new float[n];
            return tmp;
        }

        void release() {
            b = g = null;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** conv2d with stride 1, no padding, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, new int[] {1}, new int[] {0}, new int[] {1}, 1);
    }

    /**
     * torch.nn.functional.conv2d: x [N, C, H, W] or [C, H, W], weight [O, C/groups, kh, kw], bias [O] or null;
     * stride, padding and dilation are one value for both axes or {h, w}. Returns [N, O, OH, OW] with
     * OH = (H + 2*padH - dilH*(kh-1) - 1) / strideH + 1 (and likewise OW).
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
            if (needX || needW) {
                plan.backward(sv[0].storage(), sv[0].offset(), sv[1].storage(), sv[1].offset(), gc.storage(), gc.offset(), gx, gw);
            }
            float[] gb = needB ? plan.biasGrad(gc.storage(), gc.offset()) : null;
            return new Tensor[] {
                    needX ? Tensor.of(gx, xs) : null,
                    needW ? Tensor.of(gw, ws) : null,
                    needB ? Tensor.of(gb, plan.o) : null};
        });
    }

    /**
     * The sizes of one call and the loops over its work: chunks of nb images; a chunk of one image is
     * further cut into bands of output rows, so that its column block (K x band) stays in cache between
     * im2col and the GEMM instead of streaming megabytes through memory.
     */
    private static final class Plan {
        final int n, c, h, w, o, groups, cg, og, k, oh, ow, p, nb, chunks, bandRows;
        final Window2d win;
        final boolean pointwise;

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
            this.pointwise = win.pointwise();
            this.nb = p == 0 ? Math.max(n, 1) : Math.max(1, Math.min(n, (TARGET_COLUMNS + p - 1) / p));
            this.chunks = (n + nb - 1) / nb;
            this.bandRows = nb > 1 || ow == 0 ? oh : Math.max(1, Math.min(oh, (BAND_COLUMNS + ow - 1) / ow));
        }

        /** Runs body over chunk ranges: split across cores over the batch, or sequentially (GEMMs then split themselves). */
        void forChunks(Parallel.IntRangeBody body) {
            if (SPLIT_BATCH && chunks >= 2) Parallel.forRange(chunks, 1, body);
            else body.run(0, chunks);
        }

        /**
         * Points s.b / s.bOff / s.ldb at the column matrix [k, cnt * (oy1 - oy0) * ow] of images [n0, n0 + cnt),
         * group g, output rows [oy0, oy1) (several images only with whole maps): the input itself for a
         * pointwise convolution of one image, else an im2col into the thread's buffer.
         */
        void columns(Scratch s, float[] x, int xo, int n0, int cnt, int g, int oy0, int oy1) {
            int band = (oy1 - oy0) * ow, width = cnt * band;
            if (pointwise && cnt == 1) {
                s.b = x;
                s.bOff = xo + (n0 * c + g * cg) * p + oy0 * ow;
                s.ldb = p;
                return;
            }
            float[] cols = s.cols(k * width);
            for (int i = 0; i < cnt; i++) {
                Im2Col.im2col(x, xo + ((n0 + i) * c + g * cg) * h * w, cg, h, w, win, oh, ow, oy0, oy1, cols, i * band, width);
            }
            s.b = cols;
            s.bOff = 0;
            s.ldb = width;
        }

        /** Points s.g / s.gOff / s.ldg at the output gradient [og, width] of the same block: in place for one image, else gathered. */
        void gradients(Scratch s, float[] gy, int go, int n0, int cnt, int g, int oy0, int oy1) {
            if (cnt == 1) {
                s.g = gy;
                s.gOff = go + (n0 * o + g * og) * p + oy0 * ow;
                s.ldg = p;
                return;
            }
            int width = cnt * p;
            float[] t = s.tmp(og * width);
            for (int i = 0; i < cnt; i++) {
                for (int r = 0; r < og; r++) System.arraycopy(gy, go + ((n0 + i) * o + g * og + r) * p, t, r * width + i * p, p);
            }
            s.g = t;
            s.gOff = 0;
            s.ldg = width;
        }

        void forward(float[] x, int xo, float[] wt, int wo, float[] b, int bo, float[] y) {
            if (p == 0 || o == 0) return;
            Kernels kern = Kernels.get();
            forChunks((from, to) -> {
                Scratch s = SCRATCH.get();
                for (int ch = from; ch < to; ch++) {
                    int n0 = ch * nb, cnt = Math.min(nb, n - n0);
                    for (int g = 0; g < groups; g++) {
                        if (cnt == 1) {
                            for (int oy0 = 0; oy0 < oh; oy0 += bandRows) {
                                int oy1 = Math.min(oh, oy0 + bandRows);
                                columns(s, x, xo, n0, 1, g, oy0, oy1);
                                kern.sgemm(false, false, og, (oy1 - oy0) * ow, k, 1f, wt, wo + g * og * k, k, s.b, s.bOff, s.ldb,
                                        0f, y, (n0 * o + g * og) * p + oy0 * ow, p);
                            }
                        } else {
                            int width = cnt * p;
                            columns(s, x, xo, n0, cnt, g, 0, oh);
                            float[] t = s.tmp(og * width);
                            kern.sgemm(false, false, og, width, k, 1f, wt, wo + g * og * k, k, s.b, s.bOff, s.ldb, 0f, t, 0, width);
                            for (int i = 0; i < cnt; i++) {
                                for (int r = 0; r < og; r++) System.arraycopy(t, r * width + i * p, y, ((n0 + i) * o + g * og + r) * p, p);
                            }
                        }
                    }
                    if (b != null) {
                        for (int i = n0; i < n0 + cnt; i++) {
                            for (int r = 0; r < o; r++) {
                                float bv = b[bo + r];
                                int at = (i * o + r) * p;
                                for (int q = 0; q < p; q++) y[at + q] += bv;
                            }
                        }
                    }
                }
                s.release();
            });
        }

        /** gx (zeroed, [N, C, H, W]) and gw (zeroed, [O, K]) from the output gradient g [N, O, OH, OW]; either may be null. */
        void backward(float[] x, int xo, float[] wt, int wo, float[] gy, int go, float[] gx, float[] gw) {
            if (p == 0 || o == 0 || k == 0) return;
            Kernels kern = Kernels.get();
            // Weight-gradient partial sums per chunk range, merged in range order so that results do not
            // depend on which thread finished first. The range starting at 0 accumulates into gw itself.
            // Bands of one image always run on one thread: their col2im writes overlap at the band edges.
            float[][] partial = new float[chunks][];
            forChunks((from, to) -> {
                Scratch s = SCRATCH.get();
                float[] pw = gw == null ? null : from == 0 ? gw : new float[o * k];
                partial[from] = pw;
                for (int ch = from; ch < to; ch++) {
                    int n0 = ch * nb, cnt = Math.min(nb, n - n0);
                    for (int g = 0; g < groups; g++) {
                        for (int oy0 = 0; oy0 < oh; oy0 += bandRows) {
                            int oy1 = Math.min(oh, oy0 + bandRows), width = cnt * (oy1 - oy0) * ow;
                            gradients(s, gy, go, n0, cnt, g, oy0, oy1);
                            if (pw != null) {
                                columns(s, x, xo, n0, cnt, g, oy0, oy1);
                                kern.sgemm(false, true, og, k, width, 1f, s.g, s.gOff, s.ldg, s.b, s.bOff, s.ldb, 1f, pw, g * og * k, k);
                            }
                            if (gx == null) continue;
                            int xg = (n0 * c + g * cg) * h * w;
                            if (pointwise && cnt == 1) {
                                kern.sgemm(true, false, cg, width, og, 1f, wt, wo + g * og * k, k, s.g, s.gOff, s.ldg,
                                        0f, gx, xg + oy0 * ow, p);
                            } else {
                                float[] gcols = s.cols(k * width);
                                kern.sgemm(true, false, k, width, og, 1f, wt, wo + g * og * k, k, s.g, s.gOff, s.ldg, 0f, gcols, 0, width);
                                int band = (oy1 - oy0) * ow;
                                for (int i = 0; i < cnt; i++) {
                                    Im2Col.col2im(gcols, i * band, width, cg, h, w, win, oh, ow, oy0, oy1, gx, xg + i * c * h * w);
                                }
                            }
                        }
                    }
                }
                s.release();
            });
            if (gw != null) {
                for (int i = 1; i < chunks; i++) {
                    if (partial[i] != null) kern.axpy(1f, partial[i], 0, gw, 0, gw.length);
                }
            }
        }

        float[] biasGrad(float[] gy, int go) {
            float[] gb = new float[o];
            Kernels kern = Kernels.get();
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < o; r++) gb[r] += kern.sum(gy, go + (i * o + r) * p, p);
            }
            return gb;
        }
    }
}
