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

    /** Stride equal to the kernel, no padding. */
    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    public AvgPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0);
    }

    /** ceilMode false and countIncludePad true, PyTorch's defaults. */
    public AvgPool2d(int kernelSize, int stride, int padding) {
        this(kernelSize, stride, padding, false, true);
    }

    public AvgPool2d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, ceilMode, countIncludePad);
    }

    /** Each size is one value for both axes or {height, width}; a null or empty stride means the kernel size. */
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

    public int[] kernelSize() {
        return kernelSize.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    public int[] padding() {
        return padding.clone();
    }

    public boolean ceilMode() {
        return ceilMode;
    }

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
