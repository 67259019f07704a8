package dev.jgrad.nn;

import dev.jgrad.ops.AdaptiveAvgPool2dOp;
import dev.jgrad.ops.Window2d;
import dev.jgrad.tensor.Tensor;

/**
 * Average pooling to a fixed output size whatever the input size (torch.nn.AdaptiveAvgPool2d), over
 * [N, C, H, W] or [C, H, W] inputs; no parameters. {@code new AdaptiveAvgPool2d(1)} is the global average
 * pooling before a ResNet's classifier (it has a fast path). Windows are PyTorch's, see
 * {@link AdaptiveAvgPool2dOp#adaptiveAvgPool2d}.
 */
public class AdaptiveAvgPool2d extends Module implements UnaryModule {
    private final int outH, outW;

    /**
     * A square output size x size.
     *
     * @param outputSize the output's height and width, at least 1
     * @throws IllegalArgumentException when outputSize is below 1
     */
    public AdaptiveAvgPool2d(int outputSize) {
        this(outputSize, outputSize);
    }

    /**
     * An output of outH x outW.
     *
     * @param outH the output height, at least 1
     * @param outW the output width, at least 1
     * @throws IllegalArgumentException when a size is below 1
     */
    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got (" + outH + ", " + outW + ")");
        }
        this.outH = outH;
        this.outW = outW;
    }

    /**
     * {outH, outW}.
     *
     * @return a new array
     */
    public int[] outputSize() {
        return new int[] {outH, outW};
    }

    @Override
    public Tensor forward(Tensor x) {
        return AdaptiveAvgPool2dOp.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override
    protected String extraRepr() {
        return "output_size=" + (outH == outW ? String.valueOf(outH) : Window2d.str(outH, outW));
    }
}
