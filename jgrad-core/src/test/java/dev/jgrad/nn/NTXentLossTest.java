package dev.jgrad.nn;

import dev.jgrad.autograd.GradCheck;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NTXentLossTest {

    /**
     * Two pairs of orthogonal unit vectors, temperature 1: every row sees its partner at similarity 1 and the
     * two others at 0, so each row's loss is -1 + log(e + 2).
     */
    @Test
    void handComputedCase() {
        Tensor z = Tensor.of(new float[] {1, 0, 0, 1, 1, 0, 0, 1}, 4, 2);
        double expected = Math.log(Math.E + 2) - 1;
        assertEquals(expected, NTXentLoss.ntXent(z, 1.0).item(), 1e-6);
        // Cosine similarity ignores the scale of each embedding.
        Tensor scaled = Tensor.of(new float[] {3, 0, 0, 0.5f, 7, 0, 0, 2}, 4, 2);
        assertEquals(expected, NTXentLoss.ntXent(scaled, 1.0).item(), 1e-6);
        // Temperature 0.5 doubles the logits: -2 + log(e^2 + 2).
        assertEquals(Math.log(Math.exp(2) + 2) - 2, new NTXentLoss(0.5).forward(z).item(), 1e-6);
    }

    @Test
    void perfectPairsAtLowTemperatureCostNearlyNothing() {
        // Partners identical, the other pair opposite: at tau = 0.05 the partner dominates every row.
        Tensor z = Tensor.of(new float[] {1, 0, -1, 0, 1, 0, -1, 0}, 4, 2);
        float loss = NTXentLoss.ntXent(z, 0.05).item();
        assertTrue(loss >= 0 && loss < 1e-6, "loss " + loss);
        assertTrue(Float.isFinite(NTXentLoss.ntXent(z, 1e-4).item()), "stable at tiny temperatures");
    }

    @Test
    void onePairHasNothingToConfuse() {
        Tensor z = Tensor.of(new float[] {1, 2, -3, 0.5f}, 2, 2).requiresGrad(true);
        Tensor loss = NTXentLoss.ntXent(z, 0.5);
        assertEquals(0f, loss.item(), 1e-7f);
        loss.backward();
        for (float v : z.grad().toArray()) assertEquals(0f, v, 1e-7f);
    }

    @Test
    void gradCheck() {
        Tensor z = Tensor.normal(0f, 1f, new Generator(7), 6, 4).requiresGrad(true);
        GradCheck.check("ntXent", in -> NTXentLoss.ntXent(in.get(0), 0.5), List.of(z));
        Tensor z1 = Tensor.normal(0f, 1f, new Generator(8), 3, 5).requiresGrad(true);
        Tensor z2 = Tensor.normal(0f, 1f, new Generator(9), 3, 5).requiresGrad(true);
        GradCheck.check("ntXent two views", in -> NTXentLoss.ntXent(in.get(0), in.get(1), 0.3), List.of(z1, z2));
    }

    @Test
    void gradientIsOrthogonalToEachEmbedding() {
        // The loss depends on z_i only through its direction, so dL/dz_i . z_i = 0.
        Tensor z = Tensor.normal(0f, 2f, new Generator(3), 8, 5).requiresGrad(true);
        NTXentLoss.ntXent(z, 0.2).backward();
        float[] g = z.grad().toArray(), v = z.toArray();
        for (int i = 0; i < 8; i++) {
            double dot = 0, gn = 0;
            for (int k = 0; k < 5; k++) {
                dot += g[i * 5 + k] * v[i * 5 + k];
                gn += g[i * 5 + k] * g[i * 5 + k];
            }
            assertEquals(0, dot, 1e-5 * Math.max(1, Math.sqrt(gn)), "row " + i);
        }
    }

    @Test
    void zeroEmbeddingGivesFiniteValues() {
        Tensor z = Tensor.of(new float[] {0, 0, 1, 0, 1, 1, 0, 1}, 4, 2).requiresGrad(true);
        Tensor loss = NTXentLoss.ntXent(z, 0.5);
        loss.backward();
        assertTrue(Float.isFinite(loss.item()));
        for (float v : z.grad().toArray()) assertTrue(Float.isFinite(v));
    }

    @Test
    void largeBatch() {
        Tensor z = Tensor.normal(0f, 1f, new Generator(1), 512, 64).requiresGrad(true);
        Tensor loss = NTXentLoss.ntXent(z, 0.5);
        loss.backward();
        // Random directions in 64-d are nearly orthogonal: about log(2N - 1) per row.
        assertEquals(Math.log(511), loss.item(), 0.15);
        assertEquals(512, z.grad().size(0));
    }

    @Test
    void clearErrors() {
        var odd = assertThrows(IllegalArgumentException.class, () -> NTXentLoss.ntXent(Tensor.zeros(3, 4), 0.5));
        assertTrue(odd.getMessage().contains("even number") && odd.getMessage().contains("[3, 4]"), odd.getMessage());
        var rank = assertThrows(IllegalArgumentException.class, () -> NTXentLoss.ntXent(Tensor.zeros(4), 0.5));
        assertTrue(rank.getMessage().contains("[2N, d]"), rank.getMessage());
        var temp = assertThrows(IllegalArgumentException.class, () -> new NTXentLoss(0));
        assertTrue(temp.getMessage().contains("temperature"), temp.getMessage());
        var views = assertThrows(IllegalArgumentException.class, () -> NTXentLoss.ntXent(Tensor.zeros(2, 4), Tensor.zeros(3, 4), 0.5));
        assertTrue(views.getMessage().contains("[2, 4]") && views.getMessage().contains("[3, 4]"), views.getMessage());
    }
}
