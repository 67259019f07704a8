package dev.jgrad.nn;

import dev.jgrad.ops.Conv2dOp;
import dev.jgrad.ops.Window2d;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

import java.util.Locale;

/**
 * 2-D convolution over [N, C, H, W] (or unbatched [C, H, W]) inputs (torch.nn.Conv2d).
 *
 * <p>Parameters, with PyTorch's names and layouts so that checkpoints load as they are: {@code weight}
 * [outChannels, inChannels / groups, kH, kW] and {@code bias} [outChannels] (absent without bias).
 * Initialisation is PyTorch's: kaiming_uniform(a = sqrt(5)) for the weight, i.e. U(-1/sqrt(fan_in),
 * 1/sqrt(fan_in)) with fan_in = inChannels / groups * kH * kW, and the same bound for the bias.
 *
 * <p>Sizes come as one int for both axes, or as {h, w} arrays in the array constructor. The output is
 * [N, outChannels, OH, OW] with OH = (H + 2*padding - dilation*(kH-1) - 1) / stride + 1. Only zero padding
 * is supported (padding_mode "zeros"). The computation is {@link Conv2dOp#conv2d}.
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(3, 64, 3, 1, 1);          // 3x3, stride 1, padding 1, with bias
 * Conv2d down = new Conv2d(64, 128, 1, 2, 0, 1, 1, false); // 1x1 stride-2 projection, no bias
 * Tensor y = conv.forward(x);                          // x [N, 3, H, W] -> [N, 64, H, W]
 * }</pre>
 */
