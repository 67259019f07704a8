package dev.jgrad.ops;

import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * 2-D average pooling (torch.nn.functional.avg_pool2d) as one op over [N, C, H, W] or [C, H, W] inputs.
 *
 * <p>The divisor is PyTorch's: with countIncludePad, the window's size clipped to the padded input (so a
 * ceil-mode window hanging past the padding counts only what lies inside it); without, the number of real
 * input elements in the window. Backward spreads each output gradient evenly (by the same divisor) over
 * its window. Planes (image, channel) are split across cores.
 */
public final class AvgPool2dOp {
    private AvgPool2dOp() {}

    private static final int GRAIN = 1 << 12;

    /**
     * kernelSize, stride, padding: one value for both axes or {h, w}; a null or empty stride means the kernel
     * size (PyTorch's default). Padding may be at most half the kernel.
     *
     * @param x the input, [N, C, H, W] or unbatched [C, H, W]
     * @param kernelSize the window size, one value or {@code {h, w}}, each at least 1
     * @param stride the step between windows, one value or {@code {h, w}}; null or empty for the kernel size
     * @param padding implicit padding on each side, one value or {@code {h, w}}, at most half the kernel
     * @param ceilMode round the output size up (keeping a last, partial window) instead of down
     * @param countIncludePad count padded cells in the divisor (PyTorch's default, true) rather than only real ones
     * @return the pooled tensor [N, C, OH, OW] (or [C, OH, OW]), differentiable with respect to {@code x}
     * @throws IllegalArgumentException when {@code x} is not 3-D or 4-D, a size is out of range or the output would be empty
     */
    public static Tensor avgPool2d(Tensor x, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        if (x.dim() == 3) return avgPool2d(x.unsqueeze(0), kernelSize, stride, padding, ceilMode, countIncludePad).squeeze(0);
        if (x.dim() != 4) {
            throw new IllegalArgumentException("avg_pool2d: expected 3-D [C, H, W] or 4-D [N, C, H, W] input, but got input of shape "
                    + Shape.str(x.shape()));
        }
        Window2d win = Window2d.of("avg_pool2d", kernelSize, stride, padding, new int[] {1});
        int[] xs = x.shape();
        int c = xs[1], h = xs[2], w = xs[3], planes = xs[0] * c;
        int[] o = win.poolOutput("avg_pool2d", c, h, w, ceilMode);
        int oh = o[0], ow = o[1], hw = h * w, ohw = oh * ow;
        // Window bounds and divisors depend only on the output position: computed once, shared by all planes.
        int[] hs = new int[oh], he = new int[oh], ws = new int[ow], we = new int[ow];
        float[] div = new float[ohw];
        for (int oy = 0; oy < oh; oy++) {
            int s = oy * win.sh() - win.ph(), e = Math.min(s + win.kh(), h + win.ph());
            int size = e - s;
            hs[oy] = Math.max(s, 0);
            he[oy] = Math.min(e, h);
            for (int ox = 0; ox < ow; ox++) {
                int sx = ox * win.sw() - win.pw(), ex = Math.min(sx + win.kw(), w + win.pw());
                ws[ox] = Math.max(sx, 0);
                we[ox] = Math.min(ex, w);
                div[oy * ow + ox] = countIncludePad ? size * (ex - sx) : (he[oy] - hs[oy]) * (we[ox] - ws[ox]);
            }
        }
        Tensor xc = x.contiguous();
        float[] xd = xc.storage();
        int xo = xc.offset();
        float[] y = new float[planes * ohw];
        Parallel.forRange(planes, Math.max(1, GRAIN / Math.max(1, ohw * win.kh() * win.kw())), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int base = xo + pl * hw, ob = pl * ohw;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float sum = 0;
                        for (int iy = hs[oy]; iy < he[oy]; iy++) {
                            int r = base + iy * w;
                            for (int ix = ws[ox]; ix < we[ox]; ix++) sum += xd[r + ix];
                        }
                        y[ob + oy * ow + ox] = sum / div[oy * ow + ox];
                    }
                }
            }
        });
        int[] outShape = {xs[0], c, oh, ow};
        return Tensor.result(Tensor.of(y, outShape), "avgPool2d", new Tensor[] {xc}, new Tensor[0], (g, sv) -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.storage();
            int go = gc.offset();
            float[] gx = new float[planes * hw];
            Parallel.forRange(planes, Math.max(1, GRAIN / Math.max(1, ohw * win.kh() * win.kw())), (from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    int ib = pl * hw, ob = go + pl * ohw;
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            float v = gd[ob + oy * ow + ox] / div[oy * ow + ox];
                            for (int iy = hs[oy]; iy < he[oy]; iy++) {
                                int r = ib + iy * w;
                                for (int ix = ws[ox]; ix < we[ox]; ix++) gx[r + ix] += v;
                            }
                        }
                    }
                }
            });
            return new Tensor[] {Tensor.of(gx, xs)};
        });
    }
}
