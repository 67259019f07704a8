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

    /** Stride equal to the kernel, no padding. */
    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    public MaxPool2d(int kernelSize, int stride) {
        this(kernelSize, stride, 0);
    }

    public MaxPool2d(int kernelSize, int stride, int padding) {
        this(kernelSize, stride, padding, 1, false);
    }

    public MaxPool2d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        this(new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, ceilMode);
    }

    /** Each size is one value for both axes or {height, width}; a null or empty stride means the kernel size. */
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

    public int[] kernelSize() {
        return kernelSize.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    public int[] padding() {
        return padding.clone();
    }

    public int[] dilation() {
        return dilation.clone();
    }

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
