package dev.jgrad.metrics;

import dev.jgrad.data.SequenceTask;
import dev.jgrad.models.UnrolledRNN;
import dev.jgrad.tensor.Tensor;

import java.util.List;

/**
 * Measures how far back the gradient of a loss reaches through a recurrent network: the norm of dL/dh_t at
 * every step t = 0..T (and dL/dc_t for an LSTM), with the loss on the last step(s) only. Backprop multiplies by
 * the step Jacobian once per step, so the norm shrinks (vanishing) or grows (exploding) roughly geometrically
 * with the distance T - t from the loss; the LSTM's cell state, scaled only by the forget gate, carries it
 * further.
 */
public final class GradientFlow {
    private GradientFlow() {}

    /**
     * Gradient norms at t = 0..T (Frobenius norm over the batch). {@code dc} is null for the RNN; for the LSTM,
     * dc[t] is the gradient reaching c_t from step t + 1 along the cell path (PyTorch's c_t.grad with a fused
     * LSTMCell), so dc[T] = 0: the loss sees c_T only through h_T.
     *
     * @param model the name of the probed model, for reports
     * @param dh    ||dL/dh_t|| for t = 0..T (T + 1 values; 0 where no gradient reached)
     * @param dc    ||dL/dc_t|| for t = 0..T for an LSTM, null for a plain RNN
     * @param loss  the loss the gradients are of
     */
    public record Profile(String model, double[] dh, double[] dc, double loss) {

        /**
         * The number of steps T of the probed sequence.
         *
         * @return {@code dh.length - 1}
         */
        public int length() {
            return dh.length - 1;
        }

        /**
         * ||dL/dh_from|| / ||dL/dh_to||.
         *
         * @param from a step in [0, T]
         * @param to   a step in [0, T]
         * @return the ratio of the two gradient norms (infinite or NaN when the second is 0)
         */
        public double ratio(int from, int to) {
            return dh[from] / dh[to];
        }

        /**
         * The mean factor per step by which ||dL/dh_t|| changes going back from the loss, over {@code steps} steps
         * ending at T: (||dL/dh_(T-steps)|| / ||dL/dh_T||)^(1/steps). Below 1 vanishes, above 1 explodes; NaN once
         * the gradient has underflowed to 0.
         *
         * @param steps how many steps back from T, in [1, T]
         * @return the geometric mean factor per step
         * @throws IllegalArgumentException if {@code steps} is out of range
         */
        public double ratePerStep(int steps) {
            int t = length();
            if (steps < 1 || steps > t) throw new IllegalArgumentException("Profile.ratePerStep: steps must be in [1, " + t + "], got " + steps);
            double r = dh[t - steps] / dh[t];
            return r > 0 && Double.isFinite(r) ? Math.pow(r, 1.0 / steps) : Double.NaN;
        }
    }

    /**
     * Runs {@code model} on {@code batch} step by step, backpropagates the task's loss and returns the norms of
     * dL/dh_t (and dL/dc_t). Parameter gradients are cleared before and after, so probing leaves training alone.
     *
     * @param <T>   the task's target type
     * @param name  a name for the profile (e.g. "LSTM")
     * @param model the recurrent network, RNN or LSTM
     * @param task  the task that scores the outputs
     * @param batch one batch of the task's inputs [B, T, F] and targets
     * @return the gradient norms at every step and the loss
     */
    public static <T> Profile probe(String name, UnrolledRNN model, SequenceTask<T> task, SequenceTask.Batch<T> batch) {
        int b = batch.inputs().size(0), hidden = model.hiddenSize();
        boolean lstm = model.cellType() == UnrolledRNN.CellType.LSTM;
        model.zeroGrad();
        // Leaves that require grad, so that backward reaches and keeps dL/dh_0 and dL/dc_0 too.
        Tensor h0 = Tensor.zeros(b, hidden).requiresGrad(true);
        Tensor c0 = lstm ? Tensor.zeros(b, hidden).requiresGrad(true) : null;
        UnrolledRNN.Unrolled run = model.unroll(batch.inputs(), task.scoredSteps(), h0, c0);
        for (Tensor h : run.h()) h.retainGrad();
        if (lstm) for (Tensor c : run.c()) c.retainGrad();
        Tensor loss = task.loss(run.outputs(), batch.targets());
        loss.backward();
        Profile p = new Profile(name, norms(run.h()), lstm ? norms(run.c()) : null, loss.item());
        model.zeroGrad();
        return p;
    }

    private static double[] norms(List<Tensor> states) {
        double[] out = new double[states.size()];
        for (int t = 0; t < out.length; t++) {
            Tensor g = states.get(t).grad();
            if (g == null) continue; // not on any path to the loss
            double sum = 0;
            for (float v : g.toArray()) sum += (double) v * v;
            out[t] = Math.sqrt(sum);
        }
        return out;
    }
}
