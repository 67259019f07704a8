package dev.jgrad.nn;

import dev.jgrad.ops.Dense;
import dev.jgrad.tensor.Tensor;

/**
 * A tensor that a {@link Module} owns and an optimiser updates (torch.nn.Parameter): a leaf that requires
 * grad by default.
 *
 * <p>Like {@code nn.Parameter(t)} it shares the values of the tensor it is built from when that tensor is
 * already a dense, zero-offset array; otherwise (a transposed or narrowed view) it takes a contiguous copy.
 * Either way a parameter's elements are exactly {@code storage()[0 .. numel())} in row-major order, which
 * optimisers, gradient checks and serialisation rely on.
 */
public class Parameter extends Tensor {

    /**
     * A parameter that requires grad.
     *
     * @param data the initial values (shared when dense, else copied)
     * @throws IllegalArgumentException when data is null
     */
    public Parameter(Tensor data) {
        this(data, true);
    }

    /**
     * A parameter that requires grad or not (a frozen one).
     *
     * @param data the initial values (shared when dense, else copied)
     * @param requiresGrad whether the parameter is trained (false: a frozen parameter)
     * @throws IllegalArgumentException when data is null
     */
    @SuppressWarnings("this-escape") // requiresGrad only sets a flag
    public Parameter(Tensor data, boolean requiresGrad) {
        super(dense(data));
        requiresGrad(requiresGrad);
    }

    private static Tensor dense(Tensor t) {
        if (t == null) throw new IllegalArgumentException("Parameter: data must not be null");
        float[] values = Dense.values(t);
        return values == t.storage() ? t : Tensor.of(values, t.shape());
    }

    @Override
    public String toString() {
        return "Parameter containing:\n" + super.toString();
    }
}
