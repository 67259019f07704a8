package dev.jgrad.nn;

import dev.jgrad.ops.LstmStep;
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
 * {@link LstmStep} is the fused step (forward and the hand-written backward of the lecture's
 * lstm_step_forward / lstm_step_backward), shared with the multi-layer {@link LSTM}.
 */
@SuppressWarnings("this-escape")
public class LSTMCell extends RecurrentCellBase {

    /**
     * A cell with biases, initialised from the default generator.
     *
     * @param inputSize the features of each input, at least 1
     * @param hiddenSize the features of the hidden state, at least 1
     * @throws IllegalArgumentException when a size is below 1
     */
    public LSTMCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, Generator.defaultGenerator());
    }

    /**
     * A cell; its weights are drawn from U(-1/sqrt(H), 1/sqrt(H)) as PyTorch's.
     *
     * @param inputSize the features of each input, at least 1
     * @param hiddenSize the features of the hidden state, at least 1
     * @param bias whether to learn the biases b_ih and b_hh
     * @param gen the random generator the initial weights are drawn from
     * @throws IllegalArgumentException when a size is below 1
     */
    public LSTMCell(int inputSize, int hiddenSize, boolean bias, Generator gen) {
        super(LstmStep.INSTANCE, inputSize, hiddenSize, bias, gen);
    }

    /**
     * One step: x [batch, input] (or [input]) and the previous (h, c), zeros when null, to the next (h, c).
     *
     * @param x the input [batch, input] or [input]
     * @param state the previous (h, c), each [batch, hidden] (or [hidden]), or null for zeros
     * @return the next (h, c)
     * @throws IllegalArgumentException when a shape does not fit
     */
    public RecurrentState forward(Tensor x, RecurrentState state) {
        return step(x, state);
    }

}
