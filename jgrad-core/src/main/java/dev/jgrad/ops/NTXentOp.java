package dev.jgrad.ops;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * SimCLR's normalised temperature-scaled cross-entropy (Chen et al., 2020) as one op, for 2N embeddings z [2N, d]
 * in which rows i and i + N are two views of the same example ({@link dev.jgrad.nn.NTXentLoss} is its module).
 *
 * <p>With u_i = z_i / max(||z_i||, 1e-12) (F.normalize) and s_ij = u_i . u_j / tau, each row is a
 * classification over the 2N - 1 other rows whose answer is its partner p(i) = (i + N) mod 2N:
 * l_i = -s_{i,p(i)} + log sum_{j != i} exp(s_ij), and the loss is the mean of l_i over all 2N rows.
 * That is exactly {@code F.cross_entropy(sim.masked_fill(eye, -inf), targets)} in PyTorch.
 *
 * <p>The similarities are one [2N, d] x [d, 2N] SGEMM, the row log-sum-exps subtract the row maximum (stable
 * for any temperature), and the backward is hand-written: with P the row softmax (P_ii = 0) and
 * G = (P - onehot(p)) / (2N tau), dU = (G + G^T) U, then through the normalisation
 * dz_i = (dU_i - u_i (u_i . dU_i)) / ||z_i||. Memory is one [2N, 2N] matrix.
 */
public final class NTXentOp {
    private NTXentOp() {}

    /** F.normalize's floor on the norm, so that a zero embedding gives zeros, not NaN. */
    public static final double NORM_EPS = 1e-12;

    /**
     * Fails with a clear message unless the temperature is positive and finite.
     *
     * @param temperature the softmax temperature tau (SimCLR uses 0.1 to 0.5)
     * @throws IllegalArgumentException when the temperature is not positive and finite
     */
    public static void checkTemperature(double temperature) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("NT-Xent: temperature must be positive and finite, got " + temperature);
        }
    }

    /**
     * Forward: the mean NT-Xent loss (a scalar) of z [2N, d] whose rows i and i + N are positives.
     *
     * @param z the embeddings [2N, d]: the N first views, then the N second views in the same order
     * @param temperature the softmax temperature tau, positive and finite
     * @return the mean loss, a scalar, differentiable with respect to z
     * @throws IllegalArgumentException when z is not 2-D with an even number (at least 2) of rows, or the
     *         temperature is invalid
     */
    public static Tensor apply(Tensor z, double temperature) {
        checkTemperature(temperature);
        if (z.dim() != 2) {
            throw new IllegalArgumentException("NT-Xent: expected embeddings [2N, d], got shape " + Shape.str(z.shape()));
        }
        int m = z.size(0), d = z.size(1);
        if (m < 2 || m % 2 != 0) {
            throw new IllegalArgumentException("NT-Xent: expected an even number (at least 2) of rows, the N first views then the N second views, got "
                    + m + " rows (shape " + Shape.str(z.shape()) + ")");
        }
        if (d < 1) throw new IllegalArgumentException("NT-Xent: embeddings need at least one dimension, got shape " + Shape.str(z.shape()));
        int n = m / 2;
        float invT = (float) (1.0 / temperature);
        Tensor zc = z.contiguous();
        float[] u = new float[m * d], norm = new float[m];
        normalizeRows(zc, m, d, u, norm);
        Tensor uT = Tensor.of(u, m, d);
        float[] sim;
        try (var _ = GradMode.noGrad()) {
            sim = uT.matmul(uT.t()).contiguous().toArray(); // [m, m] cosine similarities
        }
        double[] rowLoss = new double[m];
        softmaxRows(sim, m, n, invT, rowLoss);
        double total = 0;
        for (double v : rowLoss) total += v;
        Tensor out = Tensor.scalar((float) (total / m));
        Tensor probs = Tensor.of(sim, m, m);
        return Tensor.result(out, "ntXent", new Tensor[] {zc}, new Tensor[] {uT, probs},
                (g, saved) -> new Tensor[] {backward(g, saved[0], saved[1], norm, m, n, d, invT)});
    }

    /** u = the rows of z divided by max(their norm, NORM_EPS); norm = the rows' norms. */
    private static void normalizeRows(Tensor zc, int m, int d, float[] u, float[] norm) {
        float[] zd = zc.storage();
        int zo = zc.offset();
        for (int i = 0; i < m; i++) {
            double ss = 0;
            for (int k = 0; k < d; k++) {
                double v = zd[zo + i * d + k];
                ss += v * v;
            }
            double r = Math.sqrt(ss);
            norm[i] = (float) r;
            float inv = (float) (1.0 / Math.max(r, NORM_EPS));
            for (int k = 0; k < d; k++) u[i * d + k] = zd[zo + i * d + k] * inv;
        }
    }

    /** In place: sim becomes the row softmax P of sim / tau over j != i (P_ii = 0); each row's loss term goes to rowLoss. */
    private static void softmaxRows(float[] sim, int m, int n, float invT, double[] rowLoss) {
        Parallel.forRange(m, Math.max(1, 16384 / m), (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i * m, partner = (i + n) % m;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < m; j++) {
                    if (j != i) max = Math.max(max, sim[row + j] * invT);
                }
                double sum = 0;
                float positive = sim[row + partner] * invT;
                for (int j = 0; j < m; j++) {
                    float e = j == i ? 0f : (float) Math.exp(sim[row + j] * invT - max);
                    sim[row + j] = e;
                    sum += e;
                }
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < m; j++) sim[row + j] *= inv;
                rowLoss[i] = max + Math.log(sum) - positive;
            }
        });
    }

    /** dL/dz from the upstream gradient g (a scalar), the saved unit rows u, the softmax P and the rows' norms. */
    private static Tensor backward(Tensor g, Tensor u, Tensor probs, float[] norm, int m, int n, int d, float invT) {
        float scale = g.item() * invT / m;
        float[] p = probs.storage();
        // G = scale * (P - onehot(partner)); dS = G + G^T, built symmetric directly.
        float[] sym = new float[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) sym[i * m + j] = scale * (p[i * m + j] + p[j * m + i]);
        }
        // The targets: G_{i,p(i)} and, p being an involution, G^T_{i,p(i)} = G_{p(i),i}.
        for (int i = 0; i < m; i++) sym[i * m + (i + n) % m] -= 2 * scale;
        float[] du;
        try (var _ = GradMode.noGrad()) {
            du = Tensor.of(sym, m, m).matmul(u).contiguous().toArray();
        }
        float[] uu = u.storage();
        float[] dz = new float[m * d];
        for (int i = 0; i < m; i++) {
            double dot = 0;
            for (int k = 0; k < d; k++) dot += (double) uu[i * d + k] * du[i * d + k];
            double r = norm[i];
            if (r > NORM_EPS) {
                float inv = (float) (1.0 / r), dd = (float) dot;
                for (int k = 0; k < d; k++) dz[i * d + k] = (du[i * d + k] - uu[i * d + k] * dd) * inv;
            } else { // the clamped branch of max(||z||, eps): z / eps is linear
                float inv = (float) (1.0 / NORM_EPS);
                for (int k = 0; k < d; k++) dz[i * d + k] = du[i * d + k] * inv;
            }
        }
        return Tensor.of(dz, m, d);
    }
}
