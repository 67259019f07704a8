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
import java.util.Map;

import static dev.jgrad.conformance.AssertClose.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The vision layers against PyTorch 1.13 (fixtures from scripts/make_fixtures_vision.py): modules get the
 * fixture's parameters and buffers through loadStateDict with PyTorch's names, then outputs, all gradients of
 * out.backward(grad_output) and, for BatchNorm2d, the updated running statistics must match within 1e-5
 * relative (plus the helpers' 1e-6 absolute).
 */
class VisionConformanceTest {

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
        run(f, conv);
        assertClose(name + " weight.grad", f.get("weight.grad"), conv.weight().grad());
        if (bias) assertClose(name + " bias.grad", f.get("bias.grad"), conv.bias().grad());
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
            assertClose(name + " weight.grad", f.get("weight.grad"), bn.weight().grad());
            assertClose(name + " bias.grad", f.get("bias.grad"), bn.bias().grad());
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
