package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/**
 * Flattens dims [startDim, endDim] into one (torch.nn.Flatten); by default everything but the batch
 * dimension, so [N, C, 1, 1] becomes [N, C] between a global pooling and a Linear head. A view when the
 * input is contiguous; negative dims count from the end.
 */
public class Flatten extends Module implements UnaryModule {
    private final int startDim, endDim;

    /** startDim 1, endDim -1. */
    public Flatten() {
        this(1, -1);
    }

    /**
     * As {@code nn.Flatten(start_dim, end_dim)}.
     *
     * @param startDim the first dim to flatten, negative counting from the end
     * @param endDim the last dim to flatten (inclusive), negative counting from the end
     */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    /**
     * The first flattened dim.
     *
     * @return start_dim, as given
     */
    public int startDim() {
        return startDim;
    }

    /**
     * The last flattened dim.
     *
     * @return end_dim, as given
     */
    public int endDim() {
        return endDim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(startDim, endDim);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
