package dev.jgrad.models;

import dev.jgrad.nn.AdaptiveAvgPool2d;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.UnaryModule;
import dev.jgrad.ops.ReluOps;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Residual networks (He et al., 2016) exactly as torchvision.models.ResNet builds them, so that a
 * torchvision state_dict loads as it is: {@code ResNet.resnet18(1000).loadStateDict(SafeTensors.load(path))}.
 *
 * <p>Layout and names: {@code conv1} (7x7 stride 2, no bias), {@code bn1}, ReLU, {@code maxpool} (3x3 stride
 * 2), stages {@code layer1}..{@code layer4} of {@link BasicBlock}s or {@link Bottleneck}s (the first block of
 * layer2..layer4 strided, with {@code downsample.0} / {@code .1} where the shape changes), global average
 * pooling and {@code fc}. Initialisation is torchvision's: convolutions kaiming_normal(fan_out, relu),
 * batch norms weight 1 and bias 0, fc nn.Linear's default; with zeroInitResidual each block's last batch
 * norm starts at weight 0.
 *
 * <p>Two variations keep the names: {@link Config#smallInput()} uses a 3x3 stride-1 stem without max-pool
 * (for 28x28 or 32x32 images, as in CIFAR ResNets), and {@link Config#width()} scales every stage's
 * channels (64, 128, 256, 512 at the default 64), which makes small, fast networks for experiments.
 * {@link #fromStateDict} infers the configuration of any such network from its weights.
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public final class ResNet extends Module implements UnaryModule, Staged {

    /** The residual block kind: BasicBlock (ResNet-18/34) or Bottleneck (ResNet-50 and deeper). */
    public enum Block {
        /** Two 3x3 convolutions, as many output channels as planes ({@link BasicBlock}). */
        BASIC(BasicBlock.EXPANSION),
        /** 1x1 down, 3x3, 1x1 up to four times the planes ({@link Bottleneck}). */
        BOTTLENECK(Bottleneck.EXPANSION);

        /** Output channels per "planes": 1 for BASIC, 4 for BOTTLENECK. */
        public final int expansion;

        Block(int expansion) {
            this.expansion = expansion;
        }
    }

    /**
     * What to build. {@code layers} gives the number of blocks per stage (usually four stages); stage i has
     * {@code width * 2^i} planes. {@code groups} and {@code widthPerGroup} are torchvision's ResNeXt / wide
     * ResNet knobs (1 and 64 for a plain ResNet; BasicBlock supports only those).
     *
     * @param block            the residual block kind
     * @param layers           blocks per stage, each at least 1 (ResNet-18: 2, 2, 2, 2)
     * @param numClasses       outputs of fc
     * @param inChannels       channels of the input images (3 for RGB, 1 for grey)
     * @param width            channels of the stem and of layer1's planes (64 in torchvision)
     * @param groups           grouped-convolution groups of each bottleneck's 3x3 convolution (ResNeXt's cardinality)
     * @param widthPerGroup    channels per group at width 64 (64 plain; 128 for wide_resnet50_2)
     * @param smallInput       a 3x3 stride-1 stem without max-pool, for 28x28 or 32x32 images
     * @param zeroInitResidual start each block's last batch norm at weight 0, so every block begins as the identity
     */
    public record Config(Block block, List<Integer> layers, int numClasses, int inChannels, int width, int groups,
                         int widthPerGroup, boolean smallInput, boolean zeroInitResidual) {
        /**
         * Checks the configuration and copies {@code layers}.
         *
         * @throws IllegalArgumentException if a count or size is not positive, a BasicBlock network has groups or a
         *                                  width per group torchvision does not allow, or a bottleneck has no channels
         */
        public Config {
            if (block == null) throw new IllegalArgumentException("ResNet: block must be BASIC or BOTTLENECK, got null");
            if (layers == null || layers.isEmpty()) throw new IllegalArgumentException("ResNet: layers must list the blocks of at least one stage");
            layers = List.copyOf(layers);
            for (int n : layers) {
                if (n < 1) throw new IllegalArgumentException("ResNet: every stage needs at least one block, got layers " + layers);
            }
            if (numClasses < 1) throw new IllegalArgumentException("ResNet: num_classes must be positive, got " + numClasses);
            if (inChannels < 1) throw new IllegalArgumentException("ResNet: in_channels must be positive, got " + inChannels);
            if (width < 1) throw new IllegalArgumentException("ResNet: width must be positive, got " + width);
            if (groups < 1 || widthPerGroup < 1) {
                throw new IllegalArgumentException("ResNet: groups and width_per_group must be positive, got " + groups + " and " + widthPerGroup);
            }
            if (block == Block.BASIC && (groups != 1 || widthPerGroup != 64)) {
                throw new IllegalArgumentException("ResNet: BasicBlock only supports groups=1 and width_per_group=64 (as torchvision), got "
                        + groups + " and " + widthPerGroup);
            }
            if (block == Block.BOTTLENECK && Bottleneck.innerWidth(width, groups, widthPerGroup) < 1) {
                throw new IllegalArgumentException("ResNet: width " + width + " with width_per_group " + widthPerGroup
                        + " leaves the bottleneck no channels");
            }
        }

        /**
         * A plain ResNet with the ImageNet stem and 3 input channels.
         *
         * @param block      the residual block kind
         * @param layers     blocks per stage
         * @param numClasses outputs of fc
         * @return the configuration: width 64, groups 1 x 64, no zero-initialised residuals
         */
        public static Config of(Block block, List<Integer> layers, int numClasses) {
            return new Config(block, layers, numClasses, 3, 64, 1, 64, false, false);
        }

        /**
         * torchvision's resnet18: BASIC blocks, 2, 2, 2, 2 per stage.
         *
         * @param numClasses outputs of fc (1000 for ImageNet weights)
         * @return the configuration, as {@link #of}
         */
        public static Config resnet18(int numClasses) {
            return of(Block.BASIC, List.of(2, 2, 2, 2), numClasses);
        }

        /**
         * torchvision's resnet34: BASIC blocks, 3, 4, 6, 3 per stage.
         *
         * @param numClasses outputs of fc (1000 for ImageNet weights)
         * @return the configuration, as {@link #of}
         */
        public static Config resnet34(int numClasses) {
            return of(Block.BASIC, List.of(3, 4, 6, 3), numClasses);
        }

        /**
         * torchvision's resnet50: BOTTLENECK blocks, 3, 4, 6, 3 per stage.
         *
         * @param numClasses outputs of fc (1000 for ImageNet weights)
         * @return the configuration, as {@link #of}
         */
        public static Config resnet50(int numClasses) {
            return of(Block.BOTTLENECK, List.of(3, 4, 6, 3), numClasses);
        }

        /**
         * torchvision's resnet101: BOTTLENECK blocks, 3, 4, 23, 3 per stage.
         *
         * @param numClasses outputs of fc (1000 for ImageNet weights)
         * @return the configuration, as {@link #of}
         */
        public static Config resnet101(int numClasses) {
            return of(Block.BOTTLENECK, List.of(3, 4, 23, 3), numClasses);
        }

        /**
         * torchvision's resnet152: BOTTLENECK blocks, 3, 8, 36, 3 per stage.
         *
         * @param numClasses outputs of fc (1000 for ImageNet weights)
         * @return the configuration, as {@link #of}
         */
        public static Config resnet152(int numClasses) {
            return of(Block.BOTTLENECK, List.of(3, 8, 36, 3), numClasses);
        }

        /**
         * This configuration with another number of classes.
         *
         * @param n outputs of fc
         * @return a new configuration
         */
        public Config withNumClasses(int n) {
            return new Config(block, layers, n, inChannels, width, groups, widthPerGroup, smallInput, zeroInitResidual);
        }

        /**
         * This configuration with another number of input channels: 1 for grey-scale images such as MNIST.
         *
         * @param n channels of the input images
         * @return a new configuration
         */
        public Config withInChannels(int n) {
            return new Config(block, layers, numClasses, n, width, groups, widthPerGroup, smallInput, zeroInitResidual);
        }

        /**
         * Channels of the stem and of layer1 (64 in torchvision); later stages double it.
         *
         * @param w the base width, e.g. 16 for a small network
         * @return a new configuration
         */
        public Config withWidth(int w) {
            return new Config(block, layers, numClasses, inChannels, w, groups, widthPerGroup, smallInput, zeroInitResidual);
        }

        /**
         * This configuration with grouped bottleneck convolutions (torchvision's ResNeXt and wide ResNets; resnext50_32x4d
         * is groups 32, 4 per group).
         *
         * @param g        groups of each bottleneck's 3x3 convolution
         * @param perGroup channels per group at width 64
         * @return a new configuration
         */
        public Config withGroups(int g, int perGroup) {
            return new Config(block, layers, numClasses, inChannels, width, g, perGroup, smallInput, zeroInitResidual);
        }

        /**
         * A 3x3 stride-1 stem without max-pool, for small images.
         *
         * @param small true for the small-input stem, false for the ImageNet one
         * @return a new configuration
         */
        public Config withSmallInput(boolean small) {
            return new Config(block, layers, numClasses, inChannels, width, groups, widthPerGroup, small, zeroInitResidual);
        }

        /**
         * This configuration with or without zero-initialised residual branches (torchvision's zero_init_residual).
         *
         * @param zero true to start each block's last batch norm at weight 0
         * @return a new configuration
         */
        public Config withZeroInitResidual(boolean zero) {
            return new Config(block, layers, numClasses, inChannels, width, groups, widthPerGroup, smallInput, zero);
        }

        /**
         * Channels of the pooled features that fc sees.
         *
         * @return the last stage's planes times the block's expansion (512 for ResNet-18, 2048 for ResNet-50)
         */
        public int numFeatures() {
            return (width << (layers.size() - 1)) * block.expansion;
        }

        /**
         * E.g. "resnet18", or "resnet[1,1,1,1] basic width 16 small-input in=1" for a non-standard one.
         *
         * @return a short description for logs and checkpoint metadata, ending with the number of classes
         */
        public String describe() {
            String standard = standardName();
            StringBuilder sb = new StringBuilder(standard != null ? standard
                    : "resnet" + layers.toString().replace(" ", "") + " " + block.name().toLowerCase(Locale.ROOT));
            if (width != 64) sb.append(" width ").append(width);
            if (groups != 1 || widthPerGroup != 64) sb.append(" groups ").append(groups).append('x').append(widthPerGroup);
            if (smallInput) sb.append(" small-input");
            if (inChannels != 3) sb.append(" in=").append(inChannels);
            return sb.append(" classes=").append(numClasses).toString();
        }

        private String standardName() {
            for (String name : List.of("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")) {
                Config c = named(name, numClasses);
                if (c.block == block && c.layers.equals(layers)) return name;
            }
            return null;
        }

        /**
         * resnet18, resnet34, resnet50, resnet101 or resnet152.
         *
         * @param name       one of those names, in any case
         * @param numClasses outputs of fc
         * @return the configuration
         * @throws IllegalArgumentException if the name is none of those
         */
        public static Config named(String name, int numClasses) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "resnet18" -> resnet18(numClasses);
                case "resnet34" -> resnet34(numClasses);
                case "resnet50" -> resnet50(numClasses);
                case "resnet101" -> resnet101(numClasses);
                case "resnet152" -> resnet152(numClasses);
                default -> throw new IllegalArgumentException("unknown ResNet '" + name + "': expected resnet18, resnet34, resnet50, resnet101 or resnet152");
            };
        }
    }

    private Config config;

    /**
     * A network of shape {@code config}, initialised from the default generator.
     *
     * @param config what to build
     */
    public ResNet(Config config) {
        this(config, Generator.defaultGenerator());
    }

    /**
     * A network of shape {@code config}, initialised as torchvision does (see the class comment).
     *
     * @param config what to build
     * @param gen    the random generator of the initial weights
     */
    public ResNet(Config config, Generator gen) {
        this.config = config;
        int width = config.width();
        if (config.smallInput()) {
            registerModule("conv1", new Conv2d(config.inChannels(), width, 3, 1, 1, 1, 1, false, gen));
        } else {
            registerModule("conv1", new Conv2d(config.inChannels(), width, 7, 2, 3, 1, 1, false, gen));
        }
        registerModule("bn1", new BatchNorm2d(width));
        registerModule("relu", new ReLU());
        if (!config.smallInput()) registerModule("maxpool", new MaxPool2d(3, 2, 1));
        int inplanes = width;
        for (int i = 0; i < config.layers().size(); i++) {
            int planes = width << i;
            int stride = i == 0 ? 1 : 2;
            int outplanes = planes * config.block().expansion;
            List<UnaryModule> blocks = new ArrayList<>();
            for (int b = 0; b < config.layers().get(i); b++) {
                int s = b == 0 ? stride : 1;
                Sequential downsample = b == 0 && (s != 1 || inplanes != outplanes)
                        ? new Sequential(conv1x1(inplanes, outplanes, s, gen), new BatchNorm2d(outplanes)) : null;
                blocks.add(config.block() == Block.BASIC
                        ? new BasicBlock(inplanes, planes, s, downsample, gen)
                        : new Bottleneck(inplanes, planes, s, downsample, config.groups(), config.widthPerGroup(), gen));
                inplanes = outplanes;
            }
            registerModule("layer" + (i + 1), new Sequential(blocks));
        }
        registerModule("avgpool", new AdaptiveAvgPool2d(1));
        registerModule("fc", new Linear(config.numFeatures(), config.numClasses(), true, gen));

        // torchvision re-initialises after building: every convolution, then every batch norm, then the residual zeros.
        for (Module m : modules()) {
            if (m instanceof Conv2d c) Init.kaimingNormal(c.weight(), 0, Init.Mode.FAN_OUT, Init.Nonlinearity.RELU, gen);
            else if (m instanceof BatchNorm2d bn) {
                Init.ones(bn.weight());
                Init.zeros(bn.bias());
            }
        }
        if (config.zeroInitResidual()) {
            for (Module m : modules()) {
                if (m instanceof BasicBlock b) Init.zeros(b.lastBatchNorm().weight());
                else if (m instanceof Bottleneck b) Init.zeros(b.lastBatchNorm().weight());
            }
        }
    }

    // ---------------------------------------------------------------- factories

    /**
     * A freshly initialised torchvision resnet18 ({@link Config#resnet18}), drawing from the default generator.
     *
     * @param numClasses outputs of fc (1000 for ImageNet weights)
     * @return the network, in training mode
     */
    public static ResNet resnet18(int numClasses) {
        return new ResNet(Config.resnet18(numClasses));
    }

    /**
     * A freshly initialised torchvision resnet34 ({@link Config#resnet34}), drawing from the default generator.
     *
     * @param numClasses outputs of fc (1000 for ImageNet weights)
     * @return the network, in training mode
     */
    public static ResNet resnet34(int numClasses) {
        return new ResNet(Config.resnet34(numClasses));
    }

    /**
     * A freshly initialised torchvision resnet50 ({@link Config#resnet50}), drawing from the default generator.
     *
     * @param numClasses outputs of fc (1000 for ImageNet weights)
     * @return the network, in training mode
     */
    public static ResNet resnet50(int numClasses) {
        return new ResNet(Config.resnet50(numClasses));
    }

    /**
     * A freshly initialised torchvision resnet101 ({@link Config#resnet101}), drawing from the default generator.
     *
     * @param numClasses outputs of fc (1000 for ImageNet weights)
     * @return the network, in training mode
     */
    public static ResNet resnet101(int numClasses) {
        return new ResNet(Config.resnet101(numClasses));
    }

    /**
     * A freshly initialised torchvision resnet152 ({@link Config#resnet152}), drawing from the default generator.
     *
     * @param numClasses outputs of fc (1000 for ImageNet weights)
     * @return the network, in training mode
     */
    public static ResNet resnet152(int numClasses) {
        return new ResNet(Config.resnet152(numClasses));
    }

    static Conv2d conv3x3(int in, int out, int stride, int groups, Generator gen) {
        return new Conv2d(in, out, 3, stride, 1, 1, groups, false, gen);
    }

    static Conv2d conv1x1(int in, int out, int stride, Generator gen) {
        return new Conv2d(in, out, 1, stride, 0, 1, 1, false, gen);
    }

    // ---------------------------------------------------------------- use

    /**
     * The configuration, with numClasses following a replaced head.
     *
     * @return the configuration as it is now
     */
    public Config config() {
        return config;
    }

    /**
     * images [N, inChannels, H, W] -> logits [N, numClasses].
     *
     * @param x images of shape [N, inChannels, H, W], normalised as in training
     * @return class logits of shape [N, numClasses]
     * @throws IllegalArgumentException if {@code x} is not 4-d or has another number of channels
     */
    @Override
    public Tensor forward(Tensor x) {
        return child("fc").forward(features(x));
    }

    /**
     * images [N, inChannels, H, W] -> pooled features [N, numFeatures] (what the head sees).
     *
     * @param x images of shape [N, inChannels, H, W]
     * @return the globally average-pooled features, of shape [N, numFeatures]
     * @throws IllegalArgumentException if {@code x} is not 4-d or has another number of channels
     */
    public Tensor features(Tensor x) {
        if (x.dim() != 4 || x.size(1) != config.inChannels()) {
            throw new IllegalArgumentException("ResNet: expected images [N, " + config.inChannels() + ", H, W], got shape " + Shape.str(x.shape())
                    + (x.dim() == 4 && x.size(1) != config.inChannels() ? " (the network was built for " + config.inChannels() + " input channel"
                    + (config.inChannels() == 1 ? "" : "s") + ")" : ""));
        }
        Tensor h = ReluOps.relu(child("bn1").forward(child("conv1").forward(x)));
        if (!config.smallInput()) h = child("maxpool").forward(h);
        for (int i = 1; i <= config.layers().size(); i++) h = child("layer" + i).forward(h);
        return child("avgpool").forward(h).flatten(1, -1);
    }

    /**
     * Stage i (1-based), e.g. layer4 = stage(4).
     *
     * @param i the stage's number, from 1 to the number of stages
     * @return the stage's blocks, the child {@code layer<i>}
     * @throws IllegalArgumentException if there is no such stage
     */
    public Sequential stage(int i) {
        if (i < 1 || i > config.layers().size()) {
            throw new IllegalArgumentException("ResNet: stage " + i + " does not exist; stages are 1.." + config.layers().size());
        }
        return (Sequential) getSubmodule("layer" + i);
    }

    /**
     * Replaces fc with a fresh Linear(numFeatures, numClasses) (PyTorch's {@code model.fc = nn.Linear(...)})
     * and returns it; it requires grad even when the rest of the network is frozen.
     *
     * @param numClasses outputs of the new head
     * @param gen        the random generator of its initial weights
     * @return the new head
     */
    public Linear replaceHead(int numClasses, Generator gen) {
        Linear fc = registerModule("fc", new Linear(config.numFeatures(), numClasses, true, gen));
        config = config.withNumClasses(numClasses);
        return fc;
    }

    @Override
    public int numStages() {
        return config.layers().size();
    }

    @Override
    public int stageOf(String parameterName) {
        String top = parameterName.contains(".") ? parameterName.substring(0, parameterName.indexOf('.')) : parameterName;
        if (top.equals("conv1") || top.equals("bn1")) return 0;
        if (top.equals("fc")) return numStages() + 1;
        if (top.startsWith("layer")) {
            try {
                int i = Integer.parseInt(top.substring(5));
                if (i >= 1 && i <= numStages()) return i;
            } catch (NumberFormatException ignored) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("ResNet: '" + parameterName + "' is not in the stem (conv1, bn1), a stage (layer1..layer"
                + numStages() + ") or the head (fc)");
    }

    private UnaryModule child(String name) {
        Module m = getSubmodule(name);
        if (m instanceof UnaryModule u) return u;
        throw new IllegalStateException("ResNet: child '" + name + "' (" + m.getClass().getSimpleName() + ") does not map one tensor to one tensor");
    }

    @Override
    protected String extraRepr() {
        return config.describe();
    }

    // ---------------------------------------------------------------- checkpoints

    /**
     * The configuration of the ResNet whose state_dict this is (torchvision's or jgrad's): block kind from
     * the presence of conv3, blocks per stage from the keys, width and input channels from conv1, the stem
     * from conv1's kernel size (3: small-input), groups from layer1.0.conv2, classes from fc.
     *
     * @param state a state dict by parameter name
     * @return the configuration of the network it belongs to
     * @throws IllegalArgumentException naming the key, if a key the inference needs is missing or of the wrong rank,
     *                                  or the keys are not a ResNet's
     */
    public static Config inferConfig(Map<String, Tensor> state) {
        Tensor conv1 = require(state, "conv1.weight", 4);
        Tensor fc = require(state, "fc.weight", 2);
        boolean bottleneck = state.containsKey("layer1.0.conv3.weight");
        List<Integer> layers = new ArrayList<>();
        for (int i = 1; ; i++) {
            TreeSet<Integer> blocks = new TreeSet<>();
            String prefix = "layer" + i + ".";
            for (String key : state.keySet()) {
                if (!key.startsWith(prefix)) continue;
                String rest = key.substring(prefix.length());
                int dot = rest.indexOf('.');
                try {
                    blocks.add(Integer.parseInt(dot < 0 ? rest : rest.substring(0, dot)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a ResNet state dict: unexpected key '" + key + "'");
                }
            }
            if (blocks.isEmpty()) break;
            if (blocks.first() != 0 || blocks.last() != blocks.size() - 1) {
                throw new IllegalArgumentException("not a ResNet state dict: the blocks of layer" + i + " are numbered " + blocks + ", not 0.." + (blocks.size() - 1));
            }
            layers.add(blocks.size());
        }
        if (layers.isEmpty()) throw new IllegalArgumentException("not a ResNet state dict: no layer1.* keys");
        int width = conv1.size(0), kernel = conv1.size(2);
        if (kernel != 3 && kernel != 7) {
            throw new IllegalArgumentException("not a ResNet state dict: conv1.weight has a " + kernel + "x" + conv1.size(3)
                    + " kernel; torchvision's stem is 7x7 and the small-input stem 3x3");
        }
        int groups = 1, perGroup = 64;
        if (bottleneck) {
            Tensor inner = require(state, "layer1.0.conv2.weight", 4);
            int w = inner.size(0);
            groups = w / inner.size(1);
            perGroup = (w / groups) * 64 / width;
        }
        return new Config(bottleneck ? Block.BOTTLENECK : Block.BASIC, layers, fc.size(0), conv1.size(1), width, groups, perGroup,
                kernel == 3, false);
    }

    /**
     * A ResNet built from {@link #inferConfig} with the given weights loaded (strictly).
     *
     * @param state a torchvision or jgrad ResNet state dict
     * @return the network with those weights, in training mode
     * @throws IllegalArgumentException if the state dict is not a ResNet's or its tensors do not fit the inferred shape
     */
    public static ResNet fromStateDict(Map<String, Tensor> state) {
        ResNet model = new ResNet(inferConfig(state), new Generator(0));
        model.loadStateDict(state);
        return model;
    }

    private static Tensor require(Map<String, Tensor> state, String key, int rank) {
        Tensor t = state.get(key);
        if (t == null) {
            throw new IllegalArgumentException("not a ResNet state dict: it has no '" + key + "' (keys: "
                    + String.join(", ", state.keySet().stream().limit(8).toList()) + (state.size() > 8 ? ", ..." : "") + ")");
        }
        if (t.dim() != rank) {
            throw new IllegalArgumentException("not a ResNet state dict: '" + key + "' has shape " + Shape.str(t.shape()) + ", expected rank " + rank);
        }
        return t;
    }
}
