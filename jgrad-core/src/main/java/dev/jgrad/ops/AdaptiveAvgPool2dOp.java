package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * Adaptive 2-D average pooling (torch.nn.functional.adaptive_avg_pool2d) as one op over [N, C, H, W] or
 * [C, H, W] inputs: output cell (i, j) averages input rows [floor(i*H/OH), ceil((i+1)*H/OH)) and columns
 * [floor(j*W/OW), ceil((j+1)*W/OW)), PyTorch's windows (they overlap when the size does not divide).
 *
 * <p>The 1x1 output that ends every ResNet is a plain mean per plane, with its own fast path. Backward
 * spreads each output gradient evenly over its window. Planes are split across cores.
 */
public final class AdaptiveAvgPool2dOp {
    private AdaptiveAvgPool2dOp() {}

    private static final int GRAIN = 1 << 12;

    /**
     * Output [N, C, outH, outW] (or [C, outH, outW]); outH and outW must be positive.
     *
     * @param x the input, [N, C, H, W] or unbatched [C, H, W]
     * @param outH the output height, at least 1 (may exceed H: windows then repeat rows)
     * @param outW the output width, at least 1
     * @return the pooled tensor, differentiable with respect to {@code x}
     * @throws IllegalArgumentException when {@code x} is not 3-D or 4-D or an output size is below 1
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        if (x.dim() == 3) return adaptiveAvgPool2d(x.unsqueeze(0), outH, outW).squeeze(0);
        if (x.dim() != 4) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: expected 3-D [C, H, W] or 4-D [N, C, H, W] input, but got input of shape "
                    + Shape.str(x.shape()));
        }
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: output size must be positive, got (" + outH + ", " + outW + ")");
        }
        int[] xs = x.shape();
        int c = xs[1], h = xs[2], w = xs[3], planes = xs[0] * c, hw = h * w, ohw = outH * outW;
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: input of shape " + Shape.str(xs) + " has an empty spatial size");
        }
        int[] hs = new int[outH], he = new int[outH], ws = new int[outW], we = new int[outW];
        for (int i = 0; i < outH; i++) {
            hs[i] = (int) ((long) i * h / outH);
            he[i] = (int) (((long) (i + 1) * h + outH - 1) / outH);
        }
        for (int j = 0; j < outW; j++) {
            ws[j] = (int) ((long) j * w / outW);
            we[j] = (int) (((long) (j + 1) * w + outW - 1) / outW);
        }
        boolean global = outH == 1 && outW == 1;
        Tensor xc = x.contiguous();
        float[] xd = xc.storage();
        int xo = xc.offset();
        float[] y = new float[planes * ohw];
        ElementwiseKernels kern = Kernels.get().elementwise();
        int grain = Math.max(1, GRAIN / hw);
        Parallel.forRange(planes, grain, (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int base = xo + pl * hw;
                if (global) {
                    y[pl] = kern.sum(xd, base, hw) / hw;
                    continue;
                }
                for (int i = 0; i < outH; i++) {
                    for (int j = 0; j < outW; j++) {
                        float sum = 0;
                        for (int iy = hs[i]; iy < he[i]; iy++) {
                            int r = base + iy * w;
                            for (int ix = ws[j]; ix < we[j]; ix++) sum += xd[r + ix];
                        }
                        y[pl * ohw + i * outW + j] = sum / (he[i] - hs[i]) / (we[j] - ws[j]);
                    }
                }
            }
        });
        int[] outShape = {xs[0], c, outH, outW};
        return Tensor.result(Tensor.of(y, outShape), "adaptiveAvgPool2d", new Tensor[] {xc}, new Tensor[0], (g, sv) -> {
            Tensor gc = g.contiguous();
            float[] gd = gc.storage();
            int go = gc.offset();
            float[] gx = new float[planes * hw];
            Parallel.forRange(planes, grain, (from, to) -> {
                for (int pl = from; pl < to; pl++) {
                    int ib = pl * hw;
                    if (global) {
                        java.util.Arrays.fill(gx, ib, ib + hw, gd[go + pl] / hw);
                        continue;
                    }
                    for (int i = 0; i < outH; i++) {
                        for (int j = 0; j < outW; j++) {
                            float v = gd[go + pl * ohw + i * outW + j] / (he[i] - hs[i]) / (we[j] - ws[j]);
                            for (int iy = hs[i]; iy < he[i]; iy++) {
                                int r = ib + iy * w;
                                for (int ix = ws[j]; ix < we[j]; ix++) gx[r + ix] += v;
                            }
                        }
                    }
                }
            });
            return new Tensor[] {Tensor.of(gx, xs)};
        });
    }
}
