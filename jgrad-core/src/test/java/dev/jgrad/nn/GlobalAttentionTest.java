package dev.jgrad.nn;

import dev.jgrad.autograd.GradCheck;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Additive (Bahdanau) and Luong (dot, general) attention: gradients, masks, the prepared keys, and errors. */
class GlobalAttentionTest {
    private final Generator gen = new Generator(9);

    private Tensor var(int... shape) {
        return Tensor.normal(0f, 1f, gen, shape).requiresGrad(true);
    }

    private List<GlobalAttention> all() {
        return List.of(new AdditiveAttention(4, 3, 5, gen), new LuongAttention(LuongAttention.Score.DOT, 3, 3, gen),
                new LuongAttention(LuongAttention.Score.GENERAL, 4, 3, gen));
    }

    /** Context and weights in one tensor, so one check covers both. */
    private static Tensor both(AttentionOutput o) {
        return Tensor.cat(List.of(o.output().flatten(0, -1), o.weights().flatten(0, -1)), 0);
    }

    @Test
    void gradientsOfInputsAndParametersMatchFiniteDifferences() {
        AttentionMask padding = AttentionMask.keyPadding(new int[] {4, 2, 3}, 4);
        for (GlobalAttention attn : all()) {
            List<Tensor> inputs = new ArrayList<>(List.of(var(3, attn.queryDim()), var(3, 4, attn.keyDim()), var(3, 4, 2)));
            inputs.addAll(attn.parameters());
            GradCheck.check(attn.getClass().getSimpleName() + " " + attn.extraRepr(),
                    in -> both(attn.forward(in.get(0), in.get(1), in.get(2), padding)), inputs);
        }
    }

    @Test
    void preparedKeysReusedAcrossStepsGetTheSumOfTheirGradients() {
        // A decoder prepares the keys once and attends with them at every step.
        AdditiveAttention attn = new AdditiveAttention(3, 3, 4, gen);
        AttentionMask padding = AttentionMask.keyPadding(new int[] {3, 1}, 3);
        List<Tensor> inputs = new ArrayList<>(List.of(var(2, 3), var(2, 3), var(2, 3, 3)));
        inputs.addAll(attn.parameters());
        GradCheck.check("two steps", in -> {
            Tensor keys = attn.prepareKeys(in.get(2));
            Tensor c1 = attn.attend(in.get(0), keys, in.get(2), padding).output();
            Tensor c2 = attn.attend(in.get(1).add(c1), keys, in.get(2), padding).output();
            return c2;
        }, inputs);
    }

    @Test
    void paddingGetsExactlyZeroWeightAndDoesNotChangeTheResult() {
        for (GlobalAttention attn : all()) {
            Tensor q = Tensor.normal(0f, 1f, gen, 2, attn.queryDim());
            Tensor k = Tensor.normal(0f, 1f, gen, 2, 5, attn.keyDim()), v = Tensor.normal(0f, 1f, gen, 2, 5, 3);
            AttentionOutput o = attn.forward(q, k, v, AttentionMask.keyPadding(new int[] {5, 2}, 5));
            assertArrayEquals(new int[] {2, 3}, o.output().shape());
            assertArrayEquals(new int[] {2, 5}, o.weights().shape());
            for (int b = 0; b < 2; b++) {
                double sum = 0;
                for (int j = 0; j < 5; j++) sum += o.weights().get(b, j);
                assertEquals(1.0, sum, 1e-5);
            }
            for (int j = 2; j < 5; j++) assertEquals(0f, o.weights().get(1, j), "padding position " + j);
            // The second sentence alone, without its padding, gives the same context and weights.
            AttentionOutput alone = attn.forward(q.narrow(0, 1, 1), k.narrow(0, 1, 1).narrow(1, 0, 2), v.narrow(0, 1, 1).narrow(1, 0, 2), null);
            assertArrayEquals(alone.output().toArray(), o.output().narrow(0, 1, 1).toArray(), 1e-6f);
            assertArrayEquals(alone.weights().toArray(), o.weights().narrow(0, 1, 1).narrow(1, 0, 2).toArray(), 1e-6f);
            // A mask from token ids (0 = padding) is the same mask.
            AttentionOutput fromIds = attn.forward(q, k, v, AttentionMask.padding(dev.jgrad.tensor.IntTensor.of(
                    new int[] {5, 6, 7, 8, 3, 5, 3, 0, 0, 0}, 2, 5), 0));
            assertArrayEquals(o.weights().toArray(), fromIds.weights().toArray(), 0f);
        }
    }

