package dev.jgrad.kernels;

/**
 * Matrix products (BLAS's SGEMM and the packed forms that convolutions use): C = alpha * op(A) * op(B) + beta * C.
 *
 * <p>All arrays are row-major float32 with explicit offsets, so tensor views can be passed without copying.
 * Callers validate shapes; kernels trust their arguments. {@link ScalarGemmKernels} is the reference,
 * {@link VectorGemmKernels} the fast form; {@link Kernels#get} gives the one chosen at start-up.
 */
public interface GemmKernels {

    /**
     * C = alpha * op(A) * op(B) + beta * C, all row-major. op(A) is m x k, op(B) is k x n.
     * Without transposition, element (i, p) of A is a[aOff + i * lda + p]; with transA it is
     * a[aOff + p * lda + i] (A is stored k x m). Same for B. When beta == 0, C is not read
     * (so NaNs in an uninitialised C do not propagate), as in BLAS.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * How many floats {@link #packA} writes for an m x k matrix. The packed layout belongs to the
     * implementation: pack and multiply with the same {@code Kernels} instance.
     */
    int packedASize(int m, int k);

    /**
     * Packs alpha * op(A) (m x k; op as in {@link #sgemm}) into packed[pOff, pOff + packedASize(m, k)),
     * for {@link #sgemmPackedRows}. A product that reuses A for many column blocks (the weights of a
     * convolution, image after image) then packs it once.
     */
    void packA(boolean transA, int m, int k, float alpha, float[] a, int aOff, int lda, float[] packed, int pOff);

    /**
     * C = A * B + beta * C, with A (m x k) packed by {@link #packA} and B (k x n) described by a
     * {@link RowSource}: rows anywhere in an array, optionally masked and in groups of columns. Convolutions
     * multiply the weights with the shifted input planes this way, without building the column matrix.
     * When beta == 0, C is not read.
     */
    void sgemmPackedRows(int m, int n, int k, float[] packed, int pOff, RowSource b, float beta, float[] c, int cOff, int ldc);

    /** {@link #sgemmPackedRows} with plain rows: element (p, j) of B is b[bOff + bRows[p] + j]. */
    default void sgemmPackedRows(int m, int n, int k, float[] packed, int pOff, float[] b, int bOff, int[] bRows,
                                 float beta, float[] c, int cOff, int ldc) {
        sgemmPackedRows(m, n, k, packed, pOff, RowSource.of(b, bOff, bRows), beta, c, cOff, ldc);
    }

    /**
     * Columns per panel of {@link #sgemmPackedPanels}' B: a k x n matrix stored panel after panel, element (p, j) at
     * (j / P) * (k * P) + p * P + j % P, which is how the vector products pack B, so B written this way is used as it is.
     */
    int panelWidth();

    /**
     * C = A * B + beta * C, with A (m x k) packed by {@link #packA} and B (k x n) in panels of {@link #panelWidth}
     * columns at b[bOff..]: element (p, j) at bOff + (j / P) * (k * P) + p * P + j % P. Columns of the last panel
     * past n may hold anything (they are not read into C). When beta == 0, C is not read.
     */
    void sgemmPackedPanels(int m, int n, int k, float[] packed, int pOff, float[] b, int bOff, float beta, float[] c, int cOff, int ldc);

    /**
     * C = A * op(B) + beta * C, with A (m x k) given by its rows, each contiguous but anywhere in a:
     * element (i, p) of A is a[aOff + aRows[i] + p]; op(B) is k x n as in {@link #sgemm}. A convolution's
     * weight gradient is this product of shifted input planes with the transposed output gradient.
     * When beta == 0, C is not read.
     */
    void sgemmRowsA(int m, int n, int k, float[] a, int aOff, int[] aRows, boolean transB, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc);
}
