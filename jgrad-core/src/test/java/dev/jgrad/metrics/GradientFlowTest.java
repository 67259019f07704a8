package dev.jgrad.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.AddingProblem;
import dev.jgrad.data.CopyProblem;
import dev.jgrad.data.SequenceTask;
import dev.jgrad.models.UnrolledRNN;
import dev.jgrad.models.UnrolledRNN.CellType;
import dev.jgrad.nn.Parameter;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientFlowTest {

    private static final int T = 60, H = 16, BATCH = 8;
    private final AddingProblem task = new AddingProblem(T);
    private final SequenceTask.Batch<Tensor> batch = task.sample(BATCH, new Generator(1));

    private static UnrolledRNN rnn(double radius) {
        UnrolledRNN m = new UnrolledRNN(CellType.RNN, 2, H, 1, new Generator(7));
        SpectralRadius.scaleTo(m.weightHh(), radius);
        return m;
    }

    private static UnrolledRNN lstm(double forgetBias) {
        UnrolledRNN m = new UnrolledRNN(CellType.LSTM, 2, H, 1, new Generator(7));
        m.setForgetBias(forgetBias);
        return m;
    }

    /** The lecture's claim: the vanilla RNN's gradient vanishes geometrically, the LSTM's cell carries it. */
    @Test
    void rnnGradientVanishesWhileTheLstmCellCarriesIt() {
        GradientFlow.Profile r = GradientFlow.probe("rnn", rnn(0.5), task, batch);
        GradientFlow.Profile l = GradientFlow.probe("lstm", lstm(5), task, batch);
        assertEquals(T, r.length());
        assertTrue(r.dh()[T] > 0 && l.dh()[T] > 0);
        double rnnRatio = r.ratio(0, T), lstmRatio = l.ratio(0, T);
        assertTrue(rnnRatio < 1e-3, "RNN dh0/dhT = " + rnnRatio);
        assertTrue(rnnRatio < 1e-15, "with rho 0.5 and tanh' <= 1 the ratio is below 0.5^60 ~ 1e-18, got " + rnnRatio);
        assertTrue(lstmRatio > 1e-3, "LSTM dh0/dhT = " + lstmRatio);
        assertTrue(lstmRatio > 1e10 * rnnRatio, "LSTM " + lstmRatio + " vs RNN " + rnnRatio);
        // geometric: roughly the same factor per step over the first and the second half
        double firstHalf = Math.pow(r.dh()[T / 2] / r.dh()[T], 2.0 / T), secondHalf = Math.pow(r.dh()[0] / r.dh()[T / 2], 2.0 / T);
        assertTrue(firstHalf < 0.6 && secondHalf < 0.6, firstHalf + ", " + secondHalf);
        assertEquals(firstHalf, secondHalf, 0.1);
        assertTrue(r.ratePerStep(T) < 0.6, "rate " + r.ratePerStep(T));
        // the cell path: dc_t is kept for every t < T, dc_T only through h_T
        assertNull(r.dc());
        assertEquals(0.0, l.dc()[T], 0.0);
        assertTrue(l.dc()[0] / l.dc()[T - 1] > 1e-2, "cell gradient ratio " + l.dc()[0] / l.dc()[T - 1]);
    }

    @Test
    void largeSpectralRadiusExplodes() {
        GradientFlow.Profile r = GradientFlow.probe("rnn", rnn(3.0), task, batch);
        assertTrue(r.ratio(0, T) > 1e3, "dh0/dhT = " + r.ratio(0, T));
        assertTrue(r.ratePerStep(T) > 1, "rate " + r.ratePerStep(T));
    }

    /** The retained dL/dh_(t-1) is the backprop of dL/dh_t through one tanh step: (dh_t * (1 - h_t^2)) W_hh. */
    @Test
    void retainedGradientsFollowTheRecurrence() {
        UnrolledRNN m = rnn(0.9);
        Tensor h0 = Tensor.zeros(BATCH, H).requiresGrad(true);
        UnrolledRNN.Unrolled run = m.unroll(batch.inputs(), 1, h0, null);
        for (Tensor h : run.h()) h.retainGrad();
        task.loss(run.outputs(), batch.targets()).backward();
        Parameter w = m.weightHh();
        try (var ignored = GradMode.noGrad()) {
            for (int t : new int[] {T, T / 2, 1}) {
                Tensor ht = run.h().get(t);
                Tensor expected = ht.grad().mul(ht.detach().mul(ht.detach()).rsub(1f)).matmul(w.detach());
                float[] e = expected.toArray(), got = run.h().get(t - 1).grad().toArray();
                for (int i = 0; i < e.length; i++) {
                    assertEquals(e[i], got[i], 1e-5 * Math.abs(e[i]) + 1e-30, "dL/dh_" + (t - 1) + "[" + i + "]");
                }
            }
        }
        assertNotNull(h0.grad());
    }

    @Test
    void probingIsDeterministicAndLeavesNoParameterGradients() {
        UnrolledRNN m = lstm(2);
        GradientFlow.Profile a = GradientFlow.probe("a", m, task, batch);
        GradientFlow.Profile b = GradientFlow.probe("b", m, task, batch);
        assertArrayEquals(a.dh(), b.dh());
        assertArrayEquals(a.dc(), b.dc());
        assertEquals(a.loss(), b.loss());
        for (Parameter p : m.parameters()) assertNull(p.grad());
        GradientFlow.Profile c = GradientFlow.probe("c", lstm(2), task, task.sample(BATCH, new Generator(1)));
        assertArrayEquals(a.dh(), c.dh());
    }

    @Test
    void copyTaskScoresTheLastSteps() {
        CopyProblem copy = new CopyProblem(30, 4, 3);
        UnrolledRNN m = new UnrolledRNN(CellType.RNN, copy.inputSize(), H, copy.outputSize(), new Generator(3));
        var b = copy.sample(4, new Generator(2));
        GradientFlow.Profile p = GradientFlow.probe("copy", m, copy, b);
        assertEquals(Math.log(4), p.loss(), 1.0); // near chance at init
        // every scored step gets a direct gradient; before the answers the gradient vanishes
        for (int t = 27; t <= 30; t++) assertTrue(p.dh()[t] > 1e-4, "dh_" + t + " = " + p.dh()[t]);
        assertTrue(p.dh()[0] < 1e-3 * p.dh()[30], "dh_0 = " + p.dh()[0]);
        List<Parameter> params = m.parameters();
        assertEquals(6, params.size());
    }
}
