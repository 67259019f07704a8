package dev.jgrad.nn;

import dev.jgrad.autograd.GradCheck;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** Finite-difference checks of the attention gradients: the fused masked softmax, SDPA with masks, MultiheadAttention. */
class AttentionGradCheckTest {
    private final Generator gen = new Generator(5);

    private Tensor var(int... shape) {
        return Tensor.normal(0f, 1f, gen, shape).requiresGrad(true);
    }

    @Test
    void sdpaWithoutMask() {
        GradCheck.check("sdpa", in -> Functional.scaledDotProductAttention(in.get(0), in.get(1), in.get(2)).output(),
                List.of(var(2, 3, 4), var(2, 5, 4), var(2, 5, 3)));
    }

    @Test
    void sdpaWithBoolMaskAndCausal() {
        Tensor bool = Tensor.of(new float[] {0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0}, 4, 4);
        GradCheck.check("sdpa bool causal", in -> Functional.scaledDotProductAttention(in.get(0), in.get(1), in.get(2),
                AttentionMask.bool(bool), 0.0, true).output(), List.of(var(2, 4, 4), var(2, 4, 4), var(2, 4, 3)));
    }

    @Test
    void sdpaWithALearnedAdditiveMask() {
        // an additive mask that requires grad (a relative-position bias) gets its gradient, broadcast dims summed
        GradCheck.check("sdpa additive", in -> Functional.scaledDotProductAttention(in.get(0), in.get(1), in.get(2),
                AttentionMask.additive(in.get(3)), 0.0, false, 0.7, gen).output(), List.of(var(2, 3, 4), var(2, 5, 4), var(2, 5, 3), var(3, 5)));
    }

    @Test
    void sdpaWithFullyMaskedRowsAndWeightsOutput() {
        Tensor bool = Tensor.of(new float[] {1, 1, 1, 0, 1, 0, 0, 0, 0}, 3, 3); // query 0 sees nothing
        GradCheck.check("sdpa fully masked weights", in -> Functional.scaledDotProductAttention(in.get(0), in.get(1), in.get(2),
                AttentionMask.bool(bool), 0.0, false).weights(), List.of(var(2, 3, 4), var(2, 3, 4), var(2, 3, 3)));
        GradCheck.check("sdpa fully masked output", in -> Functional.scaledDotProductAttention(in.get(0), in.get(1), in.get(2),
                AttentionMask.bool(bool), 0.0, false).output(), List.of(var(2, 3, 4), var(2, 3, 4), var(2, 3, 3)));
    }

    @Test
    void multiheadAttentionInputsAndParameters() {
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.options(4, 2).batchFirst().build(), gen);
        Init.uniform(mha.inProjBias(), -0.5, 0.5, gen);
        AttentionMask pad = AttentionMask.keyPadding(new int[] {3, 2}, 3);
        List<Tensor> inputs = new ArrayList<>(List.of(var(2, 2, 4), var(2, 3, 4), var(2, 3, 4)));
        inputs.addAll(mha.parameters());
        GradCheck.check("mha cross", in -> {
            AttentionOutput o = mha.forward(in.get(0), in.get(1), in.get(2), AttentionArgs.builder().keyPaddingMask(pad).needWeights().averageAttnWeights(false).build());
            return Tensor.cat(List.of(o.output().flatten(0, -1), o.weights().flatten(0, -1)), 0);
        }, inputs);
    }

    @Test
    void multiheadSelfAttentionFusedProjection() {
        MultiheadAttention mha = new MultiheadAttention(MultiheadAttention.options(4, 2).build(), gen);
        List<Tensor> inputs = new ArrayList<>(List.of(var(3, 2, 4)));
        inputs.addAll(mha.parameters());
        GradCheck.check("mha self causal", in -> mha.forward(in.get(0), in.get(0), in.get(0), AttentionArgs.builder().causal().build()).output(), inputs);
    }
}
