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
     *
     * @param x       the source array
     * @param xOff    index in {@code x} of the source's element 0; may be negative, or place some elements past the
     *                end, as long as those elements are not kept
     * @param keep    the mask: true where the source element is copied
     * @param keepOff index of the mask's element 0 in {@code keep}
     * @param out     the destination array
     * @param outOff  index of the destination's element 0 in {@code out}
     * @param n       number of elements
     */
    void maskedCopy(float[] x, int xOff, boolean[] keep, int keepOff, float[] out, int outOff, int n);

    /**
     * out[outOff + r * ldo + j] = x[xOff + r * ldx + j * stride] for r &lt; rows, j &lt; cols: every stride-th element
     * of a block of rows, as a strided convolution's im2col takes its input columns.
     *
     * @param x      the source array
     * @param xOff   index in {@code x} of the block's element (0, 0)
     * @param ldx    floats between the starts of consecutive source rows
     * @param stride distance in {@code x} between consecutive copied elements of a row (the convolution's stride)
     * @param out    the destination array
     * @param outOff index in {@code out} of the copy's element (0, 0)
     * @param ldo    floats between the starts of consecutive destination rows
     * @param rows   number of rows
     * @param cols   number of elements copied per row
     */
    void copyStrided(float[] x, int xOff, int ldx, int stride, float[] out, int outOff, int ldo, int rows, int cols);

    /**
     * out[outOff + r * ldo + j * stride] += x[xOff + r * ldx + j] for r &lt; rows, j &lt; cols: the adjoint of
     * {@link #copyStrided} (col2im's scatter-add, which a strided convolution's input gradient needs); nothing else is
     * written.
     *
     * @param x      the source array, dense rows of {@code cols} elements
     * @param xOff   index in {@code x} of the block's element (0, 0)
     * @param ldx    floats between the starts of consecutive source rows
     * @param out    the array accumulated into, every stride-th element of each row
     * @param outOff index in {@code out} of the destination's element (0, 0)
     * @param ldo    floats between the starts of consecutive destination rows
     * @param stride distance in {@code out} between consecutive updated elements of a row
     * @param rows   number of rows
     * @param cols   number of elements added per row
     */
    void addStrided(float[] x, int xOff, int ldx, float[] out, int outOff, int ldo, int stride, int rows, int cols);

    // Winograd F(2x2, 3x3): each 2x2 block of outputs ("tile") of a stride-1 3x3 convolution from its 4x4 input
    // patch with 16 products instead of 36. For tile (ty, tx) of a plane, the patch is input rows 2ty - padTop + r
    // and columns 2tx - padLeft + s (r, s in 0..3), zero outside [0, rows) x [0, cols). Transformed quantities
    // are 16 rows xi = 4u + v of one value per tile: row xi of tiles [ty0, ty0 + tyCount) x [0, tilesX) of a
    // plane is at out[outOff + xi * ld + (ty - ty0) * tilesX + tx]. The tile transforms handle `planes` planes
    // per call, plane i at its array's offset + i * (that array's plane stride). Implementations evaluate the
    // same additions in the same order (no fused multiply-adds), so scalar and vector results are identical.

    /**
     * V = B^T d B of each tile's input patch d (B^T rows: [1 0 -1 0], [0 1 1 0], [0 -1 1 0], [0 1 0 -1]).
     *
     * @param planes  number of input planes (channels of one image) transformed
     * @param x       the input array
     * @param xOff    index in {@code x} of the first plane's element (0, 0)
     * @param xPlane  floats between consecutive input planes
     * @param ldx     floats between consecutive rows of an input plane
     * @param rows    rows of an input plane (height)
     * @param cols    columns of an input plane (width)
     * @param padTop  zero rows the convolution adds above the input
     * @param padLeft zero columns the convolution adds left of the input
     * @param ty0     the first tile row handled (callers split a plane's tile rows between threads)
     * @param tyCount number of tile rows handled, from ty0
     * @param tilesX  tiles per tile row: ceil(output columns / 2)
     * @param v       the transformed input, 16 rows per plane as described above
     * @param vOff    index in {@code v} of the first plane's row 0
     * @param vPlane  floats between consecutive planes' transforms
     * @param ldv     floats between consecutive rows xi of one plane's transform
     */
    void winogradInput(int planes, float[] x, int xOff, int xPlane, int ldx, int rows, int cols, int padTop, int padLeft,
                       int ty0, int tyCount, int tilesX, float[] v, int vOff, int vPlane, int ldv);

    /**
     * {@link #winogradInput} with V written as B of {@link GemmKernels#sgemmPackedPanels}: for each xi, the planes x tiles
     * matrix in panels, element (plane c, tile t) of position xi at vOff + xi * ldv + (t / P) * (planes * P) + c * P
     * + t % P (P = {@link GemmKernels#panelWidth} of the same set), so that the 16 products read it without packing it.
     * Tiles are counted from ty0 as in winogradInput.
     *
     * @param planes  number of input planes transformed; the rows (k) of each of the 16 panelled matrices
     * @param x       the input array
     * @param xOff    index in {@code x} of the first plane's element (0, 0)
     * @param xPlane  floats between consecutive input planes
     * @param ldx     floats between consecutive rows of an input plane
     * @param rows    rows of an input plane (height)
     * @param cols    columns of an input plane (width)
     * @param padTop  zero rows the convolution adds above the input
     * @param padLeft zero columns the convolution adds left of the input
     * @param ty0     the first tile row handled (callers split a plane's tile rows between threads)
     * @param tyCount number of tile rows handled, from ty0
     * @param tilesX  tiles per tile row: ceil(output columns / 2)
     * @param v       the transformed input, 16 panelled matrices
     * @param vOff    index in {@code v} of matrix 0
     * @param ldv     floats between consecutive matrices xi
     */
    void winogradInputPanels(int planes, float[] x, int xOff, int xPlane, int ldx, int rows, int cols, int padTop, int padLeft,
                             int ty0, int tyCount, int tilesX, float[] v, int vOff, int ldv);

    /**
     * The 2x2 outputs A^T m A of each tile from its 16 transformed values m (A^T rows: [1 1 1 0], [0 1 -1 -1]),
     * written to y[yOff + (2ty + a) * ldy + 2tx + b] where that lies inside [0, rows) x [0, cols). The outputs are
     * overwritten, not accumulated.
     *
     * @param planes  number of output planes (output channels of one image)
     * @param m       the 16 transformed products per plane, laid out as the transformed quantities above
     * @param mOff    index in {@code m} of the first plane's row 0
     * @param mPlane  floats between consecutive planes' products
     * @param ldm     floats between consecutive rows xi of one plane's products
     * @param ty0     the first tile row handled (callers split a plane's tile rows between threads)
     * @param tyCount number of tile rows handled, from ty0
     * @param tilesX  tiles per tile row: ceil(output columns / 2)
     * @param y       the output array
     * @param yOff    index in {@code y} of the first output plane's element (0, 0)
     * @param yPlane  floats between consecutive output planes
     * @param ldy     floats between consecutive rows of an output plane
     * @param rows    rows of an output plane; tile outputs below are dropped
     * @param cols    columns of an output plane; tile outputs to the right are dropped
     */
    void winogradOutput(int planes, float[] m, int mOff, int mPlane, int ldm, int ty0, int tyCount, int tilesX,
                        float[] y, int yOff, int yPlane, int ldy, int rows, int cols);

    /**
     * A g A^T of each tile's 2x2 output gradient g (zero outside [0, rows) x [0, cols); A = A^T transposed): the
     * gradient of the 16 transformed products, for the weight gradient. Written (not accumulated) in the layout of the
     * transformed quantities above.
     *
     * @param planes    number of output-gradient planes (output channels of one image)
     * @param g         the gradient with respect to the convolution's output
     * @param gOff      index in {@code g} of the first plane's element (0, 0)
     * @param gPlane    floats between consecutive gradient planes
     * @param ldg       floats between consecutive rows of a gradient plane
     * @param rows      rows of an output plane (height)
     * @param cols      columns of an output plane (width)
     * @param ty0       the first tile row handled
     * @param tyCount   number of tile rows handled, from ty0
     * @param tilesX    tiles per tile row: ceil(cols / 2)
     * @param out       the 16 transformed gradients per plane
     * @param outOff    index in {@code out} of the first plane's row 0
     * @param outPlane  floats between consecutive planes' transformed gradients
     * @param ldo       floats between consecutive rows xi of one plane's transformed gradients
     */
    void winogradOutputGrad(int planes, float[] g, int gOff, int gPlane, int ldg, int rows, int cols, int ty0, int tyCount, int tilesX,
                            float[] out, int outOff, int outPlane, int ldo);

    /**
     * U = G w G^T of n 3x3 kernels given tap-major (tap 3i + j of kernel e at w[wOff + (3i + j) * ldw + e]),
     * G rows [1 0 0], [1/2 1/2 1/2], [1/2 -1/2 1/2], [0 0 1]; row xi of U at u[uOff + xi * ldu + e].
     *
     * @param w    the 3x3 kernels, tap-major
     * @param wOff index in {@code w} of tap 0 of kernel 0
     * @param ldw  floats between consecutive taps
     * @param u    the transformed kernels, 16 rows of n values
     * @param uOff index in {@code u} of row 0
     * @param ldu  floats between consecutive rows xi of U
     * @param n    number of kernels (one per pair of input and output channels)
     */
    void winogradWeights(float[] w, int wOff, int ldw, float[] u, int uOff, int ldu, int n);

    /**
     * The weight gradient G^T dU G of n kernels from the gradients dU of their 16 transformed values (layouts as
     * {@link #winogradWeights}); the 3x3 gradients are written, not accumulated.
     *
     * @param du    the gradients of the transformed kernels, 16 rows of n values
     * @param duOff index in {@code du} of row 0
     * @param ldu   floats between consecutive rows xi
     * @param w     the 3x3 kernel gradients, tap-major
     * @param wOff  index in {@code w} of tap 0 of kernel 0
     * @param ldw   floats between consecutive taps
     * @param n     number of kernels
     */
    void winogradWeightsGrad(float[] du, int duOff, int ldu, float[] w, int wOff, int ldw, int n);
}
