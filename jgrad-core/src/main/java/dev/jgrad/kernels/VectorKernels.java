package dev.jgrad.kernels;

/**
 * The kernels on the Vector API (jdk.incubator.vector), in the machine's preferred vector width: the set used
 * whenever the module is present. Loading this class links the Vector API, so {@link KernelsProvider} loads it
 * reflectively, only once it knows the module is there.
 *
 * @param gemm        matrix products
 * @param elementwise element-wise arithmetic and reductions
 * @param conv        convolution transforms
 * @param norm        normalisation passes
 */
public record VectorKernels(VectorGemmKernels gemm, VectorElementwiseKernels elementwise, VectorConvKernels conv,
                            VectorNormKernels norm) implements Kernels {

    /** The Vector API set. */
    public VectorKernels() {
        this(new VectorGemmKernels(), new VectorElementwiseKernels(), new VectorConvKernels(), new VectorNormKernels());
    }
}
