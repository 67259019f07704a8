package dev.jgrad.metrics;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * The spectral radius rho(A) = max |lambda_i| of a square matrix: the factor by which repeated multiplication
 * by A grows or shrinks a vector in the long run. Backprop through a vanilla RNN multiplies by W_hh^T (times
 * tanh') once per step, so rho(W_hh) below 1 means vanishing gradients and above 1 allows exploding ones.
 *
 * <p>Computed with Gelfand's formula rho(A) = lim ||A^m||^(1/m), taking m = 2^k by repeated squaring in double
 * precision and renormalising after each square. This is power iteration run on the whole matrix at once, so
 * unlike power iteration on one vector it needs no dominant eigenvalue: complex pairs, several eigenvalues of
 * the same modulus and defective (Jordan) matrices all converge, since the error of the estimate is about
 * log(condition number * m^(block size)) / m and m reaches 2^60. Cost: 60 products of n x n matrices.
 */
public final class SpectralRadius {
    private SpectralRadius() {}

    private static final int SQUARINGS = 60;

    /**
     * rho of a square 2-D tensor (for an LSTM's stacked [4H, H] weight_hh, pass one gate's [H, H] block).
     *
     * @param matrix a tensor of shape [n, n], e.g. an RNN's weight_hh
     * @return its spectral radius, {@code >= 0}
     * @throws IllegalArgumentException if the tensor is not square or has a non-finite entry
     */
    public static double of(Tensor matrix) {
        if (matrix.dim() != 2 || matrix.size(0) != matrix.size(1)) {
            throw new IllegalArgumentException("SpectralRadius: expected a square matrix, got shape " + Shape.str(matrix.shape()));
        }
        int n = matrix.size(0);
        float[] values;
        try (var ignored = GradMode.noGrad()) {
            values = matrix.toArray();
        }
        double[] a = new double[n * n];
        for (int i = 0; i < a.length; i++) a[i] = values[i];
        return ofRowMajor(a, n, "matrix of shape " + Shape.str(matrix.shape()));
    }

    /**
     * rho of a square matrix given as rows.
     *
     * @param rows n rows of n entries each
     * @return its spectral radius, {@code >= 0}
     * @throws IllegalArgumentException if there is no row, the matrix is not square or has a non-finite entry
     */
    public static double of(double[][] rows) {
        int n = rows.length;
        if (n == 0) throw new IllegalArgumentException("SpectralRadius: the matrix has no rows");
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            if (rows[i] == null || rows[i].length != n) {
                throw new IllegalArgumentException("SpectralRadius: expected a square matrix, but row " + i + " of " + n + " has "
                        + (rows[i] == null ? "no" : Integer.toString(rows[i].length)) + " entries");
            }
            System.arraycopy(rows[i], 0, a, i * n, n);
        }
        return ofRowMajor(a, n, n + "x" + n + " matrix");
    }

    /**
     * Multiplies {@code matrix} in place (without recording a graph) so that its spectral radius becomes
     * {@code radius}, and returns the radius it had. A matrix with radius 0 (nilpotent) cannot be rescaled.
     *
     * @param matrix a square tensor, changed in place (e.g. to initialise a recurrent weight at radius 1)
     * @param radius the spectral radius wanted, finite and {@code >= 0}
     * @return the spectral radius before scaling
     * @throws IllegalArgumentException if {@code radius} is negative or not finite, or the matrix has radius
     *                                  0 and {@code radius} is not
     */
    public static double scaleTo(Tensor matrix, double radius) {
        if (!(radius >= 0) || Double.isInfinite(radius)) {
            throw new IllegalArgumentException("SpectralRadius.scaleTo: the target radius must be finite and >= 0, got " + radius);
        }
        double current = of(matrix);
        if (current == 0 && radius != 0) {
            throw new IllegalArgumentException("SpectralRadius.scaleTo: the matrix has spectral radius 0, so no scaling gives " + radius);
        }
        if (current != 0) {
            try (var ignored = GradMode.noGrad()) {
                matrix.mulInPlace((float) (radius / current));
            }
        }
        return current;
    }

    private static double ofRowMajor(double[] a, int n, String what) {
        double norm = 0;
        for (double v : a) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("SpectralRadius: the " + what + " has a non-finite entry (" + v + ")");
            norm = Math.max(norm, Math.abs(v));
        }
        if (norm == 0) return 0;
        // Invariant: A^(2^k) = exp(2^k * logRho) * b, with b normalised to Frobenius norm 1; then
        // log ||A^(2^k)||_F / 2^k = logRho, which decreases towards log rho(A) as k grows.
        double[] b = a.clone(), sq = new double[n * n];
        double f = frobenius(b);
        scale(b, 1 / f);
        double logRho = Math.log(f);
        double power = 1; // 2^k
        for (int k = 0; k < SQUARINGS; k++) {
            square(b, sq, n);
            double s = frobenius(sq);
            if (s == 0) return 0; // A^(2^(k+1)) = 0: nilpotent
            power *= 2;
            logRho += Math.log(s) / power;
            scale(sq, 1 / s);
            double[] t = b;
            b = sq;
            sq = t;
        }
        return Math.exp(logRho);
    }

    /** out = b * b, row by row with the inner loop over contiguous columns. */
    private static void square(double[] b, double[] out, int n) {
        java.util.Arrays.fill(out, 0);
        for (int i = 0; i < n; i++) {
            int row = i * n;
            for (int k = 0; k < n; k++) {
                double bik = b[row + k];
                if (bik == 0) continue;
                int krow = k * n;
                for (int j = 0; j < n; j++) out[row + j] += bik * b[krow + j];
            }
        }
    }

    /** Scaled to avoid overflow and underflow of the squares. */
    private static double frobenius(double[] v) {
        double max = 0;
        for (double x : v) max = Math.max(max, Math.abs(x));
        if (max == 0) return 0;
        double sum = 0;
        for (double x : v) {
            double r = x / max;
            sum += r * r;
        }
        return max * Math.sqrt(sum);
    }

    private static void scale(double[] v, double c) {
        for (int i = 0; i < v.length; i++) v[i] *= c;
    }
}
