package dev.jgrad.kernels;

/**
 * The plain-Java kernels: the reference the tests hold {@link VectorKernels} to, and the fallback when the Vector
 * API module is absent (or with {@code -Djgrad.kernels=scalar}).
 *
 * @param gemm        matrix products
 * @param elementwise element-wise arithmetic and reductions
 * @param conv        convolution transforms
 * @param norm        normalisation passes
 */
public record ScalarKernels(ScalarGemmKernels gemm, ScalarElementwiseKernels elementwise, ScalarConvKernels conv,
                            ScalarNormKernels norm) implements Kernels {

    /** The scalar set. */
    public ScalarKernels() {
        this(new ScalarGemmKernels(), new ScalarElementwiseKernels(), new ScalarConvKernels(), new ScalarNormKernels());
    }
}
