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

    /** For the graph's op name: "lstm", "gru", "rnn_tanh", "rnn_relu". */
    String name();

    /** Gate blocks per hidden unit: 1 for RNN, 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n). */
    int gates();

    /** Whether the step carries a cell state C besides h (the LSTM). */
    boolean hasCellState();

    /**
     * Floats per row that forward keeps for backward (gate activations and the like). A call's block of
     * {@code rows * cacheWidth} floats is laid out as the step likes: backward gets the same rows and offset.
     */
    int cacheWidth(int hidden);

    /** Computes h (and c) from the pre-activations and the previous state. */
    void forward(int rows, int hidden, float[] xg, int xgOff, float[] hg, int hgOff,
                 float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff,
                 float[] h, int hOff, float[] c, int cOff, float[] cache, int cacheOff);

    /**
     * Given dL/dh (and dL/dc) of this step's outputs, writes the gradients of the pre-activations
     * (dxg; dhg where they differ, as in the GRU) and the parts of dL/dh_prev and dL/dc_prev that do not
     * go through W_hh ({@code dhPrev}, overwritten; {@code dcPrev}, overwritten).
     * {@code dc} may be modified.
     */
    void backward(int rows, int hidden, float[] dh, int dhOff, float[] dc, int dcOff,
                  float[] hPrev, int hPrevOff, float[] cPrev, int cPrevOff, float[] c, int cOff, float[] cache, int cacheOff,
                  float[] dxg, int dxgOff, float[] dhg, int dhgOff, float[] dhPrev, int dhPrevOff, float[] dcPrev, int dcPrevOff);

    /** Whether dL/dhg equals dL/dxg (RNN, LSTM), so one buffer serves both. */
    default boolean sharedGateGradient() {
        return true;
    }
}
