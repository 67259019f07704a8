package dev.jgrad.autograd;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

/** Finite-difference checks of every differentiable op, including broadcasting, views and reductions. */
class OpsGradCheckTest {
    private final Generator gen = new Generator(42);

    private Tensor var(int... shape) {
        return Tensor.normal(0f, 1f, gen, shape).requiresGrad(true);
    }

    /** Values bounded away from zero, for log, sqrt, div and pow. */
    private Tensor positive(int... shape) {
        return Tensor.uniform(0.5f, 2f, gen, shape).requiresGrad(true);
    }

    /** Values at least 0.1 away from zero, for ops with a kink at 0 (abs, relu): finite differences must not straddle it. */
    private Tensor awayFromZero(int... shape) {
        Tensor mag = Tensor.uniform(0.1f, 2f, gen, shape);
        Tensor sign = Tensor.bernoulli(0.5f, gen, shape).mul(2f).sub(1f);
        return mag.mul(sign).detach().requiresGrad(true);
    }

    private static void check(String name, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        GradCheck.check(name, f, List.of(inputs));
    }

    @Test
    void binaryOpsWithBroadcasting() {
        check("add", in -> in.get(0).add(in.get(1)), var(3, 4), var(4));
        check("sub", in -> in.get(0).sub(in.get(1)), var(2, 1, 4), var(3, 1));
        check("mul", in -> in.get(0).mul(in.get(1)), var(2, 3, 4), var(1, 3, 1));
        check("div", in -> in.get(0).div(in.get(1)), var(3, 4), positive(3, 1));
        check("pow tensor", in -> in.get(0).pow(in.get(1)), positive(2, 3), var(3));
        check("maximum", in -> in.get(1).add(in.get(0)).maximum(in.get(1)), awayFromZero(4, 5), var(5));
        check("minimum", in -> in.get(0).add(in.get(1)).minimum(in.get(1)), awayFromZero(4, 5), var(4, 1));
        check("same input twice", in -> in.get(0).mul(in.get(0)).add(in.get(0)), var(3, 3));
    }

    @Test
    void scalarOps() {
        check("scaleShift", in -> in.get(0).mul(3f).add(1f).neg().rsub(2f).div(4f), var(5));
    }

    @Test
    void unaryOps() {
        check("exp", in -> in.get(0).exp(), var(3, 4));
        check("log", in -> in.get(0).log(), positive(3, 4));
        check("sqrt", in -> in.get(0).sqrt(), positive(3, 4));
        check("abs", in -> in.get(0).abs(), awayFromZero(3, 4));
        check("tanh", in -> in.get(0).tanh(), var(3, 4));
        check("sigmoid", in -> in.get(0).sigmoid(), var(3, 4));
        check("relu", in -> in.get(0).relu(), awayFromZero(3, 4));
        check("gelu", in -> in.get(0).gelu(), var(3, 4));
        check("clamp", in -> in.get(0).clamp(-0.05f, 0.05f), awayFromZero(3, 4));
        check("clamp inside", in -> in.get(0).clamp(-5f, 5f), var(3, 4));
        check("pow 3", in -> in.get(0).pow(3f), var(3, 4));
        check("pow -0.5", in -> in.get(0).pow(-0.5f), positive(3, 4));
    }

    @Test
    void unaryOpsOnViews() {
        check("tanh of transpose", in -> in.get(0).transpose(0, 1).tanh(), var(3, 4));
        check("exp of narrow", in -> in.get(0).narrow(1, 1, 2).exp(), var(3, 4));
    }

    @Test
    void whereAndMaskedFill() {
        Tensor cond = Tensor.of(new float[] {1, 0, 1, 0, 0, 1}, 2, 3);
        check("where", in -> Tensor.where(cond, in.get(0), in.get(1)), var(2, 3), var(3));
        Tensor mask = Tensor.of(new float[] {0, 1, 0}, 3);
        check("maskedFill", in -> in.get(0).maskedFill(mask, -5f), var(2, 3));
    }

