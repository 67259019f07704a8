package dev.jgrad.kernels;

/**
 * The few hot loops that everything else is built on, behind one small interface
 * (after Apache Lucene's VectorUtilSupport): a plain-Java implementation and a
 * Vector API one, chosen once at start-up. Tests hold both to the same answers.
 *
 * <p>All arrays are row-major float32 with explicit offsets, so tensor views can be
 * passed without copying. Callers validate shapes; kernels trust their arguments.
 */
public interface Kernels {

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

    /**
     * out[i] = keep[keepOff + i] ? x[xOff + i] : 0 for i in [0, n). Entries of x that are not kept are not
     * read, so they may lie outside x (xOff may be negative): an im2col row is a shifted input plane with the
     * taps that fall in the padding masked off.
     */
    void maskedCopy(float[] x, int xOff, boolean[] keep, int keepOff, float[] out, int outOff, int n);

    /** out[i] = x[i] + y[i] for i in [0, n). */
    void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** out[i] = x[i] - y[i]. */
    void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** out[i] = x[i] * y[i]. */
    void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** out[i] = x[i] / y[i]. */
    void div(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /** out[i] = x[i] * alpha + beta. */
    void scaleShift(float[] x, int xOff, float alpha, float beta, float[] out, int outOff, int n);

    /** y[i] += alpha * x[i]. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** sum of x[i] * y[i]. */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /** sum of x[i]. */
    float sum(float[] x, int xOff, int n);

    /** max of x[i]; n must be at least 1. */
    float max(float[] x, int xOff, int n);

    /** out[i] = exp(x[i]). */
    void exp(float[] x, int xOff, float[] out, int outOff, int n);

    /** out[i] = tanh(x[i]). */
    void tanh(float[] x, int xOff, float[] out, int outOff, int n);

    /** out[i] = 1 / (1 + exp(-x[i])). */
    void sigmoid(float[] x, int xOff, float[] out, int outOff, int n);

    /** out[i] = max(x[i], 0). */
    void relu(float[] x, int xOff, float[] out, int outOff, int n);

    /** out[i] = y[i] > 0 ? g[i] : 0: the gradient through a ReLU whose output is y (PyTorch's threshold_backward). */
    void reluBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n);

    /**
     * Dropout from uniform draws u: kept[i] = u[i] < keep and out[i] = x[i] * (kept[i] ? scale : 0), the
     * product as in PyTorch (a dropped NaN stays NaN).
     */
    void dropout(float[] u, int uOff, float keep, float scale, float[] x, int xOff, float[] out, int outOff,
                 boolean[] kept, int keptOff, int n);

    /** out[i] = g[i] * (kept[i] ? scale : 0): the gradient through {@link #dropout}. */
    void dropoutBackward(float[] g, int gOff, boolean[] kept, int keptOff, float scale, float[] out, int outOff, int n);

    /** sum of (x[i] - mean)^2: the second pass of a two-pass variance, without materialising x - mean. */
    float sumSquaredDeviations(float[] x, int xOff, float mean, int n);

    /** sum of g[i] * (x[i] - mean). */
    float dotDeviations(float[] g, int gOff, float[] x, int xOff, float mean, int n);

    /**
     * out[i] = a * g[i] + b * (x[i] - mean) + c, evaluated in that order: batch norm's input gradient in one
     * pass (x is centred before scaling, so a large mean does not cancel away the deviations).
     */
    void combineDeviations(float a, float[] g, int gOff, float b, float[] x, int xOff, float mean, float c,
                           float[] out, int outOff, int n);

    // Batch norm over one channel: `planes` runs of n floats (one per image), run i of every array at its
    // offset + i * stride. Per-run sums come back separately, for the caller to add in double precision.

    /** sums[i] = sum of run i of x. */
    default void planeSums(float[] x, int xOff, int planes, int stride, int n, float[] sums) {
        for (int p = 0; p < planes; p++) sums[p] = sum(x, xOff + p * stride, n);
    }

    /** sums[i] = sum of (x - mean)^2 over run i. */
    default void planeSquaredDeviations(float[] x, int xOff, int planes, int stride, int n, float mean, float[] sums) {
        for (int p = 0; p < planes; p++) sums[p] = sumSquaredDeviations(x, xOff + p * stride, mean, n);
    }

    /** out = x * scale + shift (+ r when r is not null), then max(., 0) when relu: batch norm's output, evaluated in that order. */
    void batchNormOutput(float[] x, int xOff, int planes, int stride, int n, float scale, float shift, float[] r, int rOff, boolean relu,
                         float[] out, int outOff);

    /**
     * With gm = g where y > 0, else 0 (gm = g when y is null): sg[i] = sum of gm and sgc[i] = sum of gm * (x - mean)
     * over run i; gm is also stored when gmOut is not null (the gradient a residual input receives).
     */
    void batchNormGradSums(float[] y, int yOff, float[] g, int gOff, float[] x, int xOff, int planes, int stride, int n, float mean,
                           float[] gmOut, int gmOff, float[] sg, float[] sgc);

