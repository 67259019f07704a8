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

    /**
     * SimCLR on {@code encoder}, with a projection head as {@link #projectionHead} builds it.
     *
     * @param encoder   the network f to train (registered as the child {@code encoder})
     * @param hidden    the projection head's hidden width
     * @param out       the projections' width (128 in the paper)
     * @param batchNorm whether the head has a BatchNorm1d after its first Linear
     * @param gen       the random generator of the head's initial weights
     * @throws IllegalArgumentException if a size is not positive
     */
    public SimCLR(ImageEncoder encoder, int hidden, int out, boolean batchNorm, Generator gen) {
        this.encoder = registerModule("encoder", encoder);
        this.projector = registerModule("projector", projectionHead(encoder.numFeatures(), hidden, out, batchNorm, gen));
    }

    /**
     * Linear(in, hidden) [- BatchNorm1d(hidden)] - ReLU - Linear(hidden, out); with batch norm the first Linear has no
     * bias, as it would be cancelled.
     *
     * @param in        the representations' width F
     * @param hidden    the hidden width
     * @param out       the projections' width
     * @param batchNorm whether to put a BatchNorm1d after the first Linear
     * @param gen       the random generator of the initial weights
     * @return the head, children named 0, 1, ... in order
     * @throws IllegalArgumentException if a size is not positive
     */
    public static Sequential projectionHead(int in, int hidden, int out, boolean batchNorm, Generator gen) {
        if (in < 1 || hidden < 1 || out < 1) {
            throw new IllegalArgumentException("SimCLR: projection head sizes must be positive, got " + in + " -> " + hidden + " -> " + out);
        }
        Sequential head = new Sequential(new Linear(in, hidden, !batchNorm, gen));
        if (batchNorm) head.add(new BatchNorm1d(hidden));
        return head.add(new ReLU()).add(new Linear(hidden, out, true, gen));
    }

    /**
     * The encoder f, whose features h are the representation kept after training.
     *
     * @return the encoder
     */
    public ImageEncoder encoder() {
        return encoder;
    }

    /**
     * The projection head g, thrown away after training.
     *
     * @return the head
     */
    public Sequential projector() {
        return projector;
    }

    /** images [N, C, H, W] -> projections z [N, out]. */
    @Override
    public Tensor forward(Tensor x) {
        return projector.forward(encoder.forward(x));
    }
}
