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

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    public int startDim() {
        return startDim;
    }

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
