package dev.jgrad.metrics;

import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Locale;

/**
 * t-SNE (van der Maaten and Hinton, 2008), exact O(N^2) per iteration: a 2-D map of a few thousand vectors
 * in which neighbours stay neighbours. Input affinities are Gaussian with a per-point bandwidth found by
 * bisection to match the perplexity, symmetrised; the map starts from the PCA projection (scaled to a
 * standard deviation of 1e-4, as scikit-learn's init="pca") and follows gradient descent with momentum
 * (0.5, then 0.8), per-coordinate gains, and early exaggeration (x12 for the first 250 iterations).
 * Deterministic: no randomness beyond PCA's fixed start. Rows are split across cores.
 */
public final class Tsne {
    private Tsne() {}

    /**
     * Perplexity (effective number of neighbours), iterations, learning rate.
     *
     * @param perplexity   the effective number of neighbours each point keeps, {@code >= 1} and below N - 1
     *                     (5 to 50 is usual)
     * @param iterations   the number of gradient steps, at least 1
     * @param learningRate the gradient step size, positive
     */
    public record Options(double perplexity, int iterations, double learningRate) {
        /**
         * Checks the fields.
         *
         * @throws IllegalArgumentException if a field is out of its range
         */
        public Options {
            if (!(perplexity >= 1)) throw new IllegalArgumentException("t-SNE: perplexity must be >= 1, got " + perplexity);
            if (iterations < 1) throw new IllegalArgumentException("t-SNE: iterations must be positive, got " + iterations);
            if (!(learningRate > 0)) throw new IllegalArgumentException("t-SNE: learning rate must be positive, got " + learningRate);
        }

        /**
         * Perplexity 30, 1000 iterations, learning rate 200.
         *
         * @return the classic defaults (scikit-learn's before version 1.2)
         */
        public static Options defaults() {
            return new Options(30, 1000, 200);
        }

        /**
         * For n points: perplexity 30 (or (n - 1) / 3 when that is smaller), 1000 iterations, and scikit-learn's
         * "auto" learning rate max(n / 12 / 4, 50); larger rates throw small maps about when the exaggeration ends.
         *
         * @param n the number of points to embed, at least 4
         * @return options suited to that many points
         */
        public static Options forPoints(int n) {
            return new Options(Math.max(1, Math.min(30, (n - 1) / 3.0)), 1000, Math.max(n / 48.0, 50));
        }
    }

