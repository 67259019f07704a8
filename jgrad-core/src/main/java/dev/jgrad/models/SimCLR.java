package dev.jgrad.models;

import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.nn.UnaryModule;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * SimCLR (Chen et al., 2020): an {@link ImageEncoder} f giving representations h = f(x) and a projection
 * head g giving z = g(h), on which the NT-Xent loss ({@link dev.jgrad.nn.NTXentLoss}) pulls two augmented
 * views of an image together and pushes the other images of the batch away. After training, g is thrown
 * away and h is the representation (the paper found h better than z for downstream tasks).
 *
 * <p>State names: {@code encoder.*} and {@code projector.0.weight}, ... for the head Linear(F, hidden) -
 * BatchNorm1d(hidden) - ReLU - Linear(hidden, out) (the BatchNorm can be left out).
 */
// Constructors register modules, as PyTorch modules do in __init__; Module's maps exist by then.
@SuppressWarnings("this-escape")
public final class SimCLR extends Module implements UnaryModule {
    private final ImageEncoder encoder;
    private final Sequential projector;

    public SimCLR(ImageEncoder encoder, int hidden, int out, boolean batchNorm, Generator gen) {
        this.encoder = registerModule("encoder", encoder);
        this.projector = registerModule("projector", projectionHead(encoder.numFeatures(), hidden, out, batchNorm, gen));
    }

    /** Linear(in, hidden) [- BatchNorm1d(hidden)] - ReLU - Linear(hidden, out); with batch norm the first Linear has no bias, as it would be cancelled. */
    public static Sequential projectionHead(int in, int hidden, int out, boolean batchNorm, Generator gen) {
        if (in < 1 || hidden < 1 || out < 1) {
            throw new IllegalArgumentException("SimCLR: projection head sizes must be positive, got " + in + " -> " + hidden + " -> " + out);
        }
        Sequential head = new Sequential(new Linear(in, hidden, !batchNorm, gen));
        if (batchNorm) head.add(new BatchNorm1d(hidden));
        return head.add(new ReLU()).add(new Linear(hidden, out, true, gen));
    }

    public ImageEncoder encoder() {
        return encoder;
    }

    public Sequential projector() {
        return projector;
    }

    /** images [N, C, H, W] -> projections z [N, out]. */
    @Override
    public Tensor forward(Tensor x) {
        return projector.forward(encoder.forward(x));
    }
}
