package dev.jgrad.ops;

import dev.jgrad.conformance.AssertClose;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.LSTMCell;
import dev.jgrad.nn.RecurrentState;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


/**
 * The fused recurrent steps ({@link LstmStep}, {@link GruStep}, {@link RnnStep}) run by
 * {@link Recurrence}, whose backward through time is written by hand, against the same cells spelt out
 * literally with plain differentiable Tensor ops (matmul, sigmoid, tanh, mul, add, narrow) and left to
 * autograd. Same weights, same input and initial state, a loss that weighs every output, h_n and c_n:
 * outputs and all gradients must agree to float rounding.
 */
class LstmStepTest {
    private static final int T = 5, B = 3, IN = 4, H = 6;
    private static final double RTOL = 1e-5, ATOL = 1e-6;

    enum Kind {
        LSTM(LstmStep.INSTANCE), GRU(GruStep.INSTANCE), RNN_TANH(RnnStep.TANH), RNN_RELU(RnnStep.RELU);

        final StepFunction step;

        Kind(StepFunction step) {
            this.step = step;
        }

        boolean cell() {
            return this == LSTM;
        }
    }

    /** Everything a run differentiates, by name, as fresh leaves: x, h0, (c0), weight_ih, weight_hh, (bias_ih, bias_hh). */
    private static Map<String, Tensor> leaves(Kind kind, boolean bias, long seed) {
        Generator gen = new Generator(seed);
        int gh = kind.step.gates() * H;
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("x", Tensor.normal(0f, 1f, gen, T, B, IN));
        m.put("h0", Tensor.normal(0f, 1f, gen, B, H));
        if (kind.cell()) m.put("c0", Tensor.normal(0f, 1f, gen, B, H));
        m.put("weight_ih", Tensor.uniform(-0.6f, 0.6f, gen, gh, IN));
        m.put("weight_hh", Tensor.uniform(-0.6f, 0.6f, gen, gh, H));
        if (bias) {
            m.put("bias_ih", Tensor.uniform(-0.6f, 0.6f, gen, gh));
            m.put("bias_hh", Tensor.uniform(-0.6f, 0.6f, gen, gh));
        }
        m.values().forEach(t -> t.requiresGrad(true));
        return m;
    }

    private record Result(Tensor out, Tensor hN, Tensor cN) {}

    /** The fused path: one GEMM for the input projection, then Recurrence with the cell's StepFunction. */
    private static Result fused(Kind kind, Map<String, Tensor> p, int[] lengths) {
        Tensor xproj = Functional.linear(p.get("x"), p.get("weight_ih"), p.get("bias_ih"));
        Tensor y = Recurrence.run(kind.step, xproj, p.get("weight_hh"), p.get("bias_hh"), p.get("h0"), p.get("c0"), lengths);
        return new Result(y.narrow(0, 0, T), y.select(0, T), kind.cell() ? y.select(0, T + 1) : null);
    }

    /** The cell equations as written in LSTMCell / GRUCell / RNNCell, one Tensor op at a time. */
    private static Result composite(Kind kind, Map<String, Tensor> p, int[] lengths) {
        Tensor wIh = p.get("weight_ih"), wHh = p.get("weight_hh"), bIh = p.get("bias_ih"), bHh = p.get("bias_hh");
        Tensor h = p.get("h0"), c = p.get("c0");
        List<Tensor> outs = new ArrayList<>();
        for (int t = 0; t < T; t++) {
            Tensor xt = p.get("x").select(0, t);
            Tensor xg = xt.matmul(wIh.t()), hg = h.matmul(wHh.t());
            if (bIh != null) {
                xg = xg.add(bIh);
                hg = hg.add(bHh);
            }
            Tensor hNew, cNew = null;
            switch (kind) {
                case LSTM -> {
                    Tensor a = xg.add(hg);
                    Tensor i = a.narrow(1, 0, H).sigmoid();
                    Tensor f = a.narrow(1, H, H).sigmoid();
                    Tensor g = a.narrow(1, 2 * H, H).tanh();
                    Tensor o = a.narrow(1, 3 * H, H).sigmoid();
                    cNew = f.mul(c).add(i.mul(g));
                    hNew = o.mul(cNew.tanh());
                }
                case GRU -> {
                    Tensor r = xg.narrow(1, 0, H).add(hg.narrow(1, 0, H)).sigmoid();
                    Tensor z = xg.narrow(1, H, H).add(hg.narrow(1, H, H)).sigmoid();
                    Tensor n = xg.narrow(1, 2 * H, H).add(r.mul(hg.narrow(1, 2 * H, H))).tanh();
                    hNew = z.rsub(1f).mul(n).add(z.mul(h));
                }
                case RNN_TANH -> hNew = xg.add(hg).tanh();
                case RNN_RELU -> hNew = xg.add(hg).relu();
                default -> throw new IllegalStateException();
            }
            if (lengths == null) {
                outs.add(hNew);
                h = hNew;
                c = cNew;
            } else {
                // a finished sequence keeps its state and outputs zeros
                Tensor active = activeAt(t, lengths);
                outs.add(hNew.mul(active));
                h = Tensor.where(active, hNew, h);
                c = cNew == null ? null : Tensor.where(active, cNew, c);
            }
        }
        return new Result(Tensor.stack(outs, 0), h, c);
    }

