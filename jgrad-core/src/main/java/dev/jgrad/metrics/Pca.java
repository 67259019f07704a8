package dev.jgrad.metrics;

import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * Principal component analysis of a set of vectors (rows of [N, F]): the directions of largest variance,
 * found by power iteration with deflation on the F x F covariance matrix (in double precision), and the
 * projection of the centred rows onto them. Enough for a 2-D picture of learnt representations; the sign
 * of each component is fixed so that its largest coordinate is positive, which makes the result
 * deterministic.
 *
 * @param mean       the mean row, of length F, subtracted before projecting
 * @param components k unit vectors of length F, by decreasing variance
 * @param variances  the variance along each component (its covariance eigenvalue)
 */
public record Pca(double[] mean, double[][] components, double[] variances) {

    /**
     * The first k principal components of the rows of x [N, F].
     *
     * @param x vectors of shape [N, F], N at least 2
     * @param k the number of components, in [1, F] (2 for a picture)
     * @return the fitted projection
     * @throws IllegalArgumentException if x is not 2-D, has fewer than 2 rows, or k is out of range
     */
    public static Pca fit(Tensor x, int k) {
        if (x.dim() != 2) throw new IllegalArgumentException("PCA: expected vectors [N, F], got shape " + Shape.str(x.shape()));
        int n = x.size(0), f = x.size(1);
        if (n < 2) throw new IllegalArgumentException("PCA: need at least 2 vectors, got " + n);
        if (k < 1 || k > f) throw new IllegalArgumentException("PCA: k must be in [1, " + f + "], got " + k);
        float[] d = x.contiguous().toArray();
        double[] mean = new double[f];
        for (int i = 0; i < n; i++) for (int j = 0; j < f; j++) mean[j] += d[i * f + j];
        for (int j = 0; j < f; j++) mean[j] /= n;
        double[][] cov = new double[f][f];
        double[] row = new double[f];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) row[j] = d[i * f + j] - mean[j];
            for (int a = 0; a < f; a++) {
                double ra = row[a];
                if (ra == 0) continue;
                for (int b = a; b < f; b++) cov[a][b] += ra * row[b];
            }
        }
        for (int a = 0; a < f; a++) {
            for (int b = a; b < f; b++) {
                cov[a][b] /= (n - 1);
                cov[b][a] = cov[a][b];
            }
        }
        double[][] comps = new double[k][];
        double[] vars = new double[k];
        for (int c = 0; c < k; c++) {
            double[] v = new double[f];
            for (int j = 0; j < f; j++) v[j] = 1.0 + 0.01 * j; // deterministic start, not orthogonal to anything in practice
            double lambda = 0;
            for (int it = 0; it < 500; it++) {
                double[] w = multiply(cov, v);
                double norm = norm(w);
                if (norm == 0) break;
                for (int j = 0; j < f; j++) w[j] /= norm;
                double change = 0;
                for (int j = 0; j < f; j++) change = Math.max(change, Math.abs(w[j] - v[j]));
                v = w;
                lambda = norm;
                if (change < 1e-10) break;
            }
            int big = 0;
            for (int j = 1; j < f; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
            if (v[big] < 0) for (int j = 0; j < f; j++) v[j] = -v[j];
            comps[c] = v;
            vars[c] = lambda;
            for (int a = 0; a < f; a++) for (int b = 0; b < f; b++) cov[a][b] -= lambda * v[a] * v[b]; // deflate
        }
        return new Pca(mean, comps, vars);
    }

    /**
     * Rows of x [N, F] projected onto the components: [N, k].
     *
     * @param x vectors of shape [N, F] with the F of the fit
     * @return the coordinates along each component, of shape [N, k]
     * @throws IllegalArgumentException if x is not of shape [N, F]
     */
    public Tensor transform(Tensor x) {
        int f = mean.length, k = components.length;
        if (x.dim() != 2 || x.size(1) != f) throw new IllegalArgumentException("PCA: expected vectors [N, " + f + "], got shape " + Shape.str(x.shape()));
        int n = x.size(0);
        float[] d = x.contiguous().toArray(), out = new float[n * k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < f; j++) s += (d[i * f + j] - mean[j]) * components[c][j];
                out[i * k + c] = (float) s;
            }
        }
        return Tensor.of(out, n, k);
    }

    private static double[] multiply(double[][] m, double[] v) {
        double[] out = new double[v.length];
        for (int a = 0; a < v.length; a++) {
            double s = 0;
            for (int b = 0; b < v.length; b++) s += m[a][b] * v[b];
            out[a] = s;
        }
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