    /**
     * The rows of x [N, F] embedded in the plane: [N, 2].
     *
     * @param x       vectors of shape [N, F], N at least 4
     * @param options perplexity, iterations and learning rate
     * @return the 2-D map, of shape [N, 2]
     * @throws IllegalArgumentException if x is not 2-D, has fewer than 4 rows, or the perplexity is not
     *                                  below N - 1
     */
    public static Tensor embed(Tensor x, Options options) {
        if (x.dim() != 2) throw new IllegalArgumentException("t-SNE: expected vectors [N, F], got shape " + Shape.str(x.shape()));
        int n = x.size(0), f = x.size(1);
        if (n < 4) throw new IllegalArgumentException("t-SNE: need at least 4 vectors, got " + n);
        if (options.perplexity() >= n - 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "t-SNE: perplexity %s must be below the number of vectors minus one (%d)",
                    options.perplexity(), n - 1));
        }
        float[] d = x.contiguous().toArray();
        double[] dist = new double[n * n];
        Parallel.forRange(n, 16, (from, to) -> {
            for (int i = from; i < to; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < f; k++) {
                        double t = d[i * f + k] - d[j * f + k];
                        s += t * t;
                    }
                    dist[i * n + j] = s;
                }
            }
        });
        double[] p = affinities(dist, n, options.perplexity());
        double[] y = new double[n * 2];
        float[] init = Pca.fit(x, 2).transform(x).toArray();
        double sd = 0;
        for (float v : init) sd += (double) v * v;
        sd = Math.sqrt(sd / init.length);
        for (int i = 0; i < 2 * n; i++) y[i] = sd > 0 ? init[i] / sd * 1e-4 : 1e-4 * new Generator(i).nextGaussian();

        double[] update = new double[2 * n], gains = new double[2 * n], grad = new double[2 * n];
        java.util.Arrays.fill(gains, 1.0);
        double[] q = new double[n * n];
        for (int it = 0; it < options.iterations(); it++) {
            double exaggeration = it < 250 ? 12.0 : 1.0, momentum = it < 250 ? 0.5 : 0.8;
            // Student-t kernel and its normaliser.
            double[] rowSums = new double[n];
            Parallel.forRange(n, 16, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double s = 0;
                    for (int j = 0; j < n; j++) {
                        if (j == i) {
                            q[i * n + j] = 0;
                            continue;
                        }
                        double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                        double w = 1.0 / (1.0 + dx * dx + dy * dy);
                        q[i * n + j] = w;
                        s += w;
                    }
                    rowSums[i] = s;
                }
            });
            double z = 0;
            for (double s : rowSums) z += s;
            double invZ = 1.0 / z;
            Parallel.forRange(n, 16, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double gx = 0, gy = 0;
                    for (int j = 0; j < n; j++) {
                        double w = q[i * n + j];
                        double m = (exaggeration * p[i * n + j] - w * invZ) * w;
                        gx += m * (y[2 * i] - y[2 * j]);
                        gy += m * (y[2 * i + 1] - y[2 * j + 1]);
                    }
                    grad[2 * i] = 4 * gx;
                    grad[2 * i + 1] = 4 * gy;
                }
            });
            for (int k = 0; k < 2 * n; k++) {
                gains[k] = Math.signum(grad[k]) != Math.signum(update[k]) ? gains[k] + 0.2 : Math.max(0.01, gains[k] * 0.8);
                update[k] = momentum * update[k] - options.learningRate() * gains[k] * grad[k];
                y[k] += update[k];
            }
            double mx = 0, my = 0;
            for (int i = 0; i < n; i++) {
                mx += y[2 * i];
                my += y[2 * i + 1];
            }
            for (int i = 0; i < n; i++) {
                y[2 * i] -= mx / n;
                y[2 * i + 1] -= my / n;
            }
        }
        float[] out = new float[2 * n];
        for (int i = 0; i < 2 * n; i++) out[i] = (float) y[i];
        return Tensor.of(out, n, 2);
    }

    /** Symmetric joint probabilities p_ij = (p_j|i + p_i|j) / 2N with each row's bandwidth matching the perplexity. */
    static double[] affinities(double[] dist, int n, double perplexity) {
        double[] p = new double[n * n];
        double target = Math.log(perplexity);
        Parallel.forRange(n, 16, (from, to) -> {
            for (int i = from; i < to; i++) {
                double beta = 1, lo = 0, hi = Double.POSITIVE_INFINITY;
                double minD = Double.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) if (j != i) minD = Math.min(minD, dist[i * n + j]);
                for (int tries = 0; tries < 100; tries++) {
                    double sum = 0, weighted = 0;
                    for (int j = 0; j < n; j++) {
                        if (j == i) continue;
                        double e = Math.exp(-beta * (dist[i * n + j] - minD)); // shifted: the row's nearest gets weight 1
                        p[i * n + j] = e;
                        sum += e;
                        weighted += e * (dist[i * n + j] - minD);
                    }
                    double entropy = Math.log(sum) + beta * weighted / sum;
                    for (int j = 0; j < n; j++) p[i * n + j] /= sum;
                    double diff = entropy - target;
                    if (Math.abs(diff) < 1e-5) break;
                    if (diff > 0) { // too flat: narrow the Gaussian
                        lo = beta;
                        beta = hi == Double.POSITIVE_INFINITY ? beta * 2 : (beta + hi) / 2;
                    } else {
                        hi = beta;
                        beta = (beta + lo) / 2;
                    }
                }
            }
        });
        double[] sym = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) sym[i * n + j] = Math.max((p[i * n + j] + p[j * n + i]) / (2.0 * n), 1e-12);
        }
        return sym;
    }
}
