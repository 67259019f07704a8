package dev.jgrad.nn;

import dev.jgrad.ops.Recurrence;
import dev.jgrad.ops.StepFunction;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

/**
 * What RNNCell, LSTMCell and GRUCell share: PyTorch's parameters (weight_ih [G*H, input], weight_hh [G*H, H],
 * bias_ih, bias_hh, all initialised U(-1/sqrt(H), 1/sqrt(H))) and a step that runs the fused recurrence for
 * one time step.
 */
@SuppressWarnings("this-escape")
abstract class RecurrentCellBase extends Module {
    private final StepFunction stepFunction;
    private final int inputSize, hiddenSize;

    RecurrentCellBase(StepFunction step, int inputSize, int hiddenSize, boolean bias, Generator gen) {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": input_size and hidden_size must be positive, got "
                    + inputSize + " and " + hiddenSize);
        }
        this.stepFunction = step;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        int gh = step.gates() * hiddenSize;
        double bound = 1 / Math.sqrt(hiddenSize);
        Init.uniform(registerParameter("weight_ih", new Parameter(Tensor.zeros(gh, inputSize))), -bound, bound, gen);
        Init.uniform(registerParameter("weight_hh", new Parameter(Tensor.zeros(gh, hiddenSize))), -bound, bound, gen);
        if (bias) {
            Init.uniform(registerParameter("bias_ih", new Parameter(Tensor.zeros(gh))), -bound, bound, gen);
            Init.uniform(registerParameter("bias_hh", new Parameter(Tensor.zeros(gh))), -bound, bound, gen);
        } else {
            registerParameter("bias_ih", null);
            registerParameter("bias_hh", null);
        }
    }

    /**
     * The features of each input.
     *
     * @return input_size
     */
    public int inputSize() {
        return inputSize;
    }

    /**
     * The features of the hidden state.
     *
     * @return hidden_size
     */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** x [batch, input] or unbatched [input]; state of [batch, hidden] (or [hidden]) tensors, zeros when null. */
    RecurrentState step(Tensor x, RecurrentState state) {
        boolean unbatched = x.dim() == 1;
        if (x.dim() != 1 && x.dim() != 2 || x.size(-1) != inputSize) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected input of shape [batch, " + inputSize + "] or ["
                    + inputSize + "], got " + Shape.str(x.shape()));
        }
        Tensor xb = unbatched ? x.unsqueeze(0) : x;
        int batch = xb.size(0);
        Tensor h0 = stateTensor("h", state == null ? null : state.h(), unbatched, batch);
        Tensor c0 = stepFunction.hasCellState() ? stateTensor("c", state == null ? null : state.c(), unbatched, batch) : null;
        Tensor xproj = Functional.linear(xb, ownParameter("weight_ih"), ownParameter("bias_ih")).unsqueeze(0);
        Tensor y = Recurrence.run(stepFunction, xproj, ownParameter("weight_hh"), ownParameter("bias_hh"), h0, c0, null);
        Tensor h = y.select(0, 1), c = stepFunction.hasCellState() ? y.select(0, 2) : null;
        if (unbatched) {
            h = h.squeeze(0);
            c = c == null ? null : c.squeeze(0);
        }
        return new RecurrentState(h, c);
    }

    private Tensor stateTensor(String name, Tensor s, boolean unbatched, int batch) {
        if (s == null) return Tensor.zeros(batch, hiddenSize);
        Tensor b = unbatched ? s.unsqueeze(0) : s;
        if (b.dim() != 2 || b.size(0) != batch || b.size(1) != hiddenSize) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": state " + name + " must have shape [" + batch + ", " + hiddenSize
                    + "], got " + Shape.str(s.shape()));
        }
        return b;
    }

    @Override
    protected String extraRepr() {
        return inputSize + ", " + hiddenSize + (ownParameter("bias_ih") == null ? ", bias=False" : "");
    }
}
