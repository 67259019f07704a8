package dev.jgrad.models;

import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.UnaryModule;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The CIFAR ResNet-18 of the benchmark peer (ResNet18Cifar in ../shared/peers/torch_bench.py), module for
 * module, so that its state_dict keys match the peer's: {@code conv1} (3x3 stride 1, no bias), {@code bn1},
 * no max-pool, {@code layers.0}..{@code layers.7} (two {@link Block}s per stage at 64, 128, 256, 512
 * channels, each with conv1, bn1, conv2, bn2 and a {@code shortcut} that is empty or holds a strided 1x1
 * convolution and a batch norm), global average pooling and {@code fc}. Initialisation is PyTorch's default
 * for each layer, as in the peer (no torchvision re-initialisation).
 *
 * <p>The same network in torchvision's naming is {@code new ResNet(Config.resnet18(10).withSmallInput(true))}.
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public final class ResNetCifar extends Module implements UnaryModule, Staged {

    /** The peer's BasicBlock: names conv1, bn1, conv2, bn2 and shortcut (an empty Sequential when the shape is kept). */
    public static final class Block extends Module implements UnaryModule {
        private final Conv2d conv1, conv2;
        private final BatchNorm2d bn1, bn2;
        private final Sequential shortcut;

        /**
         * cin -> cout channels, with a 1x1 convolution shortcut when the shape changes.
         *
         * @param cin    the input's channels
         * @param cout   the output's channels
         * @param stride the first convolution's (and the shortcut's) stride
         * @param gen    the random generator of the convolutions' initial weights
         */
        public Block(int cin, int cout, int stride, Generator gen) {
            conv1 = registerModule("conv1", new Conv2d(cin, cout, 3, stride, 1, 1, 1, false, gen));
            bn1 = registerModule("bn1", new BatchNorm2d(cout));
            conv2 = registerModule("conv2", new Conv2d(cout, cout, 3, 1, 1, 1, 1, false, gen));
            bn2 = registerModule("bn2", new BatchNorm2d(cout));
            shortcut = registerModule("shortcut", stride != 1 || cin != cout
                    ? new Sequential(new Conv2d(cin, cout, 1, stride, 0, 1, 1, false, gen), new BatchNorm2d(cout))
                    : new Sequential());
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor out = bn1.forwardRelu(conv1.forward(x));
            return bn2.forwardAddRelu(conv2.forward(out), shortcut.forward(x));
        }
    }

    private static final int[] CHANNELS = {64, 128, 256, 512};

    private final int inChannels;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Sequential layers;

    /**
     * The peer's network: 3 input channels.
     *
     * @param numClasses outputs of fc (10 for CIFAR-10)
     * @param gen        the random generator of the initial weights
     * @throws IllegalArgumentException if {@code numClasses} is not positive
     */
    public ResNetCifar(int numClasses, Generator gen) {
        this(3, numClasses, gen);
    }

    /**
     * The peer's network for {@code inChannels}-channel images.
     *
     * @param inChannels channels of the input images (1 for grey)
     * @param numClasses outputs of fc
     * @param gen        the random generator of the initial weights
     * @throws IllegalArgumentException if {@code inChannels} or {@code numClasses} is not positive
     */
    public ResNetCifar(int inChannels, int numClasses, Generator gen) {
        if (inChannels < 1 || numClasses < 1) {
            throw new IllegalArgumentException("ResNetCifar: in_channels and num_classes must be positive, got " + inChannels + " and " + numClasses);
        }
        this.inChannels = inChannels;
        conv1 = registerModule("conv1", new Conv2d(inChannels, 64, 3, 1, 1, 1, 1, false, gen));
        bn1 = registerModule("bn1", new BatchNorm2d(64));
        List<UnaryModule> blocks = new ArrayList<>();
        int cin = 64;
        for (int i = 0; i < CHANNELS.length; i++) {
            int cout = CHANNELS[i];
            blocks.add(new Block(cin, cout, i == 0 ? 1 : 2, gen));
            blocks.add(new Block(cout, cout, 1, gen));
            cin = cout;
        }
        layers = registerModule("layers", new Sequential(blocks));
        registerModule("fc", new Linear(512, numClasses, true, gen));
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4 || x.size(1) != inChannels) {
            throw new IllegalArgumentException("ResNetCifar: expected images [N, " + inChannels + ", H, W], got shape " + Shape.str(x.shape()));
        }
        Tensor h = layers.forward(bn1.forwardRelu(conv1.forward(x)));
        h = h.mean(new int[] {2, 3}, false); // adaptive_avg_pool2d(h, 1).flatten(1)
        return ((UnaryModule) getSubmodule("fc")).forward(h);
    }

    @Override
    public int numStages() {
        return CHANNELS.length;
    }

    /** Stem conv1/bn1 is 0, layers.0-1 stage 1, ..., layers.6-7 stage 4, fc 5. */
    @Override
    public int stageOf(String parameterName) {
        if (parameterName.startsWith("conv1.") || parameterName.startsWith("bn1.")) return 0;
        if (parameterName.startsWith("fc.")) return numStages() + 1;
        if (parameterName.startsWith("layers.")) {
            String rest = parameterName.substring("layers.".length());
            int dot = rest.indexOf('.');
            try {
                int block = Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot));
                if (block >= 0 && block < 2 * CHANNELS.length) return block / 2 + 1;
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("ResNetCifar: '" + parameterName + "' is not in the stem (conv1, bn1), layers.0..7 or the head (fc)");
    }
}
