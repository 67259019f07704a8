package dev.jgrad.nn;

import dev.jgrad.ops.NTXentOp;
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
 * <p>The loss is one fused op with a hand-written backward, {@link NTXentOp}.
 */
// Constructors register nothing but the pattern is Module's.
@SuppressWarnings("this-escape")
public class NTXentLoss extends Module {
    /** F.normalize's floor on the norm, so that a zero embedding gives zeros, not NaN. */
    public static final double NORM_EPS = NTXentOp.NORM_EPS;

    private final double temperature;

    /**
     * A loss at the given temperature.
     *
     * @param temperature the softmax temperature tau, positive and finite (SimCLR uses 0.1 to 0.5)
     * @throws IllegalArgumentException when the temperature is not positive and finite
     */
    public NTXentLoss(double temperature) {
        NTXentOp.checkTemperature(temperature);
        this.temperature = temperature;
    }

    /**
     * The softmax temperature.
     *
     * @return tau
     */
    public double temperature() {
        return temperature;
    }

    /**
     * z [2N, d], partners N rows apart.
     *
     * @param z the embeddings [2N, d]: the N first views, then the N second views
     * @return the mean loss, a scalar
     * @throws IllegalArgumentException when z is not 2-D with an even number (at least 2) of rows
     */
    public Tensor forward(Tensor z) {
        return ntXent(z, temperature);
    }

    /**
     * The two views' embeddings z1, z2 [N, d], row i of one paired with row i of the other.
     *
     * @param z1 the first views' embeddings [N, d]
     * @param z2 the second views' embeddings [N, d]
     * @return the mean loss, a scalar
     * @throws IllegalArgumentException when the shapes are not both [N, d]
     */
    public Tensor forward(Tensor z1, Tensor z2) {
        return ntXent(z1, z2, temperature);
    }

    @Override
    protected String extraRepr() {
        return String.format(Locale.ROOT, "temperature=%s", temperature);
    }

    /**
     * ntXent(cat([z1, z2]), temperature).
     *
     * @param z1 the first views' embeddings [N, d]
     * @param z2 the second views' embeddings [N, d]
     * @param temperature the softmax temperature, positive and finite
     * @return the mean loss, a scalar, differentiable with respect to both views
     * @throws IllegalArgumentException when the shapes are not both [N, d] or the temperature is invalid
     */
    public static Tensor ntXent(Tensor z1, Tensor z2, double temperature) {
        if (z1.dim() != 2 || z2.dim() != 2 || z1.size(0) != z2.size(0) || z1.size(1) != z2.size(1)) {
            throw new IllegalArgumentException("NT-Xent: the two views must both be [N, d] with the same N and d, got "
                    + Shape.str(z1.shape()) + " and " + Shape.str(z2.shape()));
        }
        return ntXent(Tensor.cat(List.of(z1, z2), 0), temperature);
    }

    /**
     * The mean NT-Xent loss (a scalar) of z [2N, d] whose rows i and i + N are positives (the op: {@link NTXentOp}).
     *
     * @param z the embeddings [2N, d]
     * @param temperature the softmax temperature, positive and finite
     * @return the mean loss, a scalar, differentiable with respect to z
     * @throws IllegalArgumentException when z's shape or the temperature is invalid
     */
    public static Tensor ntXent(Tensor z, double temperature) {
        return NTXentOp.apply(z, temperature);
    }
}
