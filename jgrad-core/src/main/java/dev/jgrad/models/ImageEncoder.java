package dev.jgrad.models;

import dev.jgrad.nn.AdaptiveAvgPool2d;
import dev.jgrad.nn.BatchNorm2d;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.MaxPool2d;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.UnaryModule;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.ReceptiveField;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A convolutional network that maps images [N, C, H, W] to feature vectors [N, F] by global average
 * pooling: the part of a classifier below its linear head, which SimCLR trains and a linear probe reads.
 *
 * <p>It is a chain of named stages run in order ({@link #stageNames()}), which is what lets
 * {@link #forwardTo} stop at any stage and {@link #receptiveField} say where a stage's units look. Two
 * architectures ({@link Spec#arch()}):
 * <ul>
 * <li>{@code resnet}: torchvision's ResNet with BasicBlocks and the small-input stem (3x3 stride-1 conv1,
 *     no max-pool), built by {@link ResNet} and registered here under the same names without fc
 *     ({@code conv1}, {@code bn1}, {@code relu}, {@code layer1}..., {@code avgpool}), so its weights are
 *     a torchvision ResNet's minus the head; F = width * 2^(stages - 1);</li>
 * <li>{@code cnn}: plain stages {@code block1}... of 3x3 conv (no bias) - BatchNorm - ReLU, layers[i]
 *     times, with a 2x2 max-pool between stages; widths width * 2^i; then {@code avgpool}.</li>
 * </ul>
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public final class ImageEncoder extends Module implements UnaryModule {

    /**
     * What to build: "resnet" or "cnn", input channels, base width and blocks (or convs) per stage.
     *
     * @param arch       "resnet" or "cnn" (any case; see the class comment)
     * @param inChannels channels of the input images (3 for RGB, 1 for grey)
     * @param width      channels of the first stage; each later stage doubles them
     * @param layers     residual blocks (resnet) or convolutions (cnn) per stage, each at least 1
     */
    public record Spec(String arch, int inChannels, int width, List<Integer> layers) {
        /**
         * Checks the spec, lowercases {@code arch} and copies {@code layers}.
         *
         * @throws IllegalArgumentException if the architecture is unknown or a size or count is not positive
         */
        public Spec {
            arch = arch == null ? "" : arch.toLowerCase(Locale.ROOT);
            if (!arch.equals("resnet") && !arch.equals("cnn")) {
                throw new IllegalArgumentException("ImageEncoder: unknown architecture '" + arch + "': expected resnet or cnn");
            }
            if (inChannels < 1) throw new IllegalArgumentException("ImageEncoder: in_channels must be positive, got " + inChannels);
            if (width < 1) throw new IllegalArgumentException("ImageEncoder: width must be positive, got " + width);
            if (layers == null || layers.isEmpty()) throw new IllegalArgumentException("ImageEncoder: layers must list at least one stage");
            layers = List.copyOf(layers);
            for (int n : layers) {
                if (n < 1) throw new IllegalArgumentException("ImageEncoder: every stage needs at least one block, got layers " + layers);
            }
        }

        /**
         * Parses "1,1,1" style lists.
         *
         * @param text comma-separated integers, spaces allowed
         * @return the integers in order (not checked to be positive: the constructor does that)
         * @throws IllegalArgumentException if a part is not an integer
         */
        public static List<Integer> parseLayers(String text) {
            List<Integer> out = new ArrayList<>();
            for (String part : text.split(",")) {
                try {
                    out.add(Integer.parseInt(part.strip()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("ImageEncoder: layers must be comma-separated block counts such as 2,2,2, got '" + text + "'");
                }
            }
            return out;
        }

        /**
         * Size of the feature vector.
         *
         * @return F, the last stage's channels: {@code width * 2^(stages - 1)}
         */
        public int numFeatures() {
            return width << (layers.size() - 1);
        }

        /**
         * As string metadata for a checkpoint ({@code encoder.arch}, ...).
         *
         * @return {@code encoder.arch}, {@code encoder.in_channels}, {@code encoder.width} and {@code encoder.layers}
         */
        public Map<String, String> toMetadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("encoder.arch", arch);
            m.put("encoder.in_channels", Integer.toString(inChannels));
            m.put("encoder.width", Integer.toString(width));
            m.put("encoder.layers", String.join(",", layers.stream().map(String::valueOf).toList()));
            return m;
        }

        /**
         * The inverse of {@link #toMetadata}; names the missing key.
         *
         * @param m a checkpoint's metadata; other entries are ignored
         * @return the spec it records
         * @throws IllegalArgumentException if an entry is missing or not a number, or the spec is not valid
         */
        public static Spec fromMetadata(Map<String, String> m) {
            for (String key : List.of("encoder.arch", "encoder.in_channels", "encoder.width", "encoder.layers")) {
                if (!m.containsKey(key)) {
                    throw new IllegalArgumentException("not an image encoder checkpoint: the metadata has no '" + key + "' (it has " + m.keySet() + ")");
                }
            }
            try {
                return new Spec(m.get("encoder.arch"), Integer.parseInt(m.get("encoder.in_channels")), Integer.parseInt(m.get("encoder.width")),
                        parseLayers(m.get("encoder.layers")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an image encoder checkpoint: bad numbers in " + m, e);
            }
        }

        /**
         * E.g. "resnet [1,1,1] width 32, 3 input channels (128 features)".
         *
         * @return a one-line description for logs
         */
        public String describe() {
            return String.format(Locale.ROOT, "%s %s width %d, %d input channel%s (%d features)", arch, layers.toString().replace(" ", ""), width,
                    inChannels, inChannels == 1 ? "" : "s", numFeatures());
        }
    }

    private final Spec spec;
    private final List<String> stages = new ArrayList<>();

    /**
     * An encoder of shape {@code spec}, initialised as torchvision initialises a ResNet (the cnn's convolutions too:
     * kaiming_normal, fan_out).
     *
     * @param spec what to build
     * @param gen  the random generator of the initial weights
     */
    public ImageEncoder(Spec spec, Generator gen) {
        this.spec = spec;
        if (spec.arch().equals("resnet")) {
            ResNet.Config config = new ResNet.Config(ResNet.Block.BASIC, spec.layers(), 1, spec.inChannels(), spec.width(), 1, 64, true, false);
            ResNet resnet = new ResNet(config, gen);
            resnet.namedChildren().forEach((name, child) -> {
                if (!name.equals("fc")) addStage(name, child);
            });
        } else {
            int in = spec.inChannels();
            for (int i = 0; i < spec.layers().size(); i++) {
                int out = spec.width() << i;
                Sequential block = new Sequential();
                for (int k = 0; k < spec.layers().get(i); k++) {
                    Conv2d conv = new Conv2d(in, out, 3, 1, 1, 1, 1, false, gen);
                    Init.kaimingNormal(conv.weight(), 0, Init.Mode.FAN_OUT, Init.Nonlinearity.RELU, gen);
                    block.add(conv).add(new BatchNorm2d(out)).add(new ReLU());
                    in = out;
                }
                if (i < spec.layers().size() - 1) block.add(new MaxPool2d(2));
                addStage("block" + (i + 1), block);
            }
            addStage("avgpool", new AdaptiveAvgPool2d(1));
        }
    }

    private void addStage(String name, Module m) {
        if (!(m instanceof UnaryModule)) throw new IllegalStateException("ImageEncoder: stage '" + name + "' is not a one-tensor module");
        registerModule(name, m);
        stages.add(name);
    }

    /**
     * What the encoder was built from.
     *
     * @return the spec
     */
    public Spec spec() {
        return spec;
    }

    /**
     * Size of the feature vector {@link #forward} gives.
     *
     * @return F, as {@link Spec#numFeatures()}
     */
    public int numFeatures() {
        return spec.numFeatures();
    }

    /**
     * The stages in order, the last being the global pooling.
     *
     * @return the children's names, e.g. conv1, bn1, relu, layer1, layer2, layer3, avgpool
     */
    public List<String> stageNames() {
        return List.copyOf(stages);
    }

    /**
     * The first convolution (conv1 or block1's), whose filters look at pixels.
     *
     * @return that convolution, for showing its filters
     */
    public Conv2d firstConv() {
        for (Module m : modules()) if (m instanceof Conv2d c) return c;
        throw new IllegalStateException("ImageEncoder: no convolution");
    }

    /** images [N, C, H, W] -> features [N, F]. */
    @Override
    public Tensor forward(Tensor x) {
        return forwardTo(x, stages.getLast()).flatten(1, -1);
    }

    /**
     * The output of the given stage, [N, C', H', W'] (for the last, pooled [N, F, 1, 1]).
     *
     * @param x     images of shape [N, inChannels, H, W]
     * @param stage one of {@link #stageNames()}; the stages up to it are run
     * @return the stage's output
     * @throws IllegalArgumentException if there is no such stage, or the images' shape does not fit
     */
    public Tensor forwardTo(Tensor x, String stage) {
        int last = stageIndex(stage);
        if (x.dim() != 4 || x.size(1) != spec.inChannels()) {
            throw new IllegalArgumentException("ImageEncoder: expected images [N, " + spec.inChannels() + ", H, W], got shape " + Shape.str(x.shape()));
        }
        Tensor h = x;
        for (int i = 0; i <= last; i++) h = ((UnaryModule) getSubmodule(stages.get(i))).forward(h);
        return h;
    }

    /**
     * The body stages ({@code layer1}... or {@code block1}...), whose outputs {@link #multiScaleFeatures} pools:
     * every stage except the stem's layers and the final pooling.
     *
     * @return their names, in order
     */
    public List<String> bodyStages() {
        return stages.stream().filter(s -> s.startsWith("layer") || s.startsWith("block")).toList();
    }

    /**
     * images [N, C, H, W] -> [N, sum of the body stages' channels]: each body stage's output averaged over its
     * positions, concatenated (the last part is {@link #forward}'s features). A richer readout of the same
     * frozen network for a linear probe (hypercolumn-style), which also shows how good each depth is.
     *
     * @param x images of shape [N, inChannels, H, W]
     * @return the concatenated pooled features, of shape [N, sum of the body stages' channels]
     * @throws IllegalArgumentException if the images' shape does not fit
     */
    public Tensor multiScaleFeatures(Tensor x) {
        if (x.dim() != 4 || x.size(1) != spec.inChannels()) {
            throw new IllegalArgumentException("ImageEncoder: expected images [N, " + spec.inChannels() + ", H, W], got shape " + Shape.str(x.shape()));
        }
        List<String> body = bodyStages();
        List<Tensor> parts = new ArrayList<>();
        Tensor h = x;
        for (String name : stages) {
            if (name.equals(stages.getLast())) break;
            h = ((UnaryModule) getSubmodule(name)).forward(h);
            if (body.contains(name)) parts.add(h.mean(new int[] {2, 3}, false));
        }
        return Tensor.cat(parts, 1);
    }

    /**
     * Where the units of a stage's output look in the input image.
     *
     * @param stage one of {@link #stageNames()}
     * @return the receptive field of that stage's units: size, stride (jump) and offset in input pixels
     * @throws IllegalArgumentException if there is no such stage
     */
    public ReceptiveField receptiveField(String stage) {
        int last = stageIndex(stage);
        ReceptiveField rf = ReceptiveField.PIXEL;
        for (int i = 0; i <= last; i++) rf = rf.through(getSubmodule(stages.get(i)));
        return rf;
    }

    private int stageIndex(String stage) {
        int i = stages.indexOf(stage);
        if (i < 0) throw new IllegalArgumentException("ImageEncoder: no stage '" + stage + "'; the stages are " + stages);
        return i;
    }

    @Override
    protected String extraRepr() {
        return spec.describe();
    }
}
