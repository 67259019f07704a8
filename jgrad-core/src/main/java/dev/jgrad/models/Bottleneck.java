package dev.jgrad.models;

import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.UnaryModule;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * ResNet's bottleneck block (torchvision.models.resnet.Bottleneck, "ResNet V1.5"): 1x1 reduce, 3x3
 * (strided, grouped for ResNeXt), 1x1 expand to planes * 4, each with batch norm, plus the input, through
 * a ReLU. The stride sits on the 3x3 convolution, as in torchvision (the original paper put it on the first
 * 1x1).
 *
 * <p>Children, in torchvision's order and with its names: conv1, bn1, conv2, bn2, conv3, bn3, downsample
 * (only when needed). The inner width is {@code (int) (planes * baseWidth / 64.0) * groups}.
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public final class Bottleneck extends Module implements UnaryModule {
    /** Output channels per "planes" (torchvision's Bottleneck.expansion). */
    public static final int EXPANSION = 4;

    private final Conv2d conv1, conv2, conv3;
    private final BatchNorm2d bn1, bn2, bn3;
    private final Sequential downsample;

    /**
     * inplanes -> planes * {@link #EXPANSION} channels, through an inner width of
     * {@code (int) (planes * baseWidth / 64.0) * groups}.
     *
     * @param inplanes   the input's channels
     * @param planes     a quarter of the output's channels
     * @param stride     the 3x3 convolution's stride (2 halves the height and width)
     * @param downsample what brings the input to the output's shape (1x1 convolution and batch norm), or null
     * @param groups     groups of the 3x3 convolution (1 for ResNet, 32 for resnext50_32x4d)
     * @param baseWidth  channels per group at 64 planes (torchvision's width_per_group: 64 for ResNet)
     * @param gen        the random generator of the convolutions' initial weights
     */
    public Bottleneck(int inplanes, int planes, int stride, Sequential downsample, int groups, int baseWidth, Generator gen) {
        int width = innerWidth(planes, groups, baseWidth);
        conv1 = registerModule("conv1", ResNet.conv1x1(inplanes, width, 1, gen));
        bn1 = registerModule("bn1", new BatchNorm2d(width));
        conv2 = registerModule("conv2", ResNet.conv3x3(width, width, stride, groups, gen));
        bn2 = registerModule("bn2", new BatchNorm2d(width));
        conv3 = registerModule("conv3", ResNet.conv1x1(width, planes * EXPANSION, 1, gen));
        bn3 = registerModule("bn3", new BatchNorm2d(planes * EXPANSION));
        this.downsample = downsample == null ? null : registerModule("downsample", downsample);
    }

    /** torchvision's int(planes * (base_width / 64.0)) * groups. */
    static int innerWidth(int planes, int groups, int baseWidth) {
        return (int) (planes * (baseWidth / 64.0)) * groups;
    }

    /**
     * The last batch norm, whose weight zero_init_residual sets to zero so the block starts as the identity.
     *
     * @return the child {@code bn3}
     */
    public BatchNorm2d lastBatchNorm() {
        return bn3;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out = bn1.forwardRelu(conv1.forward(x));
        out = bn2.forwardRelu(conv2.forward(out));
        Tensor identity = downsample == null ? x : downsample.forward(x);
        return bn3.forwardAddRelu(conv3.forward(out), identity);
    }
}
