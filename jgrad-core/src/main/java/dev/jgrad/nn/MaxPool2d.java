package dev.jgrad.nn;

import dev.jgrad.ops.MaxPool2dOp;
import dev.jgrad.ops.Window2d;
import dev.jgrad.tensor.Tensor;

/**
 * 2-D max pooling over [N, C, H, W] or [C, H, W] inputs (torch.nn.MaxPool2d); no parameters.
 *
 * <p>The stride defaults to the kernel size; padding (at most half the kernel) counts as minus infinity;
 * ceilMode keeps a last partial window. Sizes are one int for both axes, or {h, w} arrays in the array
 * constructor. The computation is {@link MaxPool2dOp#maxPool2d}.
 *
 * <pre>{@code
 * new MaxPool2d(3, 2, 1)   // ResNet's stem pooling: 3x3, stride 2, padding 1
 * }</pre>
 */
public class MaxPool2d extends Module implements UnaryModule {
    private final int[] kernelSize, stride, padding, dilation;
    private final boolean ceilMode;

    /**
     * Stride equal to the kernel, no padding.
     *
     * @param kernelSize the square window's side, at least 1
     * @throws IllegalArgumentException when kernelSize is below 1
     */
    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    /**
     * A square window without padding.
     *
     * @param kernelSize the square window's side, at least 1
     * @param stride the step between windows on both axes, at least 1
     * @throws IllegalArgumentException when a size is out of range
     */
    public MaxPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0);
    }

    /**
     * A square window, dilation 1, floor mode.
     *
     * @param kernelSize the square window's side, at least 1
     * @param stride the step between windows on both axes, at least 1
     * @param padding the minus-infinity padding on each side, at most half the kernel
     * @throws IllegalArgumentException when a size is out of range
     */
    public MaxPool2d(int kernelSize, int stride, int padding) {
        this(kernelSize, stride, padding, 1, false);
    }

    /**
     * A square window.
     *
     * @param kernelSize the square window's side, at least 1
     * @param stride the step between windows on both axes, at least 1
     * @param padding the minus-infinity padding on each side, at most half the kernel
     * @param dilation the spacing between window taps, at least 1
     * @param ceilMode keep a last, partial window (round the output size up)
     * @throws IllegalArgumentException when a size is out of range
     */
    public MaxPool2d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, ceilMode);
    }

    /**
     * Each size is one value for both axes or {height, width}; a null or empty stride means the kernel size.
     *
     * @param kernelSize the window size, {@code {k}} or {@code {kH, kW}}, each at least 1
     * @param stride the step between windows, {@code {s}} or {@code {sH, sW}}, or null
     * @param padding the padding on each side, {@code {p}} or {@code {pH, pW}}, at most half the kernel
     * @param dilation the spacing between window taps, {@code {d}} or {@code {dH, dW}}, each at least 1
     * @param ceilMode keep a last, partial window (round the output size up)
     * @throws IllegalArgumentException when a size is out of range
     */
    public MaxPool2d(int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        this.kernelSize = Window2d.pair("MaxPool2d", "kernel_size", kernelSize, 1);
        this.stride = stride == null || stride.length == 0 ? this.kernelSize.clone() : Window2d.pair("MaxPool2d", "stride", stride, 1);
        this.padding = Window2d.pair("MaxPool2d", "padding", padding, 0);
        this.dilation = Window2d.pair("MaxPool2d", "dilation", dilation, 1);
        this.ceilMode = ceilMode;
        if (this.padding[0] > this.kernelSize[0] / 2 || this.padding[1] > this.kernelSize[1] / 2) {
            throw new IllegalArgumentException("MaxPool2d: padding " + Window2d.str(this.padding[0], this.padding[1])
                    + " must be at most half of kernel_size " + Window2d.str(this.kernelSize[0], this.kernelSize[1]));
        }
    }

    /**
     * The window size.
     *
     * @return a new array {@code {kH, kW}}
     */
    public int[] kernelSize() {
        return kernelSize.clone();
    }

    /**
     * The step between windows.
     *
     * @return a new array {@code {sH, sW}}
     */
    public int[] stride() {
        return stride.clone();
    }

    /**
     * The padding on each side.
     *
     * @return a new array {@code {pH, pW}}
     */
    public int[] padding() {
        return padding.clone();
    }

    /**
     * The spacing between window taps.
     *
     * @return a new array {@code {dH, dW}}
     */
    public int[] dilation() {
        return dilation.clone();
    }

    /**
     * Whether a last, partial window is kept.
     *
     * @return ceil_mode
     */
    public boolean ceilMode() {
        return ceilMode;
    }

    @Override
    public Tensor forward(Tensor x) {
        return MaxPool2dOp.maxPool2d(x, kernelSize, stride, padding, dilation, ceilMode);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + Window2d.str(kernelSize[0], kernelSize[1]) + ", stride=" + Window2d.str(stride[0], stride[1])
                + ", padding=" + Window2d.str(padding[0], padding[1]) + ", dilation=" + Window2d.str(dilation[0], dilation[1])
                + ", ceil_mode=" + (ceilMode ? "True" : "False");
    }
}
