package dev.jgrad.nn;

import dev.jgrad.kernels.Kernels;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * The vanilla (Elman) recurrent cell, one step at a time (torch.nn.RNNCell):
 * <pre>
 *   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)      (or relu)
 * </pre>
 * Backprop through many such steps multiplies by W_hh^T diag(tanh') once per step: the gradient shrinks or
 * grows geometrically with distance, which is what {@code jgrad gradflow} shows.
 */
@SuppressWarnings("this-escape")
public class RNNCell extends RecurrentCellBase {

    public enum Nonlinearity { TANH, RELU }

    public RNNCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, Nonlinearity.TANH, Generator.defaultGenerator());
    }

    public RNNCell(int inputSize, int hiddenSize, boolean bias, Nonlinearity nonlinearity, Generator gen) {
        super(Step.of(nonlinearity), inputSize, hiddenSize, bias, gen);
    }

    /** One step: x [batch, input] (or [input]) and the previous h (zeros when null) to the next h. */
    public Tensor forward(Tensor x, Tensor h) {
        return step(x, h == null ? null : new RecurrentState(h, null)).h();
    }

    static final class Step implements StepFunction {
        static final Step TANH = new Step(Nonlinearity.TANH);
        static final Step RELU = new Step(Nonlinearity.RELU);
        private static final Kernels K = Kernels.get();

        final Nonlinearity nonlinearity;

        private Step(Nonlinearity nonlinearity) {
            this.nonlinearity = nonlinearity;
        }

        static Step of(Nonlinearity n) {
            return n == Nonlinearity.TANH ? TANH : RELU;
        }

        @Override public String name() { return nonlinearity == Nonlinearity.TANH ? "rnn_tanh" : "rnn_relu"; }
        @Override public int gates() { return 1; }
        @Override public boolean hasCellState() { return false; }
        /** h' itself, whose value gives the derivative of tanh or relu. */
        @Override public int cacheWidth(int hidden) { return hidden; }

        @Override
        public void forward(int rows, int H, float[] xg, int xgOff, float[] hg, int hgOff,
                            float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff,
                            float[] h, int hOff, float[] c, int cOff, float[] cache, int cacheOff) {
            int n = rows * H;
            K.add(xg, xgOff, hg, hgOff, cache, cacheOff, n);
            if (nonlinearity == Nonlinearity.TANH) K.tanh(cache, cacheOff, cache, cacheOff, n);
            else K.relu(cache, cacheOff, cache, cacheOff, n);
            System.arraycopy(cache, cacheOff, h, hOff, n);
        }

        @Override
        public void backward(int rows, int H, float[] dh, int dhOff, float[] dc, int dcOff,
                             float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] cache, int cacheOff,
                             float[] dxg, int dxgOff, float[] dhg, int dhgOff, float[] dhPrev, int dhPrevOff, float[] dcPrev, int dcPrevOff) {
            int n = rows * H;
            if (nonlinearity == Nonlinearity.TANH) {
                for (int j = 0; j < n; j++) {
                    float y = cache[cacheOff + j];
                    dxg[dxgOff + j] = dh[dhOff + j] * (1 - y * y);
                }
            } else {
                for (int j = 0; j < n; j++) dxg[dxgOff + j] = cache[cacheOff + j] > 0 ? dh[dhOff + j] : 0f;
            }
            java.util.Arrays.fill(dhPrev, dhPrevOff, dhPrevOff + n, 0f);
        }
    }
}