    private static Tensor activeAt(int t, int[] lengths) {
        float[] m = new float[lengths.length];
        for (int b = 0; b < lengths.length; b++) m[b] = t < lengths[b] ? 1f : 0f;
        return Tensor.of(m, lengths.length, 1);
    }

    /** sum(out * R1) + sum(h_n * R2) + sum(c_n * R3), with the same random R's for both paths. */
    private static Tensor loss(Result r, long seed) {
        Generator gen = new Generator(seed);
        Tensor loss = r.out.mul(Tensor.normal(0f, 1f, gen, T, B, H)).sum().add(r.hN.mul(Tensor.normal(0f, 1f, gen, B, H)).sum());
        return r.cN == null ? loss : loss.add(r.cN.mul(Tensor.normal(0f, 1f, gen, B, H)).sum());
    }

    private static void compare(String name, Kind kind, boolean bias, int[] lengths) {
        Map<String, Tensor> a = leaves(kind, bias, 31), b = leaves(kind, bias, 31);
        Result f = fused(kind, a, lengths), c = composite(kind, b, lengths);
        assertClose(name + " out", c.out, f.out);
        assertClose(name + " h_n", c.hN, f.hN);
        if (kind.cell()) assertClose(name + " c_n", c.cN, f.cN);
        loss(f, 5).backward();
        loss(c, 5).backward();
        for (String key : a.keySet()) assertClose(name + " " + key + ".grad", b.get(key).grad(), a.get(key).grad());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void fusedStepMatchesCompositeOverSteps(Kind kind) {
        compare(kind.name().toLowerCase(Locale.ROOT), kind, true, null);
    }

    /** Without biases, and with sequences ending early: their state is carried and their gradient passes straight through. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void fusedStepMatchesCompositeWithLengthsAndNoBias(Kind kind) {
        compare(kind.name().toLowerCase(Locale.ROOT) + " lengths", kind, false, new int[] {T, 2, 1});
    }

    /** LSTMCell.forward, one fused op per step chained through the graph, against the composite over the whole sequence. */
    @Test
    void lstmCellChainedOverStepsMatchesComposite() {
        Map<String, Tensor> a = leaves(Kind.LSTM, true, 47), b = leaves(Kind.LSTM, true, 47);
        LSTMCell cell = new LSTMCell(IN, H, true, new Generator(0));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (String key : List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh")) weights.put(key, a.get(key).detach());
        cell.loadStateDict(weights);
        RecurrentState s = new RecurrentState(a.get("h0"), a.get("c0"));
        List<Tensor> outs = new ArrayList<>();
        for (int t = 0; t < T; t++) {
            s = cell.forward(a.get("x").select(0, t), s);
            outs.add(s.h());
        }
        Result f = new Result(Tensor.stack(outs, 0), s.h(), s.c()), c = composite(Kind.LSTM, b, null);
        assertClose("lstm cell out", c.out, f.out);
        assertClose("lstm cell h_n", c.hN, f.hN);
        assertClose("lstm cell c_n", c.cN, f.cN);
        loss(f, 9).backward();
        loss(c, 9).backward();
        for (String key : List.of("x", "h0", "c0")) assertClose("lstm cell " + key + ".grad", b.get(key).grad(), a.get(key).grad());
        cell.namedParameters().forEach((key, p) -> assertClose("lstm cell " + key + ".grad", b.get(key).grad(), p.grad()));
    }

    private static void assertClose(String name, Tensor expected, Tensor actual) {
        AssertClose.assertClose(name, expected, actual, RTOL, ATOL);
    }
}
