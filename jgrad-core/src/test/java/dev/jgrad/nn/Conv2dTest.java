package dev.jgrad.nn;

import dev.jgrad.autograd.GradCheck;
import dev.jgrad.ops.Conv2dOp;
import dev.jgrad.ops.Window2d;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Conv2d: gradient checks on small shapes, a direct-loop reference for the paths that the small PyTorch
 * fixtures do not reach (maps of at least {@link Conv2dOp#TARGET_COLUMNS} positions, one image per GEMM,
 * cut into bands of rows; 1x1 without im2col; several chunks in parallel), initialisation, naming, and errors.
 */
class Conv2dTest {
    private final Generator gen = new Generator(5);

    private Tensor randn(int... shape) {
        return Tensor.normal(0f, 1f, gen, shape).requiresGrad(true);
    }

    /** out[n, o, y, x] = b[o] + sum over c in o's group, i, j of x[n, c, y*s - p + i*d, x*s - p + j*d] * w[o, c, i, j], in double. */
    static double[] reference(Tensor x, Tensor w, Tensor b, int[] s1, int[] p1, int[] d1, int groups) {
        int[] s = Window2d.pair("ref", "stride", s1, 1), p = Window2d.pair("ref", "padding", p1, 0), d = Window2d.pair("ref", "dilation", d1, 1);
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), o = w.size(0), cg = w.size(1), kh = w.size(2), kw = w.size(3);
        int oh = (h + 2 * p[0] - d[0] * (kh - 1) - 1) / s[0] + 1, ow = (wd + 2 * p[1] - d[1] * (kw - 1) - 1) / s[1] + 1;
        double[] out = new double[n * o * oh * ow];
        int og = o / groups;
        for (int in = 0; in < n; in++)
            for (int oc = 0; oc < o; oc++)
                for (int y = 0; y < oh; y++)
                    for (int xx = 0; xx < ow; xx++) {
                        double acc = b == null ? 0 : b.get(oc);
                        for (int ci = 0; ci < cg; ci++)
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++) {
                                    int iy = y * s[0] - p[0] + i * d[0], ix = xx * s[1] - p[1] + j * d[1];
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    acc += (double) x.get(in, (oc / og) * cg + ci, iy, ix) * w.get(oc, ci, i, j);
                                }
                        out[((in * o + oc) * oh + y) * ow + xx] = acc;
                    }
        return out;
    }

    private static void assertNear(double[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * (1 + Math.abs(expected[i])), what + " element " + i);
        }
    }

    /**
     * Gradients against the reference too: for L = sum(out * r), dL/dw[o,c,i,j] and dL/dx follow from the
     * reference by linearity, so they are checked through directional derivatives of the double reference.
     */
    private void checkAgainstReference(int[] xShape, int o, int k, int[] s, int[] p, int[] d, int groups, boolean bias) {
        Tensor x = randn(xShape);
        Tensor w = randn(o, xShape[1] / groups, k, k);
        Tensor b = bias ? randn(o) : null;
        Tensor y = Conv2dOp.conv2d(x, w, b, s, p, d, groups);
        double[] ref = reference(x, w, b, s, p, d, groups);
        String what = "conv " + java.util.Arrays.toString(xShape) + " -> " + o + " k" + k;
        assertNear(ref, y.toArray(), 1e-4, what + " out");

        Tensor r = Tensor.normal(0f, 1f, gen, y.shape());
        y.backward(r);
        // Directional derivative along a random direction v equals <grad, v>: L(x + v) - L(x) exactly, as L is linear in x (and in w).
        Tensor vx = Tensor.normal(0f, 1f, gen, xShape), vw = Tensor.normal(0f, 1f, gen, w.shape());
        double[] alongX = reference(vx, w, null, s, p, d, groups), alongW = reference(x, vw, null, s, p, d, groups);
        float[] rv = r.toArray();
        double dx = 0, dw = 0, gx = 0, gw = 0;
        for (int i = 0; i < rv.length; i++) {
            dx += rv[i] * alongX[i];
            dw += rv[i] * alongW[i];
        }
        float[] gxa = x.grad().toArray(), vxa = vx.toArray(), gwa = w.grad().toArray(), vwa = vw.toArray();
        for (int i = 0; i < gxa.length; i++) gx += (double) gxa[i] * vxa[i];
        for (int i = 0; i < gwa.length; i++) gw += (double) gwa[i] * vwa[i];
        assertEquals(dx, gx, 1e-4 * (1 + Math.abs(dx)), what + " <x.grad, v>");
        assertEquals(dw, gw, 1e-4 * (1 + Math.abs(dw)), what + " <w.grad, v>");
        if (bias) {
            float[] gb = b.grad().toArray();
            int per = rv.length / o / xShape[0];
            for (int oc = 0; oc < o; oc++) {
                double e = 0;
                for (int n = 0; n < xShape[0]; n++) for (int q = 0; q < per; q++) e += rv[(n * o + oc) * per + q];
                assertEquals(e, gb[oc], 1e-4 * (1 + Math.abs(e)), what + " bias.grad " + oc);
            }
        }
    }

    @Test
    void largeMapsOneImagePerGemmMatchTheReference() {
        // 16x16 outputs: 256 columns, so each image is its own GEMM; batch 3 gives three chunks over two cores.
        checkAgainstReference(new int[] {3, 4, 16, 16}, 5, 3, new int[] {1}, new int[] {1}, new int[] {1}, 1, true);
        checkAgainstReference(new int[] {3, 4, 18, 18}, 6, 3, new int[] {1}, new int[] {0}, new int[] {1}, 2, false);
    }

    @Test
    void largeMapsCutIntoBandsOfRowsMatchTheReference() {
        // 24x24 = 576 positions: bands of ceil(256 / 24) = 11 rows, the last one shorter; groups and batch over two cores.
        checkAgainstReference(new int[] {3, 4, 24, 24}, 4, 3, new int[] {1}, new int[] {1}, new int[] {1}, 2, true);
        // Strided (not the flat im2col path): 23x20 outputs in bands of 13 rows.
        checkAgainstReference(new int[] {2, 3, 45, 40}, 2, 3, new int[] {2}, new int[] {1}, new int[] {1}, 1, false);
        // Dilated, with bands whose edges fall inside the padding.
        checkAgainstReference(new int[] {1, 2, 30, 20}, 3, 3, new int[] {1}, new int[] {2}, new int[] {2}, 1, true);
    }

    @Test
    void pointwiseWithoutIm2colMatchesTheReference() {
        checkAgainstReference(new int[] {3, 6, 16, 16}, 4, 1, new int[] {1}, new int[] {0}, new int[] {1}, 1, true);
        checkAgainstReference(new int[] {2, 6, 17, 16}, 9, 1, new int[] {1}, new int[] {0}, new int[] {1}, 3, true);
        // Small maps batch several images into one GEMM, 1x1 included.
        checkAgainstReference(new int[] {5, 6, 4, 4}, 4, 1, new int[] {1}, new int[] {0}, new int[] {1}, 2, true);
    }

    @Test
    void paddingBeyondTheKernelMatchesTheReference() {
        // The input gradient of a stride-1 convolution is a convolution with padding (k-1)*d - p, negative here:
        // one image in bands (shifted copies), and small maps batched (column matrix).
        checkAgainstReference(new int[] {2, 3, 20, 20}, 4, 1, new int[] {1}, new int[] {1}, new int[] {1}, 1, true);
        checkAgainstReference(new int[] {2, 3, 17, 17}, 4, 3, new int[] {1}, new int[] {3}, new int[] {1}, 1, false);
        checkAgainstReference(new int[] {3, 3, 5, 5}, 4, 3, new int[] {1}, new int[] {3}, new int[] {1}, 1, false);
    }

    @Test
    void fullRegisterTilesAndDeepProductsMatchTheReference() {
        // Enough channels for whole 8 x 32 register tiles (K = 48 * 9 = 432, or 216 per group with two groups).
        checkAgainstReference(new int[] {2, 48, 16, 16}, 40, 3, new int[] {1}, new int[] {1}, new int[] {1}, 1, false);
        checkAgainstReference(new int[] {4, 48, 8, 8}, 24, 3, new int[] {1}, new int[] {1}, new int[] {1}, 2, true);
        checkAgainstReference(new int[] {2, 48, 16, 16}, 40, 3, new int[] {2}, new int[] {1}, new int[] {1}, 1, false);
    }

    @Test
    void winogradShapesMatchTheReference() {
        // 3x3 stride 1 with at least 8 channels per group: padding 0, 1 and 2, odd sizes (partial tiles), one image
        // in bands of tile rows, small maps side by side in strips (a last strip with fewer images), groups.
        checkAgainstReference(new int[] {2, 8, 37, 35}, 9, 3, new int[] {1}, new int[] {1}, new int[] {1}, 1, true);
        checkAgainstReference(new int[] {3, 10, 9, 7}, 8, 3, new int[] {1}, new int[] {0}, new int[] {1}, 1, false);
        checkAgainstReference(new int[] {1, 8, 5, 6}, 8, 3, new int[] {1}, new int[] {2}, new int[] {1}, 1, true);
        checkAgainstReference(new int[] {9, 16, 4, 4}, 16, 3, new int[] {1}, new int[] {1}, new int[] {1}, 2, false);
        checkAgainstReference(new int[] {5, 8, 3, 5}, 12, 3, new int[] {1}, new int[] {2}, new int[] {1}, 1, true);
    }

    @Test
    void stridedDilatedAndBatchedSmallMapsMatchTheReference() {
        checkAgainstReference(new int[] {7, 3, 9, 8}, 4, 3, new int[] {2, 1}, new int[] {1, 2}, new int[] {2, 1}, 1, true);
        checkAgainstReference(new int[] {1, 2, 20, 20}, 3, 5, new int[] {1}, new int[] {2}, new int[] {1}, 1, true);
    }

    @Test
    void unbatchedInputGivesUnbatchedOutput() {
        Tensor w = randn(3, 2, 3, 3);
        Tensor x = randn(2, 5, 5);
        Tensor y = Conv2dOp.conv2d(x, w, null, new int[] {1}, new int[] {1}, new int[] {1}, 1);
        assertArrayEquals(new int[] {3, 5, 5}, y.shape());
        assertArrayEquals(Conv2dOp.conv2d(x.unsqueeze(0), w, null, new int[] {1}, new int[] {1}, new int[] {1}, 1).toArray(), y.toArray());
    }

    @Test
    void gradCheck() {
        Tensor x = randn(2, 4, 5, 5), w = randn(6, 2, 3, 3), b = randn(6);
        GradCheck.check("conv2d groups2 stride2 pad1", in -> Conv2dOp.conv2d(in.get(0), in.get(1), in.get(2),
                new int[] {2}, new int[] {1}, new int[] {1}, 2), List.of(x, w, b));
        Tensor x2 = randn(2, 3, 6, 5), w2 = randn(2, 3, 2, 3);
        GradCheck.check("conv2d dilation2 rect", in -> Conv2dOp.conv2d(in.get(0), in.get(1), null,
                new int[] {1, 2}, new int[] {2, 1}, new int[] {2, 1}, 1), List.of(x2, w2));
        Tensor x3 = randn(2, 4, 3, 3), w3 = randn(5, 4, 1, 1);
        GradCheck.check("conv2d 1x1", in -> Conv2dOp.conv2d(in.get(0), in.get(1), null), List.of(x3, w3));
    }

    @Test
    void onlyRequestedGradientsAreComputed() {
        Tensor x = Tensor.normal(0f, 1f, gen, 2, 3, 5, 5);
        Conv2d conv = new Conv2d(3, 4, 3, 1, 1, 1, 1, true, gen);
        conv.forward(x).sum().backward();
        assertNull(x.grad());
        assertNotNull(conv.weight().grad());
        assertNotNull(conv.bias().grad());
        conv.requiresGrad(false);
        Tensor x2 = Tensor.normal(0f, 1f, gen, 2, 3, 5, 5).requiresGrad(true);
        conv.forward(x2).sum().backward();
        assertNotNull(x2.grad());
    }

    @Test
    void defaultInitialisationHasPyTorchsBoundsAndNames() {
        Conv2d conv = new Conv2d(8, 16, 3, 1, 1, 1, 2, true, new Generator(3));
        assertArrayEquals(new int[] {16, 4, 3, 3}, conv.weight().shape());
        assertArrayEquals(new int[] {16}, conv.bias().shape());
        double bound = 1 / Math.sqrt(4 * 9);
        float maxW = 0, maxB = 0;
        for (float v : conv.weight().toArray()) maxW = Math.max(maxW, Math.abs(v));
        for (float v : conv.bias().toArray()) maxB = Math.max(maxB, Math.abs(v));
        assertTrue(maxW <= bound && maxW > 0.9 * bound, "weight bound " + maxW + " vs " + bound);
        assertTrue(maxB <= bound && maxB > 0.5 * bound, "bias bound " + maxB + " vs " + bound);
        assertEquals(List.of("weight", "bias"), List.copyOf(conv.stateDict().keySet()));
        assertEquals(List.of("weight"), List.copyOf(new Conv2d(3, 4, 1, 2, 0, 1, 1, false).stateDict().keySet()));
        assertEquals("Conv2d(8, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=2)", conv.toString());
        assertEquals("Conv2d(3, 4, kernel_size=(1, 1), stride=(2, 2), bias=False)", new Conv2d(3, 4, 1, 2, 0, 1, 1, false).toString());
    }

    @Test
    void errorsNameTheShapes() {
        Conv2d conv = new Conv2d(3, 4, 3);
        var rank = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(2, 3, 5)));
        // [2, 3, 5] is unbatched [C=2, H=3, W=5]: wrong channel count, named.
        assertTrue(rank.getMessage().contains("expected input [2, 3, 5] to have 3 channels, but got 2"), rank.getMessage());
        var rank2 = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 2, 3, 5, 5)));
        assertTrue(rank2.getMessage().contains("[1, 2, 3, 5, 5]") && rank2.getMessage().contains("4-D"), rank2.getMessage());
        var channels = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(2, 5, 8, 8)));
        assertTrue(channels.getMessage().contains("weight of size [4, 3, 3, 3], expected input [2, 5, 8, 8] to have 3 channels, but got 5"),
                channels.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> conv.forward(Tensor.zeros(1, 3, 2, 8)));
        assertTrue(small.getMessage().contains("padded input size per channel: (2 x 8)") && small.getMessage().contains("Kernel size: (3 x 3)"),
                small.getMessage());
        var dilated = assertThrows(IllegalArgumentException.class,
                () -> Conv2dOp.conv2d(Tensor.zeros(1, 3, 4, 4), Tensor.zeros(2, 3, 3, 3), null, new int[] {1}, new int[] {0}, new int[] {2}, 1));
        assertTrue(dilated.getMessage().contains("Kernel size: (5 x 5)"), dilated.getMessage());
        var bias = assertThrows(IllegalArgumentException.class,
                () -> Conv2dOp.conv2d(Tensor.zeros(1, 3, 4, 4), Tensor.zeros(2, 3, 3, 3), Tensor.zeros(3)));
        assertTrue(bias.getMessage().contains("bias of shape [3]"), bias.getMessage());
        var weight = assertThrows(IllegalArgumentException.class, () -> Conv2dOp.conv2d(Tensor.zeros(1, 3, 4, 4), Tensor.zeros(2, 3, 3), null));
        assertTrue(weight.getMessage().contains("weight must be 4-D") && weight.getMessage().contains("[2, 3, 3]"), weight.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 1, 1, 2, true));
        var stride = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 0, 1));
        assertTrue(stride.getMessage().contains("stride must be at least 1"), stride.getMessage());
    }
}
