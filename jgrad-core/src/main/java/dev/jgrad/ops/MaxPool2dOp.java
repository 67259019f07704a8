package dev.jgrad.ops;

import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * 2-D max pooling (torch.nn.functional.max_pool2d) as one op over [N, C, H, W] or [C, H, W] inputs.
 *
 * <p>Padding counts as minus infinity. Within a window the first maximum in row-major order wins, and a
 * NaN wins over everything (it propagates), exactly as PyTorch's CPU kernel; the winner's position is
 * remembered so that backward routes each output gradient to it (overlapping windows add up).
 * Planes (image, channel) are split across cores.
 */
public final class MaxPool2dOp {
    private MaxPool2dOp() {}

    private static final int GRAIN = 1 << 12;

    /**
     * kernelSize, stride, padding, dilation: one value for both axes or {h, w}; a null or empty stride means
     * the kernel size (PyTorch's default). Padding may be at most half the kernel.
     *
     * @param x the input, [N, C, H, W] or unbatched [C, H, W]
     * @param kernelSize the window size, one value or {@code {h, w}}, each at least 1
     * @param stride the step between windows, one value or {@code {h, w}}; null or empty for the kernel size
     * @param padding implicit minus-infinity padding on each side, one value or {@code {h, w}}, at most half the kernel
     * @param dilation the spacing between window taps, one value or {@code {h, w}}, each at least 1
     * @param ceilMode round the output size up (keeping a last, partial window) instead of down
     * @return the pooled tensor [N, C, OH, OW] (or [C, OH, OW]), differentiable with respect to {@code x}
     * @throws IllegalArgumentException when {@code x} is not 3-D or 4-D, a size is out of range or the output would be empty
     */
    public static Tensor maxPool2d(Tensor x, int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        if (x.dim() == 3) return maxPool2d(x.unsqueeze(0), kernelSize, stride, padding, dilation, ceilMode).squeeze(0);
        if (x.dim() != 4) {
            throw new IllegalArgumentException("max_pool2d: expected 3-D [C, H, W] or 4-D [N, C, H, W] input, but got input of shape "
                    + Shape.str(x.shape()));
        }
        Window2d win = Window2d.of("max_pool2d", kernelSize, stride, padding, dilation);
        int[] xs = x.shape();
        int c = xs[1], h = xs[2], w = xs[3], planes = xs[0] * c;
        int[] o = win.poolOutput("max_pool2d", c, h, w, ceilMode);
        int oh = o[0], ow = o[1], hw = h * w, ohw = oh * ow;
        Tensor xc = x.contiguous();
        float[] xd = xc.storage();
        int xo = xc.offset();
        float[] y = new float[planes * ohw];
        int[] arg = new int[planes * ohw];
        Parallel.forRange(planes, Math.max(1, GRAIN / Math.max(1, ohw * win.kh() * win.kw())), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int base = xo + pl * hw, ob = pl * ohw;
                for (int oy = 0; oy < oh; oy++) {
                    int hs = oy * win.sh() - win.ph(), he = Math.min(hs + win.extentH(), h);
                    while (hs < 0) hs += win.dh();
                    for (int ox = 0; ox < ow; ox++) {
                        int ws = ox * win.sw() - win.pw(), we = Math.min(ws + win.extentW(), w);
                        while (ws < 0) ws += win.dw();
                        int best = hs * w + ws;
                        float max = Float.NEGATIVE_INFINITY;
                        for (int iy = hs; iy < he; iy += win.dh()) {
                            for (int ix = ws; ix < we; ix += win.dw()) {
                                float v = xd[base + iy * w + ix];
                                if (v > max || Float.isNaN(v)) {
                                    max = v;
                                    best = iy * w + ix;
                                }
                            }
                        }
                        y[ob + oy * ow + ox] = max;
                        arg[ob + oy * ow + ox] = best;
                    }
                }
            }
        });
        int[] outShape = {xs[0], c, oh, ow};
        // The argmax positions are captured by the backward rule rather than saved as a float tensor.
        return Tensor.result(Tensor.of(y, outShape), "maxPool2d", new Tensor[] {xc}, new Tensor[0], (g, sv) -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.storage();
            int go = gc.offset();
            float[] gx = new float[planes * hw];
            Parallel.forRange(planes, Math.max(1, GRAIN / Math.max(1, ohw)), (from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    int ob = pl * ohw, ib = pl * hw;
                    for (int q = 0; q < ohw; q++) gx[ib + arg[ob + q]] += gd[go + ob + q];
                }
            });
            return new Tensor[] {Tensor.of(gx, xs)};
        });
    }
}