    @Test
    void aFullyMaskedSentenceGetsZeroWeightsNotNaN() {
        GlobalAttention attn = new LuongAttention(LuongAttention.Score.DOT, 3, 3, gen);
        Tensor mask = Tensor.of(new float[] {0, 0, 1, 1, 1, 1}, 2, 3);
        AttentionOutput o = attn.forward(Tensor.ones(2, 3), Tensor.ones(2, 3, 3), Tensor.ones(2, 3, 2), AttentionMask.bool(mask));
        assertArrayEquals(new float[] {0, 0, 0}, o.weights().narrow(0, 1, 1).toArray());
        assertArrayEquals(new float[] {0, 0}, o.output().narrow(0, 1, 1).toArray());
    }

    @Test
    void dotScoreIsTheUnscaledDotProductAndGeneralWithIdentityEqualsDot() {
        LuongAttention dot = new LuongAttention(LuongAttention.Score.DOT, 2, 2, gen);
        Tensor q = Tensor.of(new float[] {1, 2}, 1, 2), k = Tensor.of(new float[] {1, 0, 0, 1}, 1, 2, 2);
        Tensor w = dot.forward(q, k, k, null).weights();
        double e1 = Math.exp(1), e2 = Math.exp(2);
        assertArrayEquals(new float[] {(float) (e1 / (e1 + e2)), (float) (e2 / (e1 + e2))}, w.toArray(), 1e-6f);
        assertSame(k, dot.prepareKeys(k), "dot has nothing to prepare");
        LuongAttention general = new LuongAttention(LuongAttention.Score.GENERAL, 2, 2, gen);
        try (var _ = dev.jgrad.autograd.GradMode.noGrad()) {
            general.getParameter("key_proj.weight").copyFrom(Tensor.of(new float[] {1, 0, 0, 1}, 2, 2));
        }
        assertArrayEquals(w.toArray(), general.forward(q, k, k, null).weights().toArray(), 1e-6f);
        assertEquals(0, dot.parameters().size());
    }

    @Test
    void additiveScoreIsVTanhOfTheSum() {
        AdditiveAttention attn = new AdditiveAttention(2, 2, 3, gen);
        Tensor q = Tensor.normal(0f, 1f, gen, 1, 2), k = Tensor.normal(0f, 1f, gen, 1, 4, 2);
        Tensor wq = attn.getParameter("query_proj.weight"), wk = attn.getParameter("key_proj.weight"), b = attn.getParameter("key_proj.bias");
        Tensor v = attn.getParameter("v.weight");
        float[] expected = new float[4];
        for (int j = 0; j < 4; j++) {
            Tensor kj = k.select(1, j); // [1, 2]
            Tensor e = q.matmul(wq.t()).add(kj.matmul(wk.t())).add(b).tanh().matmul(v.t()); // [1, 1]
            expected[j] = e.item();
        }
        Tensor scores = Tensor.of(expected, 1, 4).softmax(-1);
        assertArrayEquals(scores.toArray(), attn.forward(q, k, k, null).weights().toArray(), 1e-6f);
        assertArrayEquals(new int[] {1, 4, 3}, attn.prepareKeys(k).shape());
    }

    @Test
    void wrongShapesAreClearErrors() {
        AdditiveAttention attn = new AdditiveAttention(4, 3, 5, gen);
        Tensor q = Tensor.zeros(2, 4), k = Tensor.zeros(2, 6, 3), v = Tensor.zeros(2, 6, 7);
        var e = assertThrows(IllegalArgumentException.class, () -> attn.forward(Tensor.zeros(2, 3), k, v, null));
        assertTrue(e.getMessage().contains("query of shape [batch, 4], got [2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> attn.forward(q, Tensor.zeros(2, 6, 4), v, null));
        assertTrue(e.getMessage().contains("keys of shape [batch, source length, 3], got [2, 6, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> attn.forward(q, Tensor.zeros(3, 6, 3), Tensor.zeros(3, 6, 7), null));
        assertTrue(e.getMessage().contains("prepared keys of shape [2, source length, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> attn.forward(q, k, Tensor.zeros(2, 5, 7), null));
        assertTrue(e.getMessage().contains("values of shape [2, 6, size]") && e.getMessage().contains("[2, 5, 7]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> attn.forward(q, k, v, AttentionMask.keyPadding(new int[] {3, 2}, 5)));
        assertTrue(e.getMessage().contains("padding mask of shape [2, 6] (batch, source length), got [2, 5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LuongAttention(LuongAttention.Score.DOT, 4, 3, gen));
        assertTrue(e.getMessage().contains("dot score needs queries and keys of one size, got 4 and 3"), e.getMessage());
    }
}
