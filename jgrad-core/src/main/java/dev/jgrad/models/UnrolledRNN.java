package dev.jgrad.models;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.nn.LSTMCell;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.Parameter;
import dev.jgrad.nn.RNNCell;
import dev.jgrad.nn.RecurrentState;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A single recurrent cell (vanilla tanh RNN or LSTM) unrolled one step at a time, with a linear readout on the
 * last steps. Slower than the fused {@link dev.jgrad.nn.RNN} / {@link dev.jgrad.nn.LSTM} layers, but every hidden
 * state h_t (and cell state c_t) is a tensor of its own, so its gradient dL/dh_t can be kept with
 * {@link Tensor#retainGrad()}: what {@link dev.jgrad.metrics.GradientFlow} measures. Parameters: {@code cell.*}
 * (PyTorch's RNNCell / LSTMCell names) and {@code head.*}.
 */
@SuppressWarnings("this-escape")
public final class UnrolledRNN extends Module {

    /** The recurrent cell. */
    public enum CellType {
        /** A vanilla tanh RNN cell (torch.nn.RNNCell). */
        RNN,
        /** An LSTM cell (torch.nn.LSTMCell). */
        LSTM
    }

    /**
     * The forward pass kept step by step: h.get(t) for t = 0..T (h_0 the initial state), c likewise or null.
     *
     * @param outputs the readout of the last scored steps, [batch, scoredSteps, outputSize]
     * @param h       the hidden states h_0..h_T, each [batch, hiddenSize]
     * @param c       the LSTM's cell states c_0..c_T, each [batch, hiddenSize]; null for the RNN
     */
    public record Unrolled(Tensor outputs, List<Tensor> h, List<Tensor> c) {}

    private final CellType type;
    private final int inputSize, hiddenSize, outputSize;
    private final RNNCell rnn;
    private final LSTMCell lstm;
    private final Linear head;

    /**
     * A cell and its readout, initialised as PyTorch initialises RNNCell / LSTMCell and Linear.
     *
     * @param type       RNN or LSTM
     * @param inputSize  features per input step
     * @param hiddenSize the hidden state's width H
     * @param outputSize the readout's width
     * @param gen        the random generator of the initial weights
     * @throws IllegalArgumentException if the type is null or a size is not positive
     */
    public UnrolledRNN(CellType type, int inputSize, int hiddenSize, int outputSize, Generator gen) {
        if (type == null) throw new IllegalArgumentException("UnrolledRNN: the cell type must be RNN or LSTM, got null");
        if (inputSize < 1 || hiddenSize < 1 || outputSize < 1) {
            throw new IllegalArgumentException("UnrolledRNN: input, hidden and output sizes must be positive, got "
                    + inputSize + ", " + hiddenSize + " and " + outputSize);
        }
        this.type = type;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.outputSize = outputSize;
        if (type == CellType.RNN) {
            this.rnn = registerModule("cell", new RNNCell(inputSize, hiddenSize, true, RNNCell.Nonlinearity.TANH, gen));
            this.lstm = null;
        } else {
            this.rnn = null;
            this.lstm = registerModule("cell", new LSTMCell(inputSize, hiddenSize, true, gen));
        }
        this.head = registerModule("head", new Linear(hiddenSize, outputSize, true, gen));
    }

    /**
     * The recurrent cell's kind.
     *
     * @return RNN or LSTM
     */
    public CellType cellType() { return type; }

    /**
     * The hidden state's width.
     *
     * @return H
     */
    public int hiddenSize() { return hiddenSize; }

    /**
     * The recurrent weight: [H, H] for the RNN, the LSTM's gates stacked as [4H, H] in the order i, f, g, o.
     *
     * @return the parameter {@code cell.weight_hh}, for measuring or setting its spectrum
     */
    public Parameter weightHh() {
        return getParameter("cell.weight_hh");
    }

    /**
     * Sets the LSTM's forget-gate bias to {@code value} (bias_ih's forget slice; bias_hh's is zeroed, so the sum
     * is exactly {@code value}). A forget gate near 1 (sigmoid(value)) is what keeps the cell state, and its
     * gradient, alive over many steps (Gers et al., 2000; Jozefowicz et al., 2015 recommend 1).
     *
     * @param value the forget gate's pre-activation bias, e.g. 1
     * @throws IllegalStateException if the cell is not an LSTM
     */
    public void setForgetBias(double value) {
        if (type != CellType.LSTM) throw new IllegalStateException("UnrolledRNN.setForgetBias: only an LSTM has a forget gate, this is a " + type);
        int h = hiddenSize;
        try (var ignored = GradMode.noGrad()) {
            getParameter("cell.bias_ih").narrow(0, h, h).fillInPlace((float) value);
            getParameter("cell.bias_hh").narrow(0, h, h).fillInPlace(0f);
        }
    }

    /**
     * Outputs [batch, scoredSteps, outputSize] from inputs [batch, length, inputSize], starting from zero states.
     *
     * @param inputs      the sequences, of shape [batch, length, inputSize]
     * @param scoredSteps how many of the last steps to read out, in [1, length]
     * @return the readout of the last {@code scoredSteps} hidden states, [batch, scoredSteps, outputSize]
     * @throws IllegalArgumentException if the inputs' shape does not fit or scoredSteps is out of range
     */
    public Tensor forward(Tensor inputs, int scoredSteps) {
        return unroll(inputs, scoredSteps, null, null).outputs();
    }

    /**
     * The full unrolled pass from the given initial states (zeros when null; pass leaves that require grad to
     * get dL/dh_0 and dL/dc_0 too).
     *
     * @param inputs      the sequences, of shape [batch, length, inputSize]
     * @param scoredSteps how many of the last steps to read out, in [1, length]
     * @param h0          the initial hidden state [batch, hiddenSize], or null for zeros
     * @param c0          the LSTM's initial cell state [batch, hiddenSize], or null for zeros; ignored for the RNN
     * @return the readout and every hidden (and cell) state
     * @throws IllegalArgumentException if the inputs' shape does not fit or scoredSteps is out of range
     */
    public Unrolled unroll(Tensor inputs, int scoredSteps, Tensor h0, Tensor c0) {
        if (inputs.dim() != 3 || inputs.size(2) != inputSize) {
            throw new IllegalArgumentException("UnrolledRNN: expected inputs of shape [batch, length, " + inputSize + "], got "
                    + Shape.str(inputs.shape()));
        }
        int batch = inputs.size(0), length = inputs.size(1);
        if (scoredSteps < 1 || scoredSteps > length) {
            throw new IllegalArgumentException("UnrolledRNN: scoredSteps must be in [1, " + length + "] for sequences of length "
                    + length + ", got " + scoredSteps);
        }
        Tensor h = h0 != null ? h0 : Tensor.zeros(batch, hiddenSize);
        Tensor c = type == CellType.LSTM ? (c0 != null ? c0 : Tensor.zeros(batch, hiddenSize)) : null;
        List<Tensor> hs = new ArrayList<>(length + 1), cs = c == null ? null : new ArrayList<>(length + 1);
        hs.add(h);
        if (cs != null) cs.add(c);
        for (int t = 0; t < length; t++) {
            Tensor x = inputs.select(1, t);
            if (type == CellType.RNN) {
                h = rnn.forward(x, h);
            } else {
                RecurrentState s = lstm.forward(x, new RecurrentState(h, c));
                h = s.h();
                c = s.c();
                cs.add(c);
            }
            hs.add(h);
        }
        Tensor last = Tensor.stack(hs.subList(length + 1 - scoredSteps, length + 1), 1); // [batch, scored, hidden]
        return new Unrolled(head.forward(last), hs, cs);
    }

    @Override
    protected String extraRepr() {
        return type + ", input=" + inputSize + ", hidden=" + hiddenSize + ", output=" + outputSize;
    }
}
