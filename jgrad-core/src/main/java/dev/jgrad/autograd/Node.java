package dev.jgrad.autograd;

import dev.jgrad.tensor.Tensor;

/**
 * One recorded operation of the graph (PyTorch's grad_fn). It knows its inputs, the tensors it saved
 * for the backward pass, and how to turn the gradient of its output into gradients of its inputs.
 * After a backward pass the saved tensors are released, so memory does not grow from step to step.
 */
public final class Node {

    /** Gradient rule: given dL/d(output) and the saved tensors, returns dL/d(input_i) for each input (null where not needed). */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput, Tensor[] saved);
    }

    private final String op;
    private Tensor[] inputs;
    private Tensor[] saved;
    private Backward backward;
    private boolean released;
    /** A non-leaf output whose gradient the user asked to keep (Tensor.retainGrad). */
    Tensor retainedOutput;

    public Node(String op, Tensor[] inputs, Tensor[] saved, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.saved = saved;
        this.backward = backward;
    }

    public String op() {
        return op;
    }

    Tensor[] inputs() {
        if (released) throw releasedError();
        return inputs;
    }

    Tensor[] apply(Tensor gradOutput) {
        if (released) throw releasedError();
        return backward.apply(gradOutput, saved);
    }

    void release() {
        released = true;
        inputs = null;
        saved = null;
        backward = null; // it may hold buffers of its own (dropout's mask)
    }

    public boolean isReleased() {
        return released;
    }

    /** Marks the output tensor whose .grad should be filled in during backward. */
    public void retainGradOf(Tensor output) {
        retainedOutput = output;
    }

    private IllegalStateException releasedError() {
        return new IllegalStateException("Trying to backward through the graph a second time (through '" + op
                + "'): its saved tensors were released after the first backward. Pass retainGraph=true to the first "
                + "backward if you need to backward twice, or recompute the forward pass.");
    }

    @Override
    public String toString() {
        return op + "Backward";
    }
}
