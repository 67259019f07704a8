package dev.jgrad.autograd;

import dev.jgrad.tensor.BufferPool;
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
        /**
         * Computes the gradients of the inputs.
         *
         * @param gradOutput dL/d(output), of the shape of the op's output; its storage may be reused once the rule
         *                   returns (the engine pools gradients, see {@link BufferPool}), so clone it to keep it
         * @param saved      the tensors the op saved during the forward pass, in the order it gave them
         * @return one gradient per input, each of that input's shape, or null for an input that needs none
         */
        Tensor[] apply(Tensor gradOutput, Tensor[] saved);
    }

    private final String op;
    private Tensor[] inputs;
    private Tensor[] saved;
    private Backward backward;
    private boolean released;
    /** A non-leaf output whose gradient the user asked to keep (Tensor.retainGrad). */
    Tensor retainedOutput;

    /**
     * Records one operation; ops create it when grad mode is on and an input requires grad.
     *
     * @param op       the op's name, e.g. {@code "matmul"}; shown as {@code matmulBackward} and in errors
     * @param inputs   the op's tensor inputs, in the order the backward rule returns their gradients
     *                 (entries may be null for non-tensor arguments)
     * @param saved    tensors the backward rule needs (inputs, outputs or intermediate buffers); released
     *                 after the backward pass unless the graph is retained
     * @param backward the gradient rule
     */
    public Node(String op, Tensor[] inputs, Tensor[] saved, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.saved = saved;
        this.backward = backward;
        // Pooled storage (BufferPool) stays out of the pool while a node may still read it.
        if (inputs != null) for (Tensor t : inputs) BufferPool.retain(t);
        if (saved != null) for (Tensor t : saved) BufferPool.retain(t);
    }

    /**
     * The name of the recorded operation.
     *
     * @return the op name given at construction, e.g. {@code "matmul"}
     */
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
        if (released) return;
        if (inputs != null) for (Tensor t : inputs) BufferPool.release(t);
        if (saved != null) for (Tensor t : saved) BufferPool.release(t);
        released = true;
        inputs = null;
        saved = null;
        backward = null; // it may hold buffers of its own (dropout's mask)
    }

    /**
     * Whether a backward pass has already freed this node's saved tensors, so that it cannot be
     * backpropagated through again.
     *
     * @return true after a backward without {@code retainGraph}
     */
    public boolean isReleased() {
        return released;
    }

    /**
     * Marks the output tensor whose .grad should be filled in during backward (what Tensor.retainGrad uses,
     * as torch.Tensor.retain_grad): non-leaf tensors otherwise get no {@code grad}.
     *
     * @param output the tensor this node produced
     */
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
