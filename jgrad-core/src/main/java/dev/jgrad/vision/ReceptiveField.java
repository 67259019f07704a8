package dev.jgrad.vision;

import dev.jgrad.nn.AvgPool2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Module;

import java.util.Map;

/**
 * Where a unit of a convolutional feature map looks in the input image: output position (i, j) sees input
 * rows [i * jump + start, i * jump + start + size) and the same columns (square kernels and strides along
 * both axes are assumed to be equal, which every network here satisfies; otherwise the height's is used).
 * The start may be negative and the window may run past the image: that part is padding.
 *
 * <p>{@link #through(Module)} composes a module's layers in registration order: Conv2d, MaxPool2d and
 * AvgPool2d with effective kernel k = dilation * (kernel - 1) + 1, stride s and padding p give
 * size += (k - 1) * jump, start -= p * jump, jump *= s; modules with children are walked recursively,
 * skipping residual shortcuts named "downsample" (they see a subset of the main path's window);
 * anything else (batch norm, activations) leaves the field as it is.
 *
 * @param size  the side of the square window a unit sees, in input pixels
 * @param jump  the distance in input pixels between neighbouring units (the product of the strides)
 * @param start the first input row (and column) seen by unit 0; negative when it starts in the padding
 */
public record ReceptiveField(int size, int jump, int start) {

    /** The input itself: one pixel, stride 1. */
    public static final ReceptiveField PIXEL = new ReceptiveField(1, 1, 0);

    /**
     * This field after one more layer with the given (effective) kernel, stride and padding.
     *
     * @param kernel  the effective kernel size, dilation * (kernel - 1) + 1
     * @param stride  the layer's stride
     * @param padding the layer's padding on each side
     * @return the field of the layer's output units
     */
    public ReceptiveField then(int kernel, int stride, int padding) {
        return new ReceptiveField(size + (kernel - 1) * jump, jump * stride, start - padding * jump);
    }

    /**
     * This field after every layer of the module.
     *
     * @param module a layer or a network of layers (e.g. a CNN's feature extractor up to some depth)
     * @return the field of the module's output units
     */
    public ReceptiveField through(Module module) {
        if (module instanceof Conv2d c) {
            return then(c.dilation()[0] * (c.kernelSize()[0] - 1) + 1, c.stride()[0], c.padding()[0]);
        }
        if (module instanceof MaxPool2d p) {
            return then(p.dilation()[0] * (p.kernelSize()[0] - 1) + 1, p.stride()[0], p.padding()[0]);
        }
        if (module instanceof AvgPool2d p) {
            return then(p.kernelSize()[0], p.stride()[0], p.padding()[0]);
        }
        ReceptiveField rf = this;
        for (Map.Entry<String, Module> child : module.namedChildren().entrySet()) {
            if (!child.getKey().equals("downsample")) rf = rf.through(child.getValue());
        }
        return rf;
    }

    /**
     * First input row (or column) seen by output position i; may be negative (padding).
     *
     * @param i a row (or column) of the feature map
     * @return {@code i * jump + start}
     */
    public int first(int i) {
        return i * jump + start;
    }
}