// Constructors register parameters, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public class Conv2d extends Module implements UnaryModule {
    private final int inChannels, outChannels, groups;
    private final int[] kernelSize, stride, padding, dilation;

    /**
     * Stride 1, no padding, with bias.
     *
     * @param inChannels the input's channel count C, at least 1
     * @param outChannels the number of filters, at least 1
     * @param kernelSize the square kernel's side, at least 1
     * @throws IllegalArgumentException when a size is out of range
     */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    /**
     * Dilation 1, one group, with bias.
     *
     * @param inChannels the input's channel count C, at least 1
     * @param outChannels the number of filters, at least 1
     * @param kernelSize the square kernel's side, at least 1
     * @param stride the step between windows on both axes, at least 1
     * @param padding zeros added on each side of both axes, non-negative
     * @throws IllegalArgumentException when a size is out of range
     */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true);
    }

    /**
     * A layer initialised from the default generator.
     *
     * @param inChannels the input's channel count C, at least 1
     * @param outChannels the number of filters, at least 1, divisible by groups
     * @param kernelSize the square kernel's side, at least 1
     * @param stride the step between windows on both axes, at least 1
     * @param padding zeros added on each side of both axes, non-negative
     * @param dilation the spacing between kernel taps, at least 1
     * @param groups the number of channel groups (1: dense; inChannels: depthwise), dividing both channel counts
     * @param bias whether to learn a per-channel bias
     * @throws IllegalArgumentException when a size is out of range or groups does not divide the channels
     */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups, boolean bias) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, groups, bias,
                Generator.defaultGenerator());
    }

    /**
     * A square kernel, with the same size, stride, padding and dilation on both axes.
     *
     * @param inChannels the input's channel count C, at least 1
     * @param outChannels the number of filters, at least 1, divisible by groups
     * @param kernelSize the square kernel's side, at least 1
     * @param stride the step between windows on both axes, at least 1
     * @param padding zeros added on each side of both axes, non-negative
     * @param dilation the spacing between kernel taps, at least 1
     * @param groups the number of channel groups, dividing both channel counts
     * @param bias whether to learn a per-channel bias
     * @param gen the random generator the initial weights are drawn from
     * @throws IllegalArgumentException when a size is out of range or groups does not divide the channels
     */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups, boolean bias,
                  Generator gen) {
        this(inChannels, outChannels, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, groups, bias, gen);
    }

    /**
     * Each size is one value for both axes or {height, width}; the generator draws the initial weights.
     *
     * @param inChannels the input's channel count C, at least 1
     * @param outChannels the number of filters, at least 1, divisible by groups
     * @param kernelSize the kernel size, {@code {k}} or {@code {kH, kW}}, each at least 1
     * @param stride the step between windows, {@code {s}} or {@code {sH, sW}}, each at least 1
     * @param padding zeros added on each side, {@code {p}} or {@code {pH, pW}}, non-negative
     * @param dilation the spacing between kernel taps, {@code {d}} or {@code {dH, dW}}, each at least 1
     * @param groups the number of channel groups, dividing both channel counts
     * @param bias whether to learn a per-channel bias
     * @param gen the random generator the initial weights are drawn from
     * @throws IllegalArgumentException when a size is out of range or groups does not divide the channels
     */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation, int groups, boolean bias,
                  Generator gen) {
        if (inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException("Conv2d: in_channels and out_channels must be positive, got " + inChannels + " and " + outChannels);
        }
        if (groups < 1) throw new IllegalArgumentException("Conv2d: groups must be positive, got " + groups);
        if (inChannels % groups != 0) throw new IllegalArgumentException("Conv2d: in_channels (" + inChannels + ") must be divisible by groups (" + groups + ")");
        if (outChannels % groups != 0) throw new IllegalArgumentException("Conv2d: out_channels (" + outChannels + ") must be divisible by groups (" + groups + ")");
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernelSize = Window2d.pair("Conv2d", "kernel_size", kernelSize, 1);
        this.stride = Window2d.pair("Conv2d", "stride", stride, 1);
        this.padding = Window2d.pair("Conv2d", "padding", padding, 0);
        this.dilation = Window2d.pair("Conv2d", "dilation", dilation, 1);
        Parameter w = registerParameter("weight", new Parameter(Tensor.zeros(outChannels, inChannels / groups, this.kernelSize[0], this.kernelSize[1])));
        Init.kaimingUniform(w, Math.sqrt(5), Init.Mode.FAN_IN, Init.Nonlinearity.LEAKY_RELU, gen);
        if (bias) {
            double bound = 1 / Math.sqrt(Init.fans(w).fanIn());
            Init.uniform(registerParameter("bias", new Parameter(Tensor.zeros(outChannels))), -bound, bound, gen);
        } else {
            registerParameter("bias", null);
        }
    }

    /**
     * [outChannels, inChannels / groups, kH, kW]; looked up by name so that a replaced weight is the one used.
     *
     * @return the weight parameter
     */
    public Parameter weight() {
        return ownParameter("weight");
    }

    /**
     * [outChannels], or null without bias.
     *
     * @return the bias parameter, or null
     */
    public Parameter bias() {
        return ownParameter("bias");
    }

    /**
     * The input's channel count.
     *
     * @return in_channels
     */
    public int inChannels() {
        return inChannels;
    }

    /**
     * The number of filters.
     *
     * @return out_channels
     */
    public int outChannels() {
        return outChannels;
    }

    /**
     * The number of channel groups.
     *
     * @return groups
     */
    public int groups() {
        return groups;
    }

    /**
     * {kH, kW}.
     *
     * @return a new array {@code {kH, kW}}
     */
    public int[] kernelSize() {
        return kernelSize.clone();
    }

    /**
     * The stride per axis.
     *
     * @return a new array {@code {sH, sW}}
     */
    public int[] stride() {
        return stride.clone();
    }

    /**
     * The zero padding per axis.
     *
     * @return a new array {@code {pH, pW}}
     */
    public int[] padding() {
        return padding.clone();
    }

    /**
     * The dilation per axis.
     *
     * @return a new array {@code {dH, dW}}
     */
    public int[] dilation() {
        return dilation.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        return Conv2dOp.conv2d(x, weight(), bias(), stride, padding, dilation, groups);
    }

    @Override
    protected String extraRepr() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d, %d, kernel_size=%s, stride=%s", inChannels, outChannels,
                Window2d.str(kernelSize[0], kernelSize[1]), Window2d.str(stride[0], stride[1])));
        if (padding[0] != 0 || padding[1] != 0) sb.append(", padding=").append(Window2d.str(padding[0], padding[1]));
        if (dilation[0] != 1 || dilation[1] != 1) sb.append(", dilation=").append(Window2d.str(dilation[0], dilation[1]));
        if (groups != 1) sb.append(", groups=").append(groups);
        if (bias() == null) sb.append(", bias=False");
        return sb.toString();
    }
}
