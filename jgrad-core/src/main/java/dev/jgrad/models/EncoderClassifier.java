package dev.jgrad.models;

import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.UnaryModule;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * An {@link ImageEncoder} with a linear classifier on its features (state: {@code encoder.*}, {@code fc.*}):
 * the supervised counterpart of {@link SimCLR}, trained end to end from labels, and the baseline a
 * self-supervised encoder is compared with.
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public final class EncoderClassifier extends Module implements UnaryModule {
    private final ImageEncoder encoder;
    private final Linear fc;

    /**
     * A classifier on {@code encoder}'s features.
     *
     * @param encoder    the feature extractor, trained with the head (registered as the child {@code encoder})
     * @param numClasses classes to score, at least 2
     * @param gen        the random generator of the head's initial weights
     * @throws IllegalArgumentException if there are fewer than 2 classes
     */
    public EncoderClassifier(ImageEncoder encoder, int numClasses, Generator gen) {
        if (numClasses < 2) throw new IllegalArgumentException("EncoderClassifier: need at least 2 classes, got " + numClasses);
        this.encoder = registerModule("encoder", encoder);
        this.fc = registerModule("fc", new Linear(encoder.numFeatures(), numClasses, true, gen));
    }

    /**
     * The feature extractor.
     *
     * @return the encoder, trained with the head
     */
    public ImageEncoder encoder() {
        return encoder;
    }

    /**
     * The linear classifier on the features.
     *
     * @return the head, of shape [numFeatures] to [numClasses]
     */
    public Linear fc() {
        return fc;
    }

    /**
     * images [N, C, H, W] -> logits [N, classes].
     *
     * @param x images of shape [N, C, H, W], normalised as in training
     * @return class logits of shape [N, numClasses]
     */
    @Override
    public Tensor forward(Tensor x) {
        return fc.forward(encoder.forward(x));
    }
}
