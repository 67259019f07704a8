package dev.jgrad.kernels;

/**
 * Loops over runs of floats: element-wise arithmetic, activations and their gradients, dropout, and
 * reductions (sum, max, dot) of one run.
 *
 * <p>Arrays come with explicit offsets; callers validate lengths, kernels trust them. {@link ScalarElementwiseKernels}
 * is the reference, {@link VectorElementwiseKernels} the fast form; {@link Kernels#get} gives the one chosen at start-up.
 */
public interface ElementwiseKernels {

    /**
     * out[i] = x[i] + y[i] for i in [0, n): torch.add on a contiguous run.
     *
     * @param x      the first operand's array
     * @param xOff   index of the first operand's element 0 in {@code x}
     * @param y      the second operand's array
     * @param yOff   index of the second operand's element 0 in {@code y}
     * @param out    the result's array (may be {@code x} or {@code y} at the same offset: in place is fine)
     * @param outOff index of the result's element 0 in {@code out}
     * @param n      number of elements
     */
    void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /**
     * out[i] = x[i] - y[i] for i in [0, n).
     *
     * @param x      the first operand's array
     * @param xOff   index of the first operand's element 0 in {@code x}
     * @param y      the second operand's array
     * @param yOff   index of the second operand's element 0 in {@code y}
     * @param out    the result's array (may be {@code x} or {@code y} at the same offset: in place is fine)
     * @param outOff index of the result's element 0 in {@code out}
     * @param n      number of elements
     */
    void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /**
     * out[i] = x[i] * y[i] for i in [0, n).
     *
     * @param x      the first operand's array
     * @param xOff   index of the first operand's element 0 in {@code x}
     * @param y      the second operand's array
     * @param yOff   index of the second operand's element 0 in {@code y}
     * @param out    the result's array (may be {@code x} or {@code y} at the same offset: in place is fine)
     * @param outOff index of the result's element 0 in {@code out}
     * @param n      number of elements
     */
    void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /**
     * out[i] = x[i] / y[i] for i in [0, n) (IEEE division: x / 0 is infinite or NaN, never an exception).
     *
     * @param x      the first operand's array
     * @param xOff   index of the first operand's element 0 in {@code x}
     * @param y      the second operand's array
     * @param yOff   index of the second operand's element 0 in {@code y}
     * @param out    the result's array (may be {@code x} or {@code y} at the same offset: in place is fine)
     * @param outOff index of the result's element 0 in {@code out}
     * @param n      number of elements
     */
    void div(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /**
     * out[i] = x[i] * alpha + beta for i in [0, n): an affine map of a run (scaling, shifting, negation).
     *
     * @param x      the input array
     * @param xOff   index of the input's element 0 in {@code x}
     * @param alpha  the factor
     * @param beta   the term added after scaling
     * @param out    the result's array (may be {@code x} at the same offset)
     * @param outOff index of the result's element 0 in {@code out}
     * @param n      number of elements
     */
    void scaleShift(float[] x, int xOff, float alpha, float beta, float[] out, int outOff, int n);

    /**
     * y[i] += alpha * x[i] for i in [0, n): BLAS's saxpy, the accumulation at the heart of gradients.
     *
     * @param alpha the factor applied to x
     * @param x     the array added from
     * @param xOff  index of x's element 0
     * @param y     the array accumulated into, updated in place
     * @param yOff  index of y's element 0
     * @param n     number of elements
     */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * The dot product: sum of x[i] * y[i] for i in [0, n) (torch.dot), accumulated in float.
     *
     * @param x    the first run's array
     * @param xOff index of the first run's element 0
     * @param y    the second run's array
     * @param yOff index of the second run's element 0
     * @param n    number of elements
     * @return the sum of products; 0 when n is 0
     */
    float dot(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * The sum of x[i] for i in [0, n), accumulated in float in a fixed order: reproducible run to run, though the
     * scalar set adds sequentially and the vector set lane by lane, so the two may differ in the last bits.
     *
     * @param x    the input array
     * @param xOff index of the run's element 0
     * @param n    number of elements
     * @return the sum; 0 when n is 0
     */
    float sum(float[] x, int xOff, int n);

    /**
     * The largest of x[i] for i in [0, n); n must be at least 1. Softmax subtracts it before exponentiating.
     *
     * @param x    the input array
     * @param xOff index of the run's element 0
     * @param n    number of elements, at least 1
     * @return the maximum
     */
    float max(float[] x, int xOff, int n);

    /**
     * out[i] = exp(x[i]) for i in [0, n) (torch.exp).
     *
     * @param x      the input array
     * @param xOff   index of the input's element 0 in {@code x}
     * @param out    the result's array (may be {@code x} at the same offset: in place is fine)
     * @param outOff index of the result's element 0 in {@code out}
     * @param n      number of elements
     */
    void exp(float[] x, int xOff, float[] out, int outOff, int n);

    /**
     * out[i] = tanh(x[i]) for i in [0, n) (torch.tanh).
     *
     * @param x      the input array
     * @param xOff   index of the input's element 0 in {@code x}
     * @param out    the result's array (may be {@code x} at the same offset: in place is fine)
     * @param outOff index of the result's element 0 in {@code out}
     * @param n      number of elements
     */
    void tanh(float[] x, int xOff, float[] out, int outOff, int n);

    /**
     * out[i] = 1 / (1 + exp(-x[i])) for i in [0, n) (torch.sigmoid).
     *
     * @param x      the input array
     * @param xOff   index of the input's element 0 in {@code x}
     * @param out    the result's array (may be {@code x} at the same offset: in place is fine)
     * @param outOff index of the result's element 0 in {@code out}
     * @param n      number of elements
     */
    void sigmoid(float[] x, int xOff, float[] out, int outOff, int n);

    /**
     * out[i] = max(x[i], 0) for i in [0, n) (torch.relu); a NaN stays NaN, so a diverged value is not hidden.
     *
     * @param x      the input array
     * @param xOff   index of the input's element 0 in {@code x}
     * @param out    the result's array (may be {@code x} at the same offset: in place is fine)
     * @param outOff index of the result's element 0 in {@code out}
     * @param n      number of elements
     */
    void relu(float[] x, int xOff, float[] out, int outOff, int n);

    /**
     * out[i] = y[i] &gt; 0 ? g[i] : 0: the gradient through a ReLU whose output is y (PyTorch's threshold_backward).
     *
     * @param y      the ReLU's output (its input would do as well: both are positive at the same places)
     * @param yOff   index of y's element 0
     * @param g      the gradient with respect to the ReLU's output
     * @param gOff   index of g's element 0
     * @param out    the gradient with respect to the ReLU's input (may be {@code g} at the same offset)
     * @param outOff index of out's element 0
     * @param n      number of elements
     */
    void reluBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n);

    /**
     * Dropout from uniform draws u: kept[i] = u[i] &lt; keep and out[i] = x[i] * (kept[i] ? scale : 0), the
     * product as in PyTorch (a dropped NaN stays NaN). This is torch.nn.functional.dropout with p = 1 - keep and
     * scale = 1 / keep, the random numbers drawn by the caller so that runs are reproducible.
     *
     * @param u       uniform draws in [0, 1), one per element
     * @param uOff    index of u's element 0
     * @param keep    the probability of keeping an element, 1 - p
     * @param scale   the factor applied to kept elements, usually 1 / keep
     * @param x       the input array
     * @param xOff    index of the input's element 0
     * @param out     the result's array (may be {@code x} at the same offset)
     * @param outOff  index of the result's element 0
     * @param kept    the mask written for the backward pass: true where the element was kept
     * @param keptOff index of the mask's element 0 in {@code kept}
     * @param n       number of elements
     */
    void dropout(float[] u, int uOff, float keep, float scale, float[] x, int xOff, float[] out, int outOff,
                 boolean[] kept, int keptOff, int n);

    /**
     * out[i] = g[i] * (kept[i] ? scale : 0): the gradient through {@link #dropout}.
     *
     * @param g       the gradient with respect to dropout's output
     * @param gOff    index of g's element 0
     * @param kept    the mask {@link #dropout} wrote
     * @param keptOff index of the mask's element 0
     * @param scale   the same factor as in the forward pass
     * @param out     the gradient with respect to dropout's input (may be {@code g} at the same offset)
     * @param outOff  index of out's element 0
     * @param n       number of elements
     */
    void dropoutBackward(float[] g, int gOff, boolean[] kept, int keptOff, float scale, float[] out, int outOff, int n);
}
