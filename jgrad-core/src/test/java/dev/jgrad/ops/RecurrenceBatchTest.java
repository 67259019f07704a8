package dev.jgrad.ops;

import dev.jgrad.conformance.AssertClose;
import dev.jgrad.nn.Functional;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


/**
 * {@link Recurrence} multiplies a large batch's hidden states with W_hh packed once per sequence (transposed
 * products, W_hh split into row chunks per core), and a batch of one with plain sgemm per step. Rows of a
 * batch are independent, so the batch must give each row's outputs and final state, and the sums of the
 * rows' gradients. {@link LstmStepTest} holds the small-batch path to the cell equations.
 */
class RecurrenceBatchTest {
    private static final int IN = 5;
    private static final double RTOL = 1e-4, ATOL = 2e-5;

    enum Kind {
        LSTM(LstmStep.INSTANCE), GRU(GruStep.INSTANCE), RNN_TANH(RnnStep.TANH);

        final StepFunction step;

        Kind(StepFunction step) {
            this.step = step;
        }
    }

    private static Map<String, Tensor> leaves(Kind kind, int T, int B, int H, long seed) {
        Generator gen = new Generator(seed);
        int gh = kind.step.gates() * H;
        float s = (float) (1 / Math.sqrt(H));
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("x", Tensor.normal(0f, 1f, gen, T, B, IN));
        m.put("h0", Tensor.normal(0f, 1f, gen, B, H));
        if (kind.step.hasCellState()) m.put("c0", Tensor.normal(0f, 1f, gen, B, H));
        m.put("weight_ih", Tensor.uniform(-s, s, gen, gh, IN));
        m.put("weight_hh", Tensor.uniform(-s, s, gen, gh, H));
        m.put("bias_ih", Tensor.uniform(-s, s, gen, gh));
        m.put("bias_hh", Tensor.uniform(-s, s, gen, gh));
        m.values().forEach(t -> t.requiresGrad(true));
        return m;
    }

    /** Output rows [T + 1 (+ 1), rows, H] of Recurrence for batch rows [from, from + rows), and a loss weighing all of them. */
    private static Tensor run(Kind kind, Map<String, Tensor> p, int from, int rows, int[] lengths, List<Tensor> keep) {
        int B = p.get("x").size(1), H = p.get("h0").size(1);
        Tensor x = p.get("x").narrow(1, from, rows);
        Tensor xproj = Functional.linear(x, p.get("weight_ih"), p.get("bias_ih"));
        Tensor c0 = p.get("c0") == null ? null : p.get("c0").narrow(0, from, rows);
        int[] len = lengths == null ? null : Arrays.copyOfRange(lengths, from, from + rows);
        Tensor y = Recurrence.run(kind.step, xproj, p.get("weight_hh"), p.get("bias_hh"), p.get("h0").narrow(0, from, rows), c0, len);
        keep.add(y);
        Tensor weights = Tensor.normal(0f, 1f, new Generator(99), y.size(0), B, H).narrow(1, from, rows);
        return y.mul(weights).sum();
    }

    private static void compare(Kind kind, int T, int B, int H, int[] lengths) {
        String name = kind.name().toLowerCase(Locale.ROOT) + " T=" + T + " B=" + B + (lengths == null ? "" : " lengths");
        Map<String, Tensor> batched = leaves(kind, T, B, H, 3), single = leaves(kind, T, B, H, 3);
        List<Tensor> whole = new ArrayList<>(), rows = new ArrayList<>();
        run(kind, batched, 0, B, lengths, whole).backward();
        Tensor loss = null;
        for (int b = 0; b < B; b++) {
            Tensor l = run(kind, single, b, 1, lengths, rows);
            loss = loss == null ? l : loss.add(l);
        }
        loss.backward();
        assertClose(name + " outputs and final state", Tensor.cat(rows, 1), whole.get(0));
        for (String key : batched.keySet()) assertClose(name + " " + key + ".grad", single.get(key).grad(), batched.get(key).grad());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void batchMatchesRowsOneAtATime(Kind kind) {
        compare(kind, 4, 9, 130, null); // 4H = 520 rows: two chunks with two cores, neither a multiple of the micro-tile
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void batchMatchesRowsOneAtATimeWithLengths(Kind kind) {
        compare(kind, 4, 9, 130, new int[] {4, 1, 3, 4, 2, 4, 1, 4, 3});
    }

    /** 64 rows x 10 steps: dL/dhg reaches dW_hh in blocks of 512 / 64 = 8 steps, the last one partial. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Kind.class, names = {"LSTM", "GRU"})
    void gradientsOverSeveralBlocksOfSteps(Kind kind) {
        int[] lengths = new int[64];
        for (int b = 0; b < lengths.length; b++) lengths[b] = 1 + (b * 7) % 10;
        compare(kind, 10, 64, 12, lengths);
    }

    private static void assertClose(String name, Tensor expected, Tensor actual) {
        AssertClose.assertClose(name, expected, actual, RTOL, ATOL);
    }
}
