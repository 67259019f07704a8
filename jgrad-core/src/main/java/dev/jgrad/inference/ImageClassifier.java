package dev.jgrad.inference;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.io.LoadOptions;
import dev.jgrad.models.ImageClassifierCheckpoint;
import dev.jgrad.models.ResNet;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.Image;
import dev.jgrad.vision.Normalize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An image classifier with its class names and input normalisation, images in and classes out: the {@link ResNet}
 * that {@code jgrad train images} and {@code jgrad finetune} train.
 * <pre>{@code
 * ImageClassifier c = ImageClassifier.load(Path.of("runs/images/model.safetensors"));
 * Prediction p = c.predict(image);   // a vision.Image [channels, height, width], pixels in [0, 1]
 * }</pre>
 *
 * <p><b>Input.</b> Images as the training data had them (the commands read pixels as values in [0, 1]), of the size
 * the model was trained on: the checkpoint's normalisation is applied here, and a grey image given to a colour model
 * is repeated over its three channels, as training did. A checkpoint without normalisation (a bare torchvision
 * state_dict) takes its input as given: apply, say, {@link Normalize#IMAGENET} first.
 *
 * <p><b>Checkpoint.</b> {@link #load} takes the {@code .safetensors} file ({@link ImageClassifierCheckpoint}): the
 * architecture comes from the tensors' names and shapes (torchvision's), and these metadata entries are read:
 * <table>
 * <caption>Metadata read by ImageClassifier.load</caption>
 * <tr><th>key</th><th>holds</th></tr>
 * <tr><td>{@code format}, {@code format_version}</td><td>{@code jgrad.ResNet}, {@code 1} (absent: a bare state_dict)</td></tr>
 * <tr><td>{@code classes}</td><td>the class names, one per line (absent: "0", "1", ...)</td></tr>
 * <tr><td>{@code normalize.mean}, {@code normalize.std}</td><td>per-channel constants, comma-separated (absent: none)</td></tr>
 * <tr><td>{@code info.*}</td><td>training facts (test accuracy, data, ...), in {@link #info()}; optional</td></tr>
 * </table>
 * ({@code architecture} is written for people to read; the tensors decide.)
 *
 * <p><b>Threads.</b> One instance may serve several threads at once, each call giving what it gives alone, bit for
 * bit: the model stays in eval mode (batch norm uses its running statistics and writes nothing), every call makes its
 * own input tensors, the convolutions' scratch buffers are per thread, and gradient recording is off per thread.
 * The kernels' worker pool serves one call at a time; the others run on their own thread meanwhile, which changes
 * the speed but never the arithmetic. Do not call {@code train()} on {@link #model()} while others predict with it.
 */
public final class ImageClassifier {

    /** Images per forward pass when none is given. */
    public static final int DEFAULT_BATCH = 64;

    private final ImageClassifierCheckpoint checkpoint;

    private ImageClassifier(ImageClassifierCheckpoint checkpoint) {
        this.checkpoint = checkpoint;
        checkpoint.model().eval();
    }

    /**
     * The classifier in a {@code jgrad train images} or {@code jgrad finetune} checkpoint file, or in a bare ResNet
     * state_dict (see the class comment), in eval mode.
     *
     * @param checkpoint the model's {@code .safetensors} file
     * @return the classifier with its class names and normalisation
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws dev.jgrad.io.CheckpointException if it holds another kind of model or its tensors are not a ResNet's
     * @throws IOException                      if reading the file fails
     */
    public static ImageClassifier load(Path checkpoint) throws IOException {
        return load(checkpoint, LoadOptions.defaults());
    }

    /**
     * As {@link #load(Path)}, with {@code options} deciding what NaN or infinite weights do (by default: a warning).
     *
     * @param checkpoint a model file of {@code train images} or {@code finetune}, or a bare ResNet state_dict
     * @param options    what NaN or infinite weights do
     * @return the classifier, in eval mode
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws dev.jgrad.io.CheckpointException if it holds another kind of model, its tensors are not a ResNet's, or
     *                                          it is refused for non-finite weights
     */
    public static ImageClassifier load(Path checkpoint, LoadOptions options) throws IOException {
        // A bare state_dict has no metadata to go by: the tensors decide whether it is a ResNet.
        CheckpointKind.IMAGE_CLASSIFIER.requireFile(checkpoint, true);
        return new ImageClassifier(ImageClassifierCheckpoint.load(checkpoint, options));
    }

    /**
     * A checkpoint in memory (freshly trained, say); its model is put in eval mode.
     *
     * @param checkpoint the ResNet with its class names and normalisation
     * @return the classifier
     */
    public static ImageClassifier of(ImageClassifierCheckpoint checkpoint) {
        return new ImageClassifier(checkpoint);
    }

    /**
     * The class of one image.
     *
     * @param image pixels in [0, 1], of the size and channels the model was trained on (grey is repeated for a colour model)
     * @return the predicted class and every class's probability
     */
    public Prediction predict(Image image) {
        return predict(List.of(image)).getFirst();
    }

    /**
     * The class of each image (all of one size), in order, {@value #DEFAULT_BATCH} per forward pass.
     *
     * @param images pixels in [0, 1], all of one size
     * @return one prediction per image, in order; empty for no images
     * @throws IllegalArgumentException naming the first image whose size differs from the first one's
     */
    public List<Prediction> predict(List<Image> images) {
        if (images.isEmpty()) return List.of();
        return predict(ImageInput.stack(images, "ImageClassifier"), DEFAULT_BATCH);
    }

    /**
     * The class of each image of {@code images} [N, C, H, W] (or one image [C, H, W]), {@value #DEFAULT_BATCH} per forward pass.
     *
     * @param images pixels in [0, 1], of shape [N, C, H, W] or [C, H, W]
     * @return one prediction per image, in order
     * @throws IllegalArgumentException if the shape or the number of channels does not fit the model
     */
    public List<Prediction> predict(Tensor images) {
        return predict(images, DEFAULT_BATCH);
    }

    /**
     * The class of each image of {@code images} [N, C, H, W] (or one image [C, H, W]), in order, up to
     * {@code batchSize} per forward pass (which changes the speed, and the probabilities only by rounding).
     *
     * @param images    pixels in [0, 1], of shape [N, C, H, W] or [C, H, W]
     * @param batchSize images per forward pass, at least 1
     * @return one prediction per image, in order
     * @throws IllegalArgumentException if the batch size is not positive, or the shape or channels do not fit the model
     */
    public List<Prediction> predict(Tensor images, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("ImageClassifier: the batch size must be positive, got " + batchSize);
        Tensor x = ImageInput.prepare(images.dim() == 3 ? images.unsqueeze(0) : images, checkpoint.model().config().inChannels(), checkpoint.normalize(),
                "ImageClassifier");
        List<Prediction> out = new ArrayList<>(x.size(0));
        try (var ignored = GradMode.noGrad()) {
            for (int start = 0; start < x.size(0); start += batchSize) {
                int n = Math.min(batchSize, x.size(0) - start);
                out.addAll(Prediction.fromScores(checkpoint.model().forward(x.narrow(0, start, n)), checkpoint.classes()));
            }
        }
        return out;
    }

    /**
     * The class names, in the order of the model's outputs.
     *
     * @return one name per class; "0", "1", ... when the checkpoint has none
     */
    public List<String> classes() {
        return checkpoint.classes();
    }

    /**
     * The normalisation applied to the input, or null when the checkpoint has none.
     *
     * @return the per-channel mean and standard deviation, or null
     */
    public Normalize normalize() {
        return checkpoint.normalize();
    }

    /**
     * The network, in eval mode.
     *
     * @return the ResNet, shared by every call: do not switch it to training mode while it serves
     */
    public ResNet model() {
        return checkpoint.model();
    }

    /**
     * The training facts stored in the checkpoint (the metadata's "info." entries without the prefix).
     *
     * @return the facts by key, empty when there are none
     */
    public Map<String, String> info() {
        return checkpoint.info();
    }
}
