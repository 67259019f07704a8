package dev.jgrad.models;

import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.UnaryModule;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * ResNet's basic residual block (torchvision.models.resnet.BasicBlock): two 3x3 convolutions with batch
 * norm, the first one strided, plus the input, through a ReLU. When the shape changes, the input goes
 * through {@code downsample} (a strided 1x1 convolution and batch norm) before the sum.
 *
 * <p>Children, in torchvision's order and with its names: conv1, bn1, conv2, bn2, downsample (only when
 * needed, as {@code downsample.0} / {@code downsample.1}).
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public final class BasicBlock extends Module implements UnaryModule {
    /** Output channels per "planes" (torchvision's BasicBlock.expansion). */
    public static final int EXPANSION = 1;

    private final Conv2d conv1, conv2;
    private final BatchNorm2d bn1, bn2;
    private final Sequential downsample;

    /**
     * inplanes -> planes channels; downsample is null when the input can be added as it is.
     *
     * @param inplanes   the input's channels
     * @param planes     the output's channels (times {@link #EXPANSION}, which is 1)
     * @param stride     the first convolution's stride (2 halves the height and width)
     * @param downsample what brings the input to the output's shape (1x1 convolution and batch norm), or null
     * @param gen        the random generator of the convolutions' initial weights
     */
    public BasicBlock(int inplanes, int planes, int stride, Sequential downsample, Generator gen) {
        conv1 = registerModule("conv1", ResNet.conv3x3(inplanes, planes, stride, 1, gen));
        bn1 = registerModule("bn1", new BatchNorm2d(planes));
        conv2 = registerModule("conv2", ResNet.conv3x3(planes, planes, 1, 1, gen));
        bn2 = registerModule("bn2", new BatchNorm2d(planes));
        this.downsample = downsample == null ? null : registerModule("downsample", downsample);
    }

    /**
     * The last batch norm, whose weight zero_init_residual sets to zero so the block starts as the identity.
     *
     * @return the child {@code bn2}
     */
    public BatchNorm2d lastBatchNorm() {
        return bn2;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out = bn1.forwardRelu(conv1.forward(x));
        Tensor identity = downsample == null ? x : downsample.forward(x);
        return bn2.forwardAddRelu(conv2.forward(out), identity);
    }
}
