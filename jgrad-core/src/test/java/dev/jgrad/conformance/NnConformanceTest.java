package dev.jgrad.conformance;

import dev.jgrad.nn.CrossEntropyLoss;
import dev.jgrad.nn.Embedding;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.LayerNorm;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.LossOptions;
import dev.jgrad.nn.Reduction;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static dev.jgrad.conformance.AssertClose.assertClose;

/**
 * dev.jgrad.nn against PyTorch 1.13: modules get the fixture's parameters through loadStateDict (with
 * PyTorch's names), then outputs and all gradients of out.backward(grad_output) must match.
 */
class NnConformanceTest {

    private static Map<String, Tensor> params(Fixture f, String... names) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String n : names) state.put(n, f.get(n));
        return state;
    }

    @ParameterizedTest
    @ValueSource(strings = {"layer_norm", "layer_norm_2d"})
    void layerNorm(String name) {
        Fixture f = Fixture.load(name);
        LayerNorm ln = new LayerNorm(f.metaInts("normalized_shape"), f.metaDouble("eps"), true);
        ln.loadStateDict(params(f, "weight", "bias"));
        Tensor x = f.leaf("x");
        Tensor out = ln.forward(x);
        assertClose(name + " out", f.get("out"), out);
        out.backward(f.get("grad_output"));
        assertClose(name + " x.grad", f.get("x.grad"), x.grad());
        assertClose(name + " weight.grad", f.get("weight.grad"), ln.weight().grad());
        assertClose(name + " bias.grad", f.get("bias.grad"), ln.bias().grad());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cross_entropy_mean", "cross_entropy_mean_smoothing", "cross_entropy_sum_smoothing",
            "cross_entropy_none_ignore3", "cross_entropy_ncd", "cross_entropy_ncd_none_smoothing"})
    void crossEntropy(String name) {
        Fixture f = Fixture.load(name);
        LossOptions options = new LossOptions(Reduction.valueOf(f.meta("reduction").toUpperCase(Locale.ROOT)),
                f.metaInt("ignore_index"), f.metaDouble("label_smoothing"));
        IntTensor target = f.indices("target");
        Tensor logits = f.leaf("logits");
        Tensor out = Functional.crossEntropy(logits, target, options);
        assertClose(name + " out", f.get("out"), out);
        out.backward(f.get("grad_output"));
        assertClose(name + " logits.grad", f.get("logits.grad"), logits.grad());

        Tensor viaModule = new CrossEntropyLoss(options).forward(f.get("logits"), target);
        assertClose(name + " CrossEntropyLoss out", f.get("out"), viaModule);
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "linear_no_bias"})
    void linear(String name) {
        Fixture f = Fixture.load(name);
        boolean bias = f.metaBool("bias");
        Linear lin = new Linear(f.metaInt("in_features"), f.metaInt("out_features"), bias);
        lin.loadStateDict(bias ? params(f, "weight", "bias") : params(f, "weight"));
        Tensor x = f.leaf("x");
        Tensor out = lin.forward(x);
        assertClose(name + " out", f.get("out"), out);
        out.backward(f.get("grad_output"));
        assertClose(name + " x.grad", f.get("x.grad"), x.grad());
        assertClose(name + " weight.grad", f.get("weight.grad"), lin.weight().grad());
        if (bias) assertClose(name + " bias.grad", f.get("bias.grad"), lin.bias().grad());
    }

    @Test
    void embeddingWithPaddingIdx() {
        Fixture f = Fixture.load("embedding");
        Embedding emb = new Embedding(f.metaInt("num_embeddings"), f.metaInt("embedding_dim"), f.metaInt("padding_idx"));
        emb.loadStateDict(params(f, "weight"));
        Tensor out = emb.forward(f.indices("indices"));
        assertClose("embedding out", f.get("out"), out);
        out.backward(f.get("grad_output"));
        // the padding row gets no gradient although index 0 occurs three times
        assertClose("embedding weight.grad", f.get("weight.grad"), emb.weight().grad());
    }
}
