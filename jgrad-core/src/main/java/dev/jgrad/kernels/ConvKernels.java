package dev.jgrad.kernels;

/**
 * The data movement of convolutions: masked and strided copies for im2col / col2im, and the Winograd F(2x2, 3x3)
 * transforms of inputs, outputs and weights (the products themselves are {@link GemmKernels}').
 *
 * <p>{@link ScalarConvKernels} is the reference, {@link VectorConvKernels} the fast form, with the same additions in
 * the same order; {@link Kernels#get} gives the one chosen at start-up.
 */
public interface ConvKernels {

    /**
     * out[i] = keep[keepOff + i] ? x[xOff + i] : 0 for i in [0, n). Entries of x that are not kept are not
     * read, so they may lie outside x (xOff may be negative): an im2col row is a shifted input plane with the
     * taps that fall in the padding masked off.
     */
    void maskedCopy(float[] x, int xOff, boolean[] keep, int keepOff, float[] out, int outOff, int n);

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
}
