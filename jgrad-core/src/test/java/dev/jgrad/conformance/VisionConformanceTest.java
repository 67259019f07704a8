package dev.jgrad.conformance;

import dev.jgrad.nn.AdaptiveAvgPool2d;
import dev.jgrad.nn.AvgPool2d;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.UnaryModule;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static dev.jgrad.conformance.AssertClose.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The vision layers against PyTorch 1.13 (fixtures from scripts/make_fixtures_vision.py): modules get the
 * fixture's parameters and buffers through loadStateDict with PyTorch's names, then outputs, all gradients of
 * out.backward(grad_output) and, for BatchNorm2d, the updated running statistics must match within 1e-5
 * relative (plus the helpers' 1e-6 absolute).
 *
 * <p>Values that are sums of many products (a convolution's outputs and all its gradients, batch norm's
 * parameter gradients) get, on top of that, an allowance for the order of summation: 2^-20 (16 float32
 * units in the last place) of the sum of the terms' magnitudes. A weight gradient is a sum over every image
 * and position; when its terms cancel to a small total, summing them in another order (PyTorch's oneDNN
 * kernel vs jgrad's GEMM, or even jgrad's SIMD reductions before and after JIT compilation) moves the
 * result by a few units of the terms, which is far beyond 1e-5 of the small total: 2.4e-6 on 0.0379 was
 * seen for a 72-term sum of magnitude 46. The allowance stays 20x above such differences and far below
 * any real mistake, which changes a result by whole terms.
 */
class VisionConformanceTest {
    /** Summation-order allowance per unit of the summed terms' magnitude. */
    private static final double SUM_EPS = 0x1p-20;

    /** As AssertClose, with each element also allowed SUM_EPS times the magnitude of the terms it sums. */
    private static void assertCloseToSum(String name, Tensor expected, Tensor actual, double[] magnitude) {
        assertNotNull(actual, name + ": expected a tensor but got null");
        assertArrayEquals(expected.shape(), actual.shape(), name + ": shape");
        float[] e = expected.toArray(), a = actual.toArray();
        int worst = -1, failures = 0;
        double worstExcess = 0;
        for (int i = 0; i < e.length; i++) {
            double allowed = AssertClose.ATOL + AssertClose.RTOL * Math.abs(e[i]) + SUM_EPS * magnitude[i];
            double diff = Math.abs((double) a[i] - e[i]);
            if (!(diff <= allowed)) {
                failures++;
                if (worst < 0 || diff / allowed > worstExcess) {
                    worst = i;
                    worstExcess = diff / allowed;
                }
            }
        }
        if (worst >= 0) {
            fail(String.format(Locale.ROOT, "%s: %d of %d elements differ beyond rtol=%g, atol=%g + %g of the terms' magnitude; worst at flat "
                            + "index %d: expected %.9g, actual %.9g (|diff| %.3g, terms' magnitude %.3g)", name, failures, e.length, AssertClose.RTOL,
                    AssertClose.ATOL, SUM_EPS, worst, e[worst], a[worst], Math.abs((double) a[worst] - e[worst]), magnitude[worst]));
        }
    }

    /**
     * Magnitudes of the terms behind a convolution's results, by direct loops in double: out sums |x||w| (+|b|),
     * x.grad sums |g||w|, weight.grad sums |g||x|, bias.grad sums |g|.
     */
    private record ConvMagnitudes(double[] out, double[] x, double[] weight, double[] bias) {
        static ConvMagnitudes of(Fixture f) {
            float[] x = f.get("x").toArray(), w = f.get("weight").toArray(), g = f.get("grad_output").toArray();
            float[] b = f.has("bias") ? f.get("bias").toArray() : null;
            int[] xs = f.get("x").shape(), ws = f.get("weight").shape(), gs = f.get("grad_output").shape();
            int[] st = f.metaInts("stride"), pd = f.metaInts("padding"), dl = f.metaInts("dilation");
            int groups = f.metaInt("groups");
            int n = xs[0], c = xs[1], h = xs[2], wd = xs[3], o = ws[0], cg = ws[1], kh = ws[2], kw = ws[3], oh = gs[2], ow = gs[3], og = o / groups;
            double[] mo = new double[g.length], mx = new double[x.length], mw = new double[w.length], mb = new double[o];
            for (int in = 0; in < n; in++)
                for (int oc = 0; oc < o; oc++)
                    for (int y = 0; y < oh; y++)
                        for (int xx = 0; xx < ow; xx++) {
                            int oi = ((in * o + oc) * oh + y) * ow + xx;
                            double ag = Math.abs(g[oi]);
                            mo[oi] += b == null ? 0 : Math.abs(b[oc]);
                            mb[oc] += ag;
                            for (int ci = 0; ci < cg; ci++)
                                for (int i = 0; i < kh; i++)
                                    for (int j = 0; j < kw; j++) {
                                        int iy = y * st[0] - pd[0] + i * dl[0], ix = xx * st[1] - pd[1] + j * dl[1];
                                        if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                        int xi = ((in * c + (oc / og) * cg + ci) * h + iy) * wd + ix, wi = ((oc * cg + ci) * kh + i) * kw + j;
                                        mo[oi] += Math.abs(x[xi]) * Math.abs(w[wi]);
                                        mx[xi] += ag * Math.abs(w[wi]);
                                        mw[wi] += ag * Math.abs(x[xi]);
                                    }
                        }
            return new ConvMagnitudes(mo, mx, mw, mb);
        }
    }

    private static Map<String, Tensor> state(Fixture f, String... names) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String n : names) if (f.has(n)) state.put(n, f.get(n));
        return state;
    }

    /** Forward, backward from grad_output, and the output and input gradient checks every case shares. */
    private static Tensor run(Fixture f, UnaryModule m) {
        Tensor x = f.leaf("x");
        Tensor out = m.forward(x);
        assertClose(f.name + " out", f.get("out"), out);
        out.backward(f.get("grad_output"));
        assertClose(f.name + " x.grad", f.get("x.grad"), x.grad());
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv2d", "conv2d_stride2_pad1", "conv2d_dilation2", "conv2d_groups2", "conv2d_no_bias", "conv2d_1x1",
            "conv2d_1x1_stride2_no_bias", "conv2d_rect", "conv2d_large"})
    void conv2d(String name) {
        Fixture f = Fixture.load(name);
        boolean bias = f.metaBool("bias");
        Conv2d conv = new Conv2d(f.metaInt("in_channels"), f.metaInt("out_channels"), f.metaInts("kernel_size"), f.metaInts("stride"),
                f.metaInts("padding"), f.metaInts("dilation"), f.metaInt("groups"), bias, new Generator(0));
        conv.loadStateDict(state(f, "weight", "bias"));
        ConvMagnitudes m = ConvMagnitudes.of(f);
        Tensor x = f.leaf("x");
        Tensor out = conv.forward(x);
        assertCloseToSum(name + " out", f.get("out"), out, m.out());
        out.backward(f.get("grad_output"));
        assertCloseToSum(name + " x.grad", f.get("x.grad"), x.grad(), m.x());
        assertCloseToSum(name + " weight.grad", f.get("weight.grad"), conv.weight().grad(), m.weight());
        if (bias) assertCloseToSum(name + " bias.grad", f.get("bias.grad"), conv.bias().grad(), m.bias());
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch_norm2d_train", "batch_norm2d_eval", "batch_norm2d_train_cumulative", "batch_norm2d_train_no_affine"})
    void batchNorm2d(String name) {
        Fixture f = Fixture.load(name);
        boolean affine = f.metaBool("affine");
        Double momentum = f.meta("momentum").equals("None") ? null : f.metaDouble("momentum");
        BatchNorm2d bn = new BatchNorm2d(f.metaInt("num_features"), f.metaDouble("eps"), momentum, affine, true);
        bn.loadStateDict(state(f, "weight", "bias", "running_mean", "running_var", "num_batches_tracked"));
        bn.train(f.metaBool("training"));
        run(f, bn);
        if (affine) {
            // weight.grad sums g * xhat and bias.grad sums g over N * H * W positions per channel.
            float[] g = f.get("grad_output").toArray(), y = f.get("out").toArray(), w = f.get("weight").toArray(),
                    b = f.get("bias").toArray();
            int[] xs = f.get("x").shape();
            int c = xs[1], plane = xs[2] * xs[3];
            double[] mw = new double[c], mb = new double[c];
            for (int i = 0; i < g.length; i++) {
                int ch = i / plane % c;
                mb[ch] += Math.abs(g[i]);
                mw[ch] += Math.abs(g[i] * (y[i] - b[ch]) / w[ch]); // |g * xhat|, xhat recovered from PyTorch's output
            }
            assertCloseToSum(name + " weight.grad", f.get("weight.grad"), bn.weight().grad(), mw);
            assertCloseToSum(name + " bias.grad", f.get("bias.grad"), bn.bias().grad(), mb);
        }
        assertClose(name + " running_mean", f.get("running_mean.updated"), bn.runningMean());
        assertClose(name + " running_var", f.get("running_var.updated"), bn.runningVar());
        assertEquals((long) f.get("num_batches_tracked.updated").item(), bn.numBatchesTracked(), name + " num_batches_tracked");
        assertClose(name + " state num_batches_tracked", f.get("num_batches_tracked.updated"), bn.stateDict().get("num_batches_tracked"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"max_pool2d", "max_pool2d_default_stride", "max_pool2d_dilation2_ceil"})
    void maxPool2d(String name) {
        Fixture f = Fixture.load(name);
        run(f, new MaxPool2d(f.metaInts("kernel_size"), f.metaInts("stride"), f.metaInts("padding"), f.metaInts("dilation"),
                f.metaBool("ceil_mode")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"avg_pool2d", "avg_pool2d_ceil_exclude_pad", "avg_pool2d_ceil_include_pad"})
    void avgPool2d(String name) {
        Fixture f = Fixture.load(name);
        run(f, new AvgPool2d(f.metaInts("kernel_size"), f.metaInts("stride"), f.metaInts("padding"), f.metaBool("ceil_mode"),
                f.metaBool("count_include_pad")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"adaptive_avg_pool2d_7to1", "adaptive_avg_pool2d_5to3", "adaptive_avg_pool2d_7x5to3x2"})
    void adaptiveAvgPool2d(String name) {
        Fixture f = Fixture.load(name);
        int[] size = f.metaInts("output_size");
        Module m = new AdaptiveAvgPool2d(size[0], size[1]);
        run(f, (UnaryModule) m);
    }
}
