package dev.jgrad.nn;

import dev.jgrad.ops.AvgPool2dOp;
import dev.jgrad.ops.Window2d;
import dev.jgrad.tensor.Tensor;

/**
 * 2-D average pooling over [N, C, H, W] or [C, H, W] inputs (torch.nn.AvgPool2d); no parameters.
 *
 * <p>The stride defaults to the kernel size; padding is at most half the kernel; with countIncludePad
 * (PyTorch's default) padded zeros count in the divisor, without it only real elements do; ceilMode keeps
 * a last partial window. The computation is {@link AvgPool2dOp#avgPool2d}.
 */
public class AvgPool2d extends Module implements UnaryModule {
    private final int[] kernelSize, stride, padding;
    private final boolean ceilMode, countIncludePad;

    /**
     * Stride equal to the kernel, no padding.
     *
     * @param kernelSize the square window's side, at least 1
     * @throws IllegalArgumentException when kernelSize is below 1
     */
    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    /**
     * A square window without padding.
     *
     * @param kernelSize the square window's side, at least 1
     * @param stride the step between windows on both axes, at least 1
     * @throws IllegalArgumentException when a size is out of range
     */
    public AvgPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0);
    }

    /**
     * ceilMode false and countIncludePad true, PyTorch's defaults.
     *
     * @param kernelSize the square window's side, at least 1
     * @param stride the step between windows on both axes, at least 1
     * @param padding the padding on each side, at most half the kernel
     * @throws IllegalArgumentException when a size is out of range
     */
    public AvgPool2d(int kernelSize, int stride, int padding) {
        this(kernelSize, stride, padding, false, true);
    }

    /**
     * A square window.
     *
     * @param kernelSize the square window's side, at least 1
     * @param stride the step between windows on both axes, at least 1
     * @param padding the padding on each side, at most half the kernel
     * @param ceilMode keep a last, partial window (round the output size up)
     * @param countIncludePad count padded cells in each window's divisor
     * @throws IllegalArgumentException when a size is out of range
     */
    public AvgPool2d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, ceilMode, countIncludePad);
    }

    /**
     * Each size is one value for both axes or {height, width}; a null or empty stride means the kernel size.
     *
     * @param kernelSize the window size, {@code {k}} or {@code {kH, kW}}, each at least 1
     * @param stride the step between windows, {@code {s}} or {@code {sH, sW}}, or null
     * @param padding the padding on each side, {@code {p}} or {@code {pH, pW}}, at most half the kernel
     * @param ceilMode keep a last, partial window (round the output size up)
     * @param countIncludePad count padded cells in each window's divisor
     * @throws IllegalArgumentException when a size is out of range
     */
    public AvgPool2d(int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        this.kernelSize = Window2d.pair("AvgPool2d", "kernel_size", kernelSize, 1);
        this.stride = stride == null || stride.length == 0 ? this.kernelSize.clone() : Window2d.pair("AvgPool2d", "stride", stride, 1);
        this.padding = Window2d.pair("AvgPool2d", "padding", padding, 0);
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
        if (this.padding[0] > this.kernelSize[0] / 2 || this.padding[1] > this.kernelSize[1] / 2) {
            throw new IllegalArgumentException("AvgPool2d: padding " + Window2d.str(this.padding[0], this.padding[1])
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
     * Whether a last, partial window is kept.
     *
     * @return ceil_mode
     */
    public boolean ceilMode() {
        return ceilMode;
    }

    /**
     * Whether padded cells count in the divisor.
     *
     * @return count_include_pad
     */
    public boolean countIncludePad() {
        return countIncludePad;
    }

    @Override
    public Tensor forward(Tensor x) {
        return AvgPool2dOp.avgPool2d(x, kernelSize, stride, padding, ceilMode, countIncludePad);
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + Window2d.str(kernelSize[0], kernelSize[1]) + ", stride=" + Window2d.str(stride[0], stride[1])
                + ", padding=" + Window2d.str(padding[0], padding[1]);
    }
}