    @Test
    void views() {
        check("reshape", in -> in.get(0).reshape(4, 3).mul(in.get(1)), var(2, 6), var(3));
        check("permute", in -> in.get(0).permute(2, 0, 1).mul(in.get(1)), var(2, 3, 4), var(4, 2, 3));
        check("transpose", in -> in.get(0).transpose(0, 2).contiguous(), var(2, 3, 4));
        check("narrow", in -> in.get(0).narrow(0, 1, 2), var(4, 3));
        check("slice with step", in -> in.get(0).slice(1, -5, 100, 2), var(3, 6));
        check("select", in -> in.get(0).select(1, -1), var(4, 3));
        check("expand", in -> in.get(0).expand(2, 3, 4).mul(in.get(1)), var(3, 1), var(2, 3, 4));
        check("squeeze/unsqueeze", in -> in.get(0).unsqueeze(0).squeeze(0).unsqueeze(2), var(3, 4));
        check("flatten", in -> in.get(0).flatten(1, 2), var(2, 3, 4));
        check("clone", in -> in.get(0).clone(), var(2, 3));
    }

    @Test
    void reductions() {
        check("sum all", in -> in.get(0).sum(), var(3, 4));
        check("sum dim", in -> in.get(0).sum(1, false), var(3, 4, 2));
        check("sum dims keepdim", in -> in.get(0).sum(new int[] {0, 2}, true), var(3, 4, 2));
        check("mean", in -> in.get(0).mean(-1, true), var(3, 4));
        check("max dim", in -> in.get(0).max(1, false), var(3, 5));
        check("max all", in -> in.get(0).max(), var(3, 5));
        check("var", in -> in.get(0).var(new int[] {1}, false), var(3, 5));
        check("var biased", in -> in.get(0).var(new int[] {0, 1}, 0, true), var(3, 5));
        check("logsumexp", in -> in.get(0).logsumexp(0, false), var(3, 5));
        check("sum of transposed", in -> in.get(0).transpose(0, 1).sum(0, false), var(3, 4));
    }

    @Test
    void matmul() {
        check("2d", in -> in.get(0).matmul(in.get(1)), var(3, 4), var(4, 5));
        check("transposed operands", in -> in.get(0).t().matmul(in.get(1).t()), var(4, 3), var(5, 4));
        check("batched broadcast", in -> in.get(0).matmul(in.get(1)), var(2, 1, 3, 4), var(3, 4, 2));
        check("stack times matrix", in -> in.get(0).matmul(in.get(1)), var(2, 3, 4), var(4, 5));
        check("vector-matrix", in -> in.get(0).matmul(in.get(1)), var(4), var(4, 3));
        check("matrix-vector", in -> in.get(0).matmul(in.get(1)), var(3, 4), var(4));
        check("dot", in -> in.get(0).matmul(in.get(1)), var(4), var(4));
    }

    @Test
    void softmax() {
        check("softmax last", in -> in.get(0).softmax(-1), var(3, 5));
        check("softmax dim 0", in -> in.get(0).softmax(0), var(3, 5));
        check("logSoftmax", in -> in.get(0).logSoftmax(1), var(2, 4, 3));
    }

    @Test
    void joiningAndIndexing() {
        check("cat", in -> Tensor.cat(List.of(in.get(0), in.get(1)), 1), var(2, 3), var(2, 2));
        check("stack", in -> Tensor.stack(List.of(in.get(0), in.get(1)), 0), var(2, 3), var(2, 3));
        check("split", in -> in.get(0).split(new int[] {1, 3}, 1).get(1), var(2, 4));
        check("chunk", in -> in.get(0).chunk(2, 0).get(0).mul(in.get(0).chunk(2, 0).get(1)), var(4, 3));
        IntTensor idx = IntTensor.of(new int[] {2, 0, 2, 1});
        check("indexSelect dim 0 (embedding)", in -> in.get(0).indexSelect(0, idx), var(3, 4));
        check("indexSelect dim 1", in -> in.get(0).indexSelect(1, idx), var(2, 3));
        IntTensor g = IntTensor.of(new int[] {0, 2, 1, 1, 2, 0}, 3, 2);
        check("gather", in -> in.get(0).gather(1, g), var(3, 4));
        check("gather transposed", in -> in.get(0).t().gather(1, g), var(4, 3));
    }

    @Test
    void longChainAccumulatesSharedWeights() {
        // An unrolled recurrence h_t = tanh(W h_{t-1} + x_t): W's gradient is the sum over time steps.
        check("rnn unroll", in -> {
            Tensor h = Tensor.zeros(3, 1);
            for (int t = 0; t < 6; t++) h = in.get(0).matmul(h).add(in.get(1).narrow(1, t, 1)).tanh();
            return h;
        }, var(3, 3), var(3, 6));
    }
}