    /** out = a * gm + b * (x - mean) + c, gm as in batchNormGradSums, evaluated in that order (as combineDeviations). */
    void batchNormGradInput(float[] y, int yOff, float[] g, int gOff, float[] x, int xOff, int planes, int stride, int n, float mean,
                            float a, float b, float c, float[] out, int outOff);

    /**
     * out[outOff + r * ldo + j] = x[xOff + r * ldx + j * stride] for r < rows, j < cols: every stride-th element
     * of a block of rows, as a strided convolution's im2col takes its input columns.
     */
    void copyStrided(float[] x, int xOff, int ldx, int stride, float[] out, int outOff, int ldo, int rows, int cols);

    /** out[outOff + r * ldo + j * stride] += x[xOff + r * ldx + j]: the adjoint of copyStrided (col2im's scatter-add); nothing else is written. */
    void addStrided(float[] x, int xOff, int ldx, float[] out, int outOff, int ldo, int stride, int rows, int cols);

    // Winograd F(2x2, 3x3): each 2x2 block of outputs ("tile") of a stride-1 3x3 convolution from its 4x4 input
    // patch with 16 products instead of 36. For tile (ty, tx) of a plane, the patch is input rows 2ty - padTop + r
    // and columns 2tx - padLeft + s (r, s in 0..3), zero outside [0, rows) x [0, cols). Transformed quantities
    // are 16 rows xi = 4u + v of one value per tile: row xi of tiles [ty0, ty0 + tyCount) x [0, tilesX) of a
    // plane is at out[outOff + xi * ld + (ty - ty0) * tilesX + tx]. The tile transforms handle `planes` planes
    // per call, plane i at its array's offset + i * (that array's plane stride). Implementations evaluate the
    // same additions in the same order (no fused multiply-adds), so scalar and vector results are identical.

    /** V = B^T d B of each tile's input patch d (B^T rows: [1 0 -1 0], [0 1 1 0], [0 -1 1 0], [0 1 0 -1]). */
    void winogradInput(int planes, float[] x, int xOff, int xPlane, int ldx, int rows, int cols, int padTop, int padLeft,
                       int ty0, int tyCount, int tilesX, float[] v, int vOff, int vPlane, int ldv);

    /**
     * {@link #winogradInput} with V written as B of {@link #sgemmPackedPanels}: for each xi, the planes x tiles
     * matrix in panels, element (plane c, tile t) of position xi at vOff + xi * ldv + (t / P) * (planes * P) + c * P
     * + t % P, so that the 16 products read it without packing it. Tiles are counted from ty0 as in winogradInput.
     */
    void winogradInputPanels(int planes, float[] x, int xOff, int xPlane, int ldx, int rows, int cols, int padTop, int padLeft,
                             int ty0, int tyCount, int tilesX, float[] v, int vOff, int ldv);

    /**
     * The 2x2 outputs A^T m A of each tile from its 16 transformed values m (A^T rows: [1 1 1 0], [0 1 -1 -1]),
     * written to y[yOff + (2ty + a) * ldy + 2tx + b] where that lies inside [0, rows) x [0, cols).
     */
    void winogradOutput(int planes, float[] m, int mOff, int mPlane, int ldm, int ty0, int tyCount, int tilesX,
                        float[] y, int yOff, int yPlane, int ldy, int rows, int cols);

    /**
     * A g A^T of each tile's 2x2 output gradient g (zero outside [0, rows) x [0, cols); A = A^T transposed): the
     * gradient of the 16 transformed products, for the weight gradient.
     */
    void winogradOutputGrad(int planes, float[] g, int gOff, int gPlane, int ldg, int rows, int cols, int ty0, int tyCount, int tilesX,
                            float[] out, int outOff, int outPlane, int ldo);

    /**
     * U = G w G^T of n 3x3 kernels given tap-major (tap 3i + j of kernel e at w[wOff + (3i + j) * ldw + e]),
     * G rows [1 0 0], [1/2 1/2 1/2], [1/2 -1/2 1/2], [0 0 1]; row xi of U at u[uOff + xi * ldu + e].
     */
    void winogradWeights(float[] w, int wOff, int ldw, float[] u, int uOff, int ldu, int n);

    /** The weight gradient G^T dU G of n kernels from the gradients dU of their 16 transformed values (layouts as winogradWeights). */
    void winogradWeightsGrad(float[] du, int duOff, int ldu, float[] w, int wOff, int ldw, int n);

    /**
     * The implementation chosen at start-up (see {@link KernelsProvider}).
     *
     * @throws IllegalStateException if {@code -Djgrad.kernels} names no implementation, or names one this JVM cannot run
     */
    static Kernels get() {
        return KernelsProvider.instance();
    }
}
