package dev.jgrad.nn;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.List;
import java.util.Locale;

/**
 * SimCLR's normalised temperature-scaled cross-entropy (Chen et al., 2020), for 2N embeddings z [2N, d]
 * in which rows i and i + N are two views of the same example.
 *
 * <p>With u_i = z_i / max(||z_i||, 1e-12) (F.normalize) and s_ij = u_i . u_j / tau, each row is a
 * classification over the 2N - 1 other rows whose answer is its partner p(i) = (i + N) mod 2N:
 * l_i = -s_{i,p(i)} + log sum_{j != i} exp(s_ij), and the loss is the mean of l_i over all 2N rows.
 * That is exactly {@code F.cross_entropy(sim.masked_fill(eye, -inf), targets)} in PyTorch.
 *
 * <p>One fused op: the similarities are one [2N, d] x [d, 2N] SGEMM, the row log-sum-exps subtract the row
 * maximum (stable for any temperature), and the backward is hand-written: with P the row softmax
 * (P_ii = 0) and G = (P - onehot(p)) / (2N tau), dU = (G + G^T) U, then through the normalisation
 * dz_i = (dU_i - u_i (u_i . dU_i)) / ||z_i||. Memory is one [2N, 2N] matrix.
 */
// Constructors register nothing but the pattern is Module's.
@SuppressWarnings("this-escape")
public class NTXentLoss extends Module {
    /** F.normalize's floor on the norm, so that a zero embedding gives zeros, not NaN. */
    public static final double NORM_EPS = 1e-12;

    private final double temperature;

    public NTXentLoss(double temperature) {
        checkTemperature(temperature);
        this.temperature = temperature;
    }

    public double temperature() {
        return temperature;
    }

    /** z [2N, d], partners N rows apart. */
    public Tensor forward(Tensor z) {
        return ntXent(z, temperature);
    }

    /** The two views' embeddings z1, z2 [N, d], row i of one paired with row i of the other. */
    public Tensor forward(Tensor z1, Tensor z2) {
        return ntXent(z1, z2, temperature);
    }

    @Override
    protected String extraRepr() {
        return String.format(Locale.ROOT, "temperature=%s", temperature);
    }

    private static void checkTemperature(double temperature) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("NT-Xent: temperature must be positive and finite, got " + temperature);
        }
    }

    /** ntXent(cat([z1, z2]), temperature). */
    public static Tensor ntXent(Tensor z1, Tensor z2, double temperature) {
        if (z1.dim() != 2 || z2.dim() != 2 || z1.size(0) != z2.size(0) || z1.size(1) != z2.size(1)) {
            throw new IllegalArgumentException("NT-Xent: the two views must both be [N, d] with the same N and d, got "
                    + Shape.str(z1.shape()) + " and " + Shape.str(z2.shape()));
        }
        return ntXent(Tensor.cat(List.of(z1, z2), 0), temperature);
    }

    /** The mean NT-Xent loss (a scalar) of z [2N, d] whose rows i and i + N are positives. */
    public static Tensor ntXent(Tensor z, double temperature) {
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
        float[] zd = zc.storage();
        int zo = zc.offset();
        float[] u = new float[m * d], norm = new float[m];
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
        Tensor uT = Tensor.of(u, m, d);
        float[] sim;
        try (var _ = GradMode.noGrad()) {
            sim = uT.matmul(uT.t()).contiguous().toArray(); // [m, m] cosine similarities
        }
        // In place: sim becomes the row softmax P over j != i (P_ii = 0); the loss terms go to rowLoss.
        double[] rowLoss = new double[m];
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
        double total = 0;
        for (double v : rowLoss) total += v;
        Tensor out = Tensor.scalar((float) (total / m));
        Tensor probs = Tensor.of(sim, m, m);
        return Tensor.result(out, "ntXent", new Tensor[] {zc}, new Tensor[] {uT, probs}, (g, saved) -> {
            float scale = g.item() * invT / m;
            float[] p = saved[1].storage();
            // G = scale * (P - onehot(partner)); dS = G + G^T, built symmetric directly.
            float[] sym = new float[m * m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) sym[i * m + j] = scale * (p[i * m + j] + p[j * m + i]);
            }
            // The targets: G_{i,p(i)} and, p being an involution, G^T_{i,p(i)} = G_{p(i),i}.
            for (int i = 0; i < m; i++) sym[i * m + (i + n) % m] -= 2 * scale;
            float[] du;
            try (var _ = GradMode.noGrad()) {
                du = Tensor.of(sym, m, m).matmul(saved[0]).contiguous().toArray();
            }
            float[] uu = saved[0].storage();
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
            return new Tensor[] {Tensor.of(dz, m, d)};
        });
    }
}
