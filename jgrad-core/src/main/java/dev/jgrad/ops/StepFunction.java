package dev.jgrad.ops;

/**
 * The arithmetic of one recurrent time step for a block of {@code rows} sequences, on raw arrays:
 * the part that differs between RNN, LSTM and GRU. {@link Recurrence} does everything else (the time
 * loop, the GEMMs, padding, the autograd op), so each cell reads like its equations.
 *
 * <p>Per row, {@code xg} holds the gate pre-activations from the input (x W_ih^T + b_ih) and {@code hg}
 * those from the previous hidden state (h W_hh^T + b_hh), both {@code gates() * H} wide.
 */
public interface StepFunction {

    /**
     * For the graph's op name: "lstm", "gru", "rnn_tanh", "rnn_relu".
     *
     * @return the op name recorded in the autograd graph
     */
    String name();

    /**
     * Gate blocks per hidden unit: 1 for RNN, 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n).
     *
     * @return the number of gate blocks G; the pre-activations are G * hidden wide
     */
    int gates();

    /**
     * Whether the step carries a cell state C besides h (the LSTM).
     *
     * @return true when the step reads and writes a cell state ({@code cPrev}, {@code c}); otherwise those arrays
     *         are null and must not be touched
     */
    boolean hasCellState();

    /**
     * Floats per row that forward keeps for backward (gate activations and the like). A call's block of
     * {@code rows * cacheWidth} floats is laid out as the step likes: backward gets the same rows and offset.
     *
     * @param hidden the hidden size H
     * @return the number of cache floats per row
     */
    int cacheWidth(int hidden);

    /**
     * Computes h (and c) from the pre-activations and the previous state.
     * Each array argument is a row-major block of {@code rows} rows starting at its offset.
     *
     * @param rows the number of sequences in the block (batch rows)
     * @param hidden the hidden size H
     * @param xg the input pre-activations x W_ih^T + b_ih, {@code rows x gates() * H}
     * @param xgOff where the block starts in {@code xg}
     * @param hg the recurrent pre-activations h_prev W_hh^T + b_hh, {@code rows x gates() * H}
     * @param hgOff where the block starts in {@code hg}
     * @param hPrev the previous hidden state, {@code rows x H}
     * @param hPrevOff where the block starts in {@code hPrev}
     * @param cPrev the previous cell state, {@code rows x H}; null without a cell state
     * @param cPrevOff where the block starts in {@code cPrev}
     * @param h receives the new hidden state, {@code rows x H}
     * @param hOff where the block starts in {@code h}
     * @param c receives the new cell state, {@code rows x H}; null without a cell state
     * @param cOff where the block starts in {@code c}
     * @param cache receives what backward needs, {@code rows x cacheWidth(H)}
     * @param cacheOff where the block starts in {@code cache}
     */
    void forward(int rows, int hidden, float[] xg, int xgOff, float[] hg, int hgOff,
                 float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff,
                 float[] h, int hOff, float[] c, int cOff, float[] cache, int cacheOff);

    /**
     * Given dL/dh (and dL/dc) of this step's outputs, writes the gradients of the pre-activations
     * (dxg; dhg where they differ, as in the GRU) and the parts of dL/dh_prev and dL/dc_prev that do not
     * go through W_hh ({@code dhPrev}, overwritten; {@code dcPrev}, overwritten).
     * {@code dc} may be modified.
     * Each array argument is a row-major block of {@code rows} rows starting at its offset.
     *
     * @param rows the number of sequences in the block (batch rows)
     * @param hidden the hidden size H
     * @param dh dL/dh of this step's hidden state, {@code rows x H}
     * @param dhOff where the block starts in {@code dh}
     * @param dc dL/dc of this step's cell state, {@code rows x H} (may be modified); null without a cell state
     * @param dcOff where the block starts in {@code dc}
     * @param hPrev the previous hidden state, as given to forward
     * @param hPrevOff where the block starts in {@code hPrev}
     * @param cPrev the previous cell state, as given to forward; null without a cell state
     * @param cPrevOff where the block starts in {@code cPrev}
     * @param c this step's cell state, as computed by forward; null without a cell state
     * @param cOff where the block starts in {@code c}
     * @param cache what forward stored for this block
     * @param cacheOff where the block starts in {@code cache}
     * @param dxg receives dL/dxg, the gradient of the input pre-activations, {@code rows x gates() * H}
     * @param dxgOff where the block starts in {@code dxg}
     * @param dhg receives dL/dhg, the gradient of the recurrent pre-activations; the same array as {@code dxg}
     *        when {@link #sharedGateGradient} is true
     * @param dhgOff where the block starts in {@code dhg}
     * @param dhPrev receives the direct part of dL/dh_prev (not through W_hh), {@code rows x H}
     * @param dhPrevOff where the block starts in {@code dhPrev}
     * @param dcPrev receives dL/dc_prev, {@code rows x H}; null without a cell state
     * @param dcPrevOff where the block starts in {@code dcPrev}
     */
    void backward(int rows, int hidden, float[] dh, int dhOff, float[] dc, int dcOff,
                  float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] cache, int cacheOff,
                  float[] dxg, int dxgOff, float[] dhg, int dhgOff, float[] dhPrev, int dhPrevOff, float[] dcPrev, int dcPrevOff);

    /**
     * Whether dL/dhg equals dL/dxg (RNN, LSTM), so one buffer serves both.
     *
     * @return true unless the step writes a separate {@code dhg} (the GRU, whose r gates W_hn h)
     */
    default boolean sharedGateGradient() {
        return true;
    }
}
