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
 * (a 4x4 map alone gives a 16-column product that wastes half of every register tile). Chunks run in
 * parallel across cores, each with its own thread-local column buffer and single-threaded GEMMs; with a single
 * chunk (batch 1) the GEMM itself is parallel. Measured on the 2-core machine (batch 64, 64 -> 64 channels,
 * 32x32, 3x3): splitting over the batch beats splitting inside each GEMM, because every GEMM then packs
 * its own operands once and the im2col/col2im passes run in parallel too ({@code -Djgrad.conv.parallel=gemm}
 * selects the other strategy, for such measurements).
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
    private static final boolean SPLIT_BATCH = !"gemm".equals(System.getProperty("jgrad.conv.parallel", "batch"));

    /** Per-thread buffers for columns and gathered gradients, grown on demand and reused. */
    private static final class Scratch {
        float[] cols = new float[0];
        float[] tmp = new float[0];

        float[] cols(int n) {
            if (cols.length < n) cols = new float[n];
            return cols;
        }

        float[] tmp(int n) {
            if (tmp.length < n) tmp = new float[n];
            return tmp;
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
        if (x.dim() == 3) return conv2d(x.unsqueeze(0), weight, bias, stride, padding, dilation, groups).squeeze(0);
        if (x.dim() != 4) {
            throw new IllegalArgumentException("conv2d: expected 3-D (unbatched [C, H, W]) or 4-D (batched [N, C, H, W]) input, but got input of shape "
                    + Shape.str(x.shape()));
        }
        int[] ws = weight.shape(), xs = x.shape();
        if (groups < 1) throw new IllegalArgumentException("conv2d: groups must be positive, got " + groups);
        if (ws[0] % groups != 0) {
            throw new IllegalArgumentException("conv2d: out_channels (weight.size(0) = " + ws[0] + ") must be divisible by groups = " + groups
                    + " (weight shape " + Shape.str(ws) + ")");
        }
        if (xs[1] != ws[1] * groups) {
            throw new IllegalArgumentException("conv2d: given groups=" + groups + ", weight of size " + Shape.str(ws) + ", expected input "
                    + Shape.str(xs) + " to have " + ws[1] * groups + " channels, but got " + xs[1] + " channels instead");
        }
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

    /** The sizes of one call and the loops over chunks of images. */
    private static final class Plan {
        final int n, c, h, w, o, groups, cg, og, k, oh, ow, p, nb, chunks;
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
        }

        /** Runs body over chunk ranges: split across cores over the batch, or sequentially (GEMMs then split themselves). */
        void forChunks(Parallel.IntRangeBody body) {
            if (SPLIT_BATCH && chunks >= 2) Parallel.forRange(chunks, 1, body);
            else body.run(0, chunks);
        }

        void forward(float[] x, int xo, float[] wt, int wo, float[] b, int bo, float[] y) {
            if (p == 0 || o == 0) return;
            Kernels kern = Kernels.get();
            forChunks((from, to) -> {
                Scratch s = SCRATCH.get();
                for (int ch = from; ch < to; ch++) {
                    int n0 = ch * nb, cnt = Math.min(nb, n - n0), cols = cnt * p;
                    boolean direct = cnt == 1;
                    for (int g = 0; g < groups; g++) {
                        float[] bm;
                        int bOff, ldb;
                        if (pointwise && direct) {
                            bm = x;
                            bOff = xo + (n0 * c + g * cg) * p;
                            ldb = p;
                        } else {
                            bm = s.cols(k * cols);
                            for (int i = 0; i < cnt; i++) {
                                Im2Col.im2col(x, xo + ((n0 + i) * c + g * cg) * h * w, cg, h, w, win, oh, ow, bm, i * p, cols);
                            }
                            bOff = 0;
                            ldb = cols;
                        }
                        if (direct) {
                            kern.sgemm(false, false, og, p, k, 1f, wt, wo + g * og * k, k, bm, bOff, ldb, 0f, y, (n0 * o + g * og) * p, p);
                        } else {
                            float[] t = s.tmp(og * cols);
                            kern.sgemm(false, false, og, cols, k, 1f, wt, wo + g * og * k, k, bm, bOff, ldb, 0f, t, 0, cols);
                            for (int i = 0; i < cnt; i++) {
                                for (int r = 0; r < og; r++) {
                                    System.arraycopy(t, r * cols + i * p, y, ((n0 + i) * o + g * og + r) * p, p);
                                }
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
            });
        }

        /** gx (zeroed, [N, C, H, W]) and gw (zeroed, [O, K]) from the output gradient g [N, O, OH, OW]; either may be null. */
        void backward(float[] x, int xo, float[] wt, int wo, float[] gy, int go, float[] gx, float[] gw) {
            if (p == 0 || o == 0 || k == 0) return;
            Kernels kern = Kernels.get();
            // Weight-gradient partial sums per chunk range, merged in range order so that results do not
            // depend on which thread finished first. The range starting at 0 accumulates into gw itself.
            float[][] partial = new float[chunks][];
            forChunks((from, to) -> {
                Scratch s = SCRATCH.get();
                float[] pw = gw == null ? null : from == 0 ? gw : new float[o * k];
                partial[from] = pw;
                for (int ch = from; ch < to; ch++) {
                    int n0 = ch * nb, cnt = Math.min(nb, n - n0), cols = cnt * p;
                    boolean direct = cnt == 1;
                    for (int g = 0; g < groups; g++) {
                        // op(gOut) for this chunk and group: [og, cols]
                        float[] gm;
                        int gOff, ldg;
                        if (direct) {
                            gm = gy;
                            gOff = go + (n0 * o + g * og) * p;
                            ldg = p;
                        } else {
                            gm = s.tmp(og * cols);
                            for (int i = 0; i < cnt; i++) {
                                for (int r = 0; r < og; r++) {
                                    System.arraycopy(gy, go + ((n0 + i) * o + g * og + r) * p, gm, r * cols + i * p, p);
                                }
                            }
                            gOff = 0;
                            ldg = cols;
                        }
                        if (pw != null) {
                            float[] bm;
                            int bOff, ldb;
                            if (pointwise && direct) {
                                bm = x;
                                bOff = xo + (n0 * c + g * cg) * p;
                                ldb = p;
                            } else {
                                bm = s.cols(k * cols);
                                for (int i = 0; i < cnt; i++) {
                                    Im2Col.im2col(x, xo + ((n0 + i) * c + g * cg) * h * w, cg, h, w, win, oh, ow, bm, i * p, cols);
                                }
                                bOff = 0;
                                ldb = cols;
                            }
                            kern.sgemm(false, true, og, k, cols, 1f, gm, gOff, ldg, bm, bOff, ldb, 1f, pw, g * og * k, k);
                        }
                        if (gx != null) {
                            if (pointwise && direct) {
                                kern.sgemm(true, false, cg, p, og, 1f, wt, wo + g * og * k, k, gm, gOff, ldg, 0f, gx, (n0 * c + g * cg) * p, p);
                            } else {
                                float[] gcols = s.cols(k * cols);
                                kern.sgemm(true, false, k, cols, og, 1f, wt, wo + g * og * k, k, gm, gOff, ldg, 0f, gcols, 0, cols);
                                for (int i = 0; i < cnt; i++) {
                                    Im2Col.col2im(gcols, i * p, cols, cg, h, w, win, oh, ow, gx, ((n0 + i) * c + g * cg) * h * w);
                                }
                            }
                        }
                    }
                }
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
