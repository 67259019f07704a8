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

    public LSTMCell(int inputSize, int hiddenSize) {
        this(inputSize, hiddenSize, true, Generator.defaultGenerator());
    }

    public LSTMCell(int inputSize, int hiddenSize, boolean bias, Generator gen) {
        super(LstmStep.INSTANCE, inputSize, hiddenSize, bias, gen);
    }

    /** One step: x [batch, input] (or [input]) and the previous (h, c), zeros when null, to the next (h, c). */
    public RecurrentState forward(Tensor x, RecurrentState state) {
        return step(x, state);
    }

}
