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
     * (so NaNs in an uninitialised C do not propagate), as in BLAS. This is torch.addmm
     * ({@code beta * C + alpha * A @ B}) on raw arrays.
     *
     * @param transA whether A is stored transposed (k x m), so that op(A) = A^T
     * @param transB whether B is stored transposed (n x k), so that op(B) = B^T
     * @param m      rows of op(A) and of C
     * @param n      columns of op(B) and of C
     * @param k      columns of op(A) = rows of op(B), the summed dimension
     * @param alpha  factor applied to the product op(A) * op(B)
     * @param a      the array holding A
     * @param aOff   index of A's element (0, 0) in {@code a}
     * @param lda    leading dimension of A: floats between the starts of consecutive stored rows of A
     * @param b      the array holding B
     * @param bOff   index of B's element (0, 0) in {@code b}
     * @param ldb    leading dimension of B
     * @param beta   factor applied to the old C; 0 means C is overwritten without being read
     * @param c      the array holding C (m x n), updated in place
     * @param cOff   index of C's element (0, 0) in {@code c}
     * @param ldc    leading dimension of C (at least n)
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * How many floats {@link #packA} writes for an m x k matrix. The packed layout belongs to the
     * implementation: pack and multiply with the same {@code Kernels} instance.
     *
     * @param m rows of the matrix to pack
     * @param k columns of the matrix to pack
     * @return the number of floats to reserve in the packed buffer (m * k for the scalar kernels; the vector ones round m up to their micro-kernel's rows)
     */
    int packedASize(int m, int k);

    /**
     * Packs alpha * op(A) (m x k; op as in {@link #sgemm}) into packed[pOff, pOff + packedASize(m, k)),
     * for {@link #sgemmPackedRows}. A product that reuses A for many column blocks (the weights of a
     * convolution, image after image) then packs it once.
     *
     * @param transA whether A is stored transposed (k x m)
     * @param m      rows of op(A)
     * @param k      columns of op(A)
     * @param alpha  factor folded into the packed values, so the later products need not scale
     * @param a      the array holding A
     * @param aOff   index of A's element (0, 0) in {@code a}
     * @param lda    leading dimension of A
     * @param packed destination buffer, in the implementation's packed layout
     * @param pOff   index in {@code packed} where the packed matrix starts
     */
    void packA(boolean transA, int m, int k, float alpha, float[] a, int aOff, int lda, float[] packed, int pOff);

    /**
     * C = A * B + beta * C, with A (m x k) packed by {@link #packA} and B (k x n) described by a
     * {@link RowSource}: rows anywhere in an array, optionally masked and in groups of columns. Convolutions
     * multiply the weights with the shifted input planes this way, without building the column matrix.
     * When beta == 0, C is not read.
     *
     * @param m      rows of A and of C
     * @param n      columns of B and of C
     * @param k      columns of A = rows of B
     * @param packed A as written by {@link #packA} (with alpha already applied)
     * @param pOff   index in {@code packed} where A starts
     * @param b      where B's rows are, and which of their entries are kept
     * @param beta   factor applied to the old C; 0 means C is overwritten without being read
     * @param c      the array holding C (m x n), updated in place
     * @param cOff   index of C's element (0, 0) in {@code c}
     * @param ldc    leading dimension of C
     */
    void sgemmPackedRows(int m, int n, int k, float[] packed, int pOff, RowSource b, float beta, float[] c, int cOff, int ldc);

    /**
     * {@link #sgemmPackedRows} with plain rows: element (p, j) of B is b[bOff + bRows[p] + j].
     *
     * @param m      rows of A and of C
     * @param n      columns of B and of C
     * @param k      columns of A = rows of B
     * @param packed A as written by {@link #packA}
     * @param pOff   index in {@code packed} where A starts
     * @param b      the array holding B's rows
     * @param bOff   base index added to every entry of {@code bRows}
     * @param bRows  k row starts: row p of B begins at b[bOff + bRows[p]] and is n floats long
     * @param beta   factor applied to the old C; 0 means C is overwritten without being read
     * @param c      the array holding C (m x n), updated in place
     * @param cOff   index of C's element (0, 0) in {@code c}
     * @param ldc    leading dimension of C
     */
    default void sgemmPackedRows(int m, int n, int k, float[] packed, int pOff, float[] b, int bOff, int[] bRows,
                                 float beta, float[] c, int cOff, int ldc) {
        sgemmPackedRows(m, n, k, packed, pOff, RowSource.of(b, bOff, bRows), beta, c, cOff, ldc);
    }

    /**
     * Columns per panel of {@link #sgemmPackedPanels}' B: a k x n matrix stored panel after panel, element (p, j) at
     * (j / P) * (k * P) + p * P + j % P, which is how the vector products pack B, so B written this way is used as it is.
     *
     * @return P, the number of columns per panel: the micro-kernel's tile width for the vector kernels, 1 for the
     *         scalar ones
     */
    int panelWidth();

    /**
     * C = A * B + beta * C, with A (m x k) packed by {@link #packA} and B (k x n) in panels of {@link #panelWidth}
     * columns at b[bOff..]: element (p, j) at bOff + (j / P) * (k * P) + p * P + j % P. Columns of the last panel
     * past n may hold anything (they are not read into C). When beta == 0, C is not read.
     *
     * @param m      rows of A and of C
     * @param n      columns of B and of C
     * @param k      columns of A = rows of B
     * @param packed A as written by {@link #packA}
     * @param pOff   index in {@code packed} where A starts
     * @param b      the array holding B in panels of {@link #panelWidth} columns
     * @param bOff   index in {@code b} where the first panel starts
     * @param beta   factor applied to the old C; 0 means C is overwritten without being read
     * @param c      the array holding C (m x n), updated in place
     * @param cOff   index of C's element (0, 0) in {@code c}
     * @param ldc    leading dimension of C
     */
    void sgemmPackedPanels(int m, int n, int k, float[] packed, int pOff, float[] b, int bOff, float beta, float[] c, int cOff, int ldc);

    /**
     * C = A * op(B) + beta * C, with A (m x k) given by its rows, each contiguous but anywhere in a:
     * element (i, p) of A is a[aOff + aRows[i] + p]; op(B) is k x n as in {@link #sgemm}. A convolution's
     * weight gradient is this product of shifted input planes with the transposed output gradient.
     * When beta == 0, C is not read.
     *
     * @param m      rows of A and of C
     * @param n      columns of op(B) and of C
     * @param k      columns of A = rows of op(B)
     * @param a      the array holding A's rows
     * @param aOff   base index added to every entry of {@code aRows}
     * @param aRows  m row starts: row i of A begins at a[aOff + aRows[i]] and is k floats long
     * @param transB whether B is stored transposed (n x k)
     * @param b      the array holding B
     * @param bOff   index of B's element (0, 0) in {@code b}
     * @param ldb    leading dimension of B
     * @param beta   factor applied to the old C; 0 means C is overwritten without being read
     * @param c      the array holding C (m x n), updated in place
     * @param cOff   index of C's element (0, 0) in {@code c}
     * @param ldc    leading dimension of C
     */
    void sgemmRowsA(int m, int n, int k, float[] a, int aOff, int[] aRows, boolean transB, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc);
}
