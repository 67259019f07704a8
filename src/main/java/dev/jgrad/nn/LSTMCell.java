package dev.jgrad.nn;

import dev.jgrad.kernels.Kernels;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

/**
 * Long short-term memory (Hochreiter and Schmidhuber, 1997), one step at a time (torch.nn.LSTMCell):
 * <pre>
 *   i = sigm(W_ii x + b_ii + W_hi h + b_hi)      input gate: which values to update
 *   f = sigm(W_if x + b_if + W_hf h + b_hf)      forget gate: when to erase the cell
 *   g = tanh(W_ig x + b_ig + W_hg h + b_hg)      candidate cell values
 *   o = sigm(W_io x + b_io + W_ho h + b_ho)      output gate: what to output
 *   C' = f * C + i * g                           the cell: the gradient's highway
 *   h' = o * tanh(C')
 * </pre>
 * Weights are stacked in PyTorch's gate order i, f, g, o: weight_ih [4H, input], weight_hh [4H, H].
 * {@link Step} is the fused step (forward and the hand-written backward of the lecture's
 * lstm_step_forward / lstm_step_backward), shared with the multi-layer {@link LSTM}.
 */
@SuppressWarnings("this-escape")
public class LSTMCell extends RecurrentCellBase {

    public LSTMCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, Generator.defaultGenerator());
    }

    public LSTMCell(int inputSize, int hiddenSize, boolean bias, Generator gen) {
        super(Step.INSTANCE, inputSize, hiddenSize, bias, gen);
    }

    /** One step: x [batch, input] (or [input]) and the previous (h, c), zeros when null, to the next (h, c). */
    public RecurrentState forward(Tensor x, RecurrentState state) {
        return step(x, state);
    }

    /** The LSTM step on raw arrays. */
    static final class Step implements StepFunction {
        static final Step INSTANCE = new Step();
        private static final Kernels K = Kernels.get();

        @Override public String name() { return "lstm"; }
        @Override public int gates() { return 4; }
        @Override public boolean hasCellState() { return true; }
        /** i, f, g, o after their nonlinearities, then tanh(C'). */
        @Override public int cacheWidth(int hidden) { return 5 * hidden; }

        @Override
        public void forward(int rows, int H, float[] xg, int xgOff, float[] hg, int hgOff,
                            float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff,
                            float[] h, int hOff, float[] c, int cOff, float[] cache, int cacheOff) {
            int G = 4 * H, W = 5 * H;
            for (int r = 0; r < rows; r++) {
                int a = cacheOff + r * W, x = xgOff + r * G, hgr = hgOff + r * G;
                // pre-activations a = x W_ih^T + b_ih + h W_hh^T + b_hh, then the gate nonlinearities
                K.add(xg, x, hg, hgr, cache, a, G);
                K.sigmoid(cache, a, cache, a, 2 * H);              // i, f
                K.tanh(cache, a + 2 * H, cache, a + 2 * H, H);     // g
                K.sigmoid(cache, a + 3 * H, cache, a + 3 * H, H);  // o
                int i = a, f = a + H, g = a + 2 * H, o = a + 3 * H, tc = a + 4 * H;
                int cp = cPrevOff + r * H, cn = cOff + r * H, hn = hOff + r * H;
                for (int j = 0; j < H; j++) {
                    c[cn + j] = cache[f + j] * cPrev[cp + j] + cache[i + j] * cache[g + j];  // C' = f*C + i*g
                }
                K.tanh(c, cn, cache, tc, H);
                for (int j = 0; j < H; j++) {
                    h[hn + j] = cache[o + j] * cache[tc + j];                                // h' = o*tanh(C')
                }
            }
        }

        @Override
        public void backward(int rows, int H, float[] dh, int dhOff, float[] dc, int dcOff,
                             float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] cache, int cacheOff,
                             float[] dxg, int dxgOff, float[] dhg, int dhgOff, float[] dhPrev, int dhPrevOff, float[] dcPrev, int dcPrevOff) {
            int G = 4 * H, W = 5 * H;
            for (int r = 0; r < rows; r++) {
                int a = cacheOff + r * W, i = a, f = a + H, g = a + 2 * H, o = a + 3 * H, tc = a + 4 * H;
                int d = dxgOff + r * G, dhr = dhOff + r * H, dcr = dcOff + r * H, cp = cPrevOff + r * H;
                for (int j = 0; j < H; j++) {
                    float gi = cache[i + j], gf = cache[f + j], gg = cache[g + j], go = cache[o + j], t = cache[tc + j];
                    float dhj = dh[dhr + j];
                    // through h' = o * tanh(C')
                    float dO = t * dhj;
                    float dC = dc[dcr + j] + go * (1 - t * t) * dhj;
                    // through C' = f * C + i * g
                    float dF = cPrev[cp + j] * dC;
                    float dI = gg * dC;
                    float dG = gi * dC;
                    dcPrev[dcPrevOff + r * H + j] = gf * dC;
                    // through the nonlinearities, to the pre-activations (order i, f, g, o)
                    dxg[d + j] = gi * (1 - gi) * dI;
                    dxg[d + H + j] = gf * (1 - gf) * dF;
                    dxg[d + 2 * H + j] = (1 - gg * gg) * dG;
                    dxg[d + 3 * H + j] = go * (1 - go) * dO;
                    dhPrev[dhPrevOff + r * H + j] = 0f; // h_prev reaches the step only through W_hh
                }
            }
        }
    }
}
