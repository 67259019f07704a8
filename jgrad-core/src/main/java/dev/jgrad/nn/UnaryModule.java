package dev.jgrad.nn;

import dev.jgrad.tensor.Tensor;

/**
 * A module with one tensor in and one tensor out, the form that {@link Sequential} chains. Implemented
 * by modules (classes extending {@link Module}); Sequential rejects anything else.
 */
public interface UnaryModule {
    /**
     * Applies the module.
     *
     * @param x the input
     * @return the output
     */
    Tensor forward(Tensor x);
}
