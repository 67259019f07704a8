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

    public EncoderClassifier(ImageEncoder encoder, int numClasses, Generator gen) {
        if (numClasses < 2) throw new IllegalArgumentException("EncoderClassifier: need at least 2 classes, got " + numClasses);
        this.encoder = registerModule("encoder", encoder);
        this.fc = registerModule("fc", new Linear(encoder.numFeatures(), numClasses, true, gen));
    }

    public ImageEncoder encoder() {
        return encoder;
    }

    public Linear fc() {
        return fc;
    }

    /** images [N, C, H, W] -> logits [N, classes]. */
    @Override
    public Tensor forward(Tensor x) {
        return fc.forward(encoder.forward(x));
    }
}
