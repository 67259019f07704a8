package dev.jgrad.kernels;

/**
 * The hot loops that everything else is built on, in four narrow interfaces (after Apache Lucene's vectorization
 * package): {@link GemmKernels} (matrix products), {@link ElementwiseKernels} (element-wise arithmetic,
 * activations, dropout and reductions), {@link ConvKernels} (im2col copies and Winograd transforms) and
 * {@link NormKernels} (normalisation passes). Each has a plain-Java implementation and a Vector API one; a
 * {@code Kernels} is one consistent set of the four, {@link ScalarKernels} or {@link VectorKernels}, and
 * {@link #get} the set chosen once at start-up (see {@link KernelsProvider}). Tests hold both sets to the same
 * answers.
 *
 * <p>All arrays are row-major float32 with explicit offsets, so tensor views can be passed without copying.
 * Callers validate shapes; kernels trust their arguments. Callers keep the interface they use in a static final
 * field ({@code Kernels.get().gemm()}), so that the JIT sees one implementation and inlines it.
 */
public interface Kernels {

    /**
     * Matrix products.
     *
     * @return this set's GEMM kernels
     */
    GemmKernels gemm();

    /**
     * Element-wise arithmetic, activations, dropout and reductions over runs of floats.
     *
     * @return this set's element-wise kernels
     */
    ElementwiseKernels elementwise();

    /**
     * Convolution transforms: im2col / col2im copies and the Winograd F(2x2, 3x3) transforms.
     *
     * @return this set's convolution kernels
     */
    ConvKernels conv();

    /**
     * Normalisation passes: variances and batch norm over a channel's runs.
     *
     * @return this set's normalisation kernels
     */
    NormKernels norm();

    /**
     * The set chosen at start-up (see {@link KernelsProvider}).
     *
     * @return the kernels every operation uses
     * @throws IllegalStateException if {@code -Djgrad.kernels} names no implementation, or names one this JVM cannot run
     */
    static Kernels get() {
        return KernelsProvider.instance();
    }
}
