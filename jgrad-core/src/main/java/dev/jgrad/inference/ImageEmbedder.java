package dev.jgrad.inference;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.io.CheckpointException;
import dev.jgrad.io.LoadOptions;
import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.ImageClassifierCheckpoint;
import dev.jgrad.models.ImageEncoder;
import dev.jgrad.models.ResNet;
import dev.jgrad.nn.Module;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.Image;
import dev.jgrad.vision.Normalize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Image representations, images in and feature vectors out: the pooled features of a {@code jgrad simclr} or
 * {@code jgrad supervised} encoder ({@link ImageEncoder}, SimCLR's h), or of a {@code jgrad train images} /
 * {@code jgrad finetune} classifier below its head ({@link ResNet#features}).
 * <pre>{@code
 * ImageEmbedder e = ImageEmbedder.load(Path.of("runs/simclr"));
 * float[] h = e.embed(image);          // a vision.Image [channels, height, width], pixels in [0, 1]; h.length == e.dimension()
 * }</pre>
 *
 * <p><b>Input.</b> Images as the training data had them (pixels in [0, 1]), of the size the model was trained on
 * (the networks pool globally, so another size runs, but gives other features than training saw): the checkpoint's
 * normalisation is applied here, and a grey image given to a colour model is repeated over its three channels.
 *
 * <p><b>Checkpoint.</b> {@link #load} takes a run directory or its model file. An encoder's is recognised by its
 * metadata entries {@code encoder.arch}, {@code encoder.in_channels}, {@code encoder.width}, {@code encoder.layers}
 * (its weights are the {@code encoder.*} tensors; a projection head beside them is left out) and
 * {@code normalize.mean} / {@code normalize.std} (absent: the input is taken as given); anything else is read as
 * {@link ImageClassifier} reads it (a {@code jgrad.ResNet} file, or a bare ResNet state_dict).
 *
 * <p><b>Threads.</b> As {@link ImageClassifier}: one instance may serve several threads at once, each call giving what
 * it gives alone, bit for bit (eval mode, own input tensors, per-thread scratch buffers and gradient mode).
 */
public final class ImageEmbedder {

    /** Images per forward pass when none is given. */
    public static final int DEFAULT_BATCH = 64;

    private final Module network;
    private final UnaryOperator<Tensor> features;
    private final ImageEncoder encoder;
    private final Normalize normalize;
    private final int inChannels, dimension;
    private final Map<String, String> metadata;

    private ImageEmbedder(Module network, UnaryOperator<Tensor> features, ImageEncoder encoder, Normalize normalize, int inChannels, int dimension,
                          Map<String, String> metadata) {
        this.network = network;
        this.features = features;
        this.encoder = encoder;
        this.normalize = normalize;
        this.inChannels = inChannels;
        this.dimension = dimension;
        this.metadata = Map.copyOf(metadata);
        network.eval();
    }

    /**
     * The embedder of a {@code simclr}, {@code supervised}, {@code train images} or {@code finetune} checkpoint, in
     * eval mode.
     *
     * @param checkpoint a run directory or its model {@code .safetensors} file
     * @return the embedder, with the checkpoint's input normalisation
     * @throws java.nio.file.NoSuchFileException if there is nothing at {@code checkpoint}
     * @throws CheckpointException if it holds another kind of model, or its metadata and weights do not fit together
     * @throws IOException         if reading it fails
     */
    public static ImageEmbedder load(Path checkpoint) throws IOException {
        return load(checkpoint, LoadOptions.defaults());
    }

    /**
     * As {@link #load(Path)}, with {@code options} deciding what NaN or infinite weights do (by default: a warning).
     *
     * @param checkpoint a run directory or its model {@code .safetensors} file
     * @param options    what NaN or infinite weights do
     * @return the embedder, in eval mode
     * @throws java.nio.file.NoSuchFileException if there is nothing at {@code checkpoint}
     * @throws CheckpointException if it holds another kind of model, its metadata and weights do not fit together,
     *                             or it is refused for non-finite weights
     * @throws IOException         if reading it fails
     */
    public static ImageEmbedder load(Path checkpoint, LoadOptions options) throws IOException {
        CheckpointKind.IMAGE_ENCODER.requireExists(checkpoint);
        SafeTensors.File file = TrainingCheckpoint.loadModel(checkpoint, options);
        Map<String, String> meta = file.metadata();
        CheckpointKind kind = CheckpointKind.of(meta);
        if (kind == CheckpointKind.IMAGE_ENCODER) return encoder(checkpoint, file);
        if (kind != CheckpointKind.IMAGE_CLASSIFIER && kind != CheckpointKind.UNKNOWN) CheckpointKind.IMAGE_ENCODER.require(meta, checkpoint, false);
        Path modelFile = Files.isDirectory(checkpoint) ? checkpoint.resolve(TrainingCheckpoint.MODEL_FILE) : checkpoint;
        ImageClassifierCheckpoint classifier;
        try {
            classifier = ImageClassifierCheckpoint.load(modelFile, options);
        } catch (CheckpointException e) {
            if (kind != CheckpointKind.UNKNOWN) throw e;
            throw new CheckpointException(checkpoint, null, "expected " + CheckpointKind.IMAGE_ENCODER.describe() + " or " + CheckpointKind.IMAGE_CLASSIFIER.describe()
                    + ", but its metadata names neither and its tensors are not a ResNet's", e);
        }
        ResNet resnet = classifier.model();
        return new ImageEmbedder(resnet, resnet::features, null, classifier.normalize(), resnet.config().inChannels(), resnet.config().numFeatures(), meta);
    }

    private static ImageEmbedder encoder(Path checkpoint, SafeTensors.File file) throws CheckpointException {
        Map<String, String> meta = file.metadata();
        try {
            ImageEncoder.Spec spec = ImageEncoder.Spec.fromMetadata(meta);
            ImageEncoder encoder = new ImageEncoder(spec, new Generator(0));
            Map<String, Tensor> state = new LinkedHashMap<>();
            file.tensors().forEach((k, v) -> {
                if (k.startsWith("encoder.")) state.put(k.substring("encoder.".length()), v);
            });
            try {
                encoder.loadStateDict(state);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the encoder weights do not fit " + spec.describe() + ": " + e.getMessage(), e);
            }
            return of(encoder, Normalize.fromMetadata(meta), meta);
        } catch (IllegalArgumentException e) {
            throw CheckpointKind.invalid(checkpoint, e);
        }
    }

    /**
     * An encoder in memory (freshly trained, or untrained as a baseline), put in eval mode.
     *
     * @param encoder   the network
     * @param normalize the input normalisation, or null to take the input as given
     * @param metadata  facts to keep with it ({@link #metadata()}), e.g. a checkpoint's
     * @return the embedder
     */
    public static ImageEmbedder of(ImageEncoder encoder, Normalize normalize, Map<String, String> metadata) {
        return new ImageEmbedder(encoder, encoder::forward, encoder, normalize, encoder.spec().inChannels(), encoder.numFeatures(), metadata);
    }

    /**
     * The representation of one image.
     *
     * @param image pixels in [0, 1], of the channels the model was trained on (grey is repeated for a colour model)
     * @return {@link #dimension()} values
     */
    public float[] embed(Image image) {
        return embed(List.of(image)).getFirst();
    }

    /**
     * The representation of each image (all of one size), in order, {@value #DEFAULT_BATCH} per forward pass.
     *
     * @param images pixels in [0, 1], all of one size
     * @return one array of {@link #dimension()} values per image, in order; empty for no images
     * @throws IllegalArgumentException naming the first image whose size differs from the first one's
     */
    public List<float[]> embed(List<Image> images) {
        if (images.isEmpty()) return List.of();
        float[] all = embed(ImageInput.stack(images, "ImageEmbedder"), DEFAULT_BATCH).toArray();
        List<float[]> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) out.add(java.util.Arrays.copyOfRange(all, i * dimension, (i + 1) * dimension));
        return out;
    }

    /**
     * The representations of {@code images} [N, C, H, W] (or one image [C, H, W]), up to {@code batchSize} per
     * forward pass (which changes the speed, and the values only by rounding).
     *
     * @param images    pixels in [0, 1], of shape [N, C, H, W] or [C, H, W]
     * @param batchSize images per forward pass, at least 1
     * @return the features [N, {@link #dimension()}], row i for image i
     * @throws IllegalArgumentException if the batch size is not positive, or the shape or channels do not fit the model
     */
    public Tensor embed(Tensor images, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("ImageEmbedder: the batch size must be positive, got " + batchSize);
        Tensor x = ImageInput.prepare(images.dim() == 3 ? images.unsqueeze(0) : images, inChannels, normalize, "ImageEmbedder");
        List<Tensor> parts = new ArrayList<>();
        try (var ignored = GradMode.noGrad()) {
            for (int start = 0; start < x.size(0); start += batchSize) {
                parts.add(features.apply(x.narrow(0, start, Math.min(batchSize, x.size(0) - start)).contiguous()).contiguous());
            }
        }
        return parts.size() == 1 ? parts.getFirst() : Tensor.cat(parts, 0);
    }

    /**
     * The number of values per representation.
     *
     * @return the encoder's features, or the classifier's features below its head
     */
    public int dimension() {
        return dimension;
    }

    /**
     * The channels the network takes (grey images are repeated for a colour network).
     *
     * @return 1 or 3, as trained
     */
    public int inChannels() {
        return inChannels;
    }

    /**
     * The normalisation applied to the input, or null when the checkpoint has none.
     *
     * @return the per-channel mean and standard deviation, or null
     */
    public Normalize normalize() {
        return normalize;
    }

    /**
     * The encoder of a {@code simclr} or {@code supervised} checkpoint, for what needs more than its pooled features
     * (a stage's feature maps, the first layer's filters).
     *
     * @return the encoder, in eval mode; null when the checkpoint is an image classifier (a {@link ResNet})
     */
    public ImageEncoder encoder() {
        return encoder;
    }

    /**
     * The checkpoint's metadata, e.g. {@code model} (simclr, supervised).
     *
     * @return the entries as read; empty for an embedder built in memory without any
     */
    public Map<String, String> metadata() {
        return metadata;
    }
}
