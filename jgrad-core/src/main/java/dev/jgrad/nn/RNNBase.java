package dev.jgrad.nn;

import dev.jgrad.ops.Recurrence;
import dev.jgrad.ops.SequenceReverse;
import dev.jgrad.ops.StepFunction;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * What the multi-layer RNN, LSTM and GRU share (torch.nn.RNNBase): stacked layers, optional second direction,
 * dropout between layers, batch-first or time-first input, variable lengths, and PyTorch's parameter names
 * (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, and _reverse for the backward direction), so a
 * state_dict moves between PyTorch and jgrad both ways.
 *
 * <p>Each layer and direction runs the whole sequence as one {@link Recurrence}: the input projection of all
 * steps in one GEMM, then one GEMM and one fused step per time step.
 */
@SuppressWarnings("this-escape")
public abstract class RNNBase extends Module {

    /**
     * Layer configuration: torch.nn.LSTM's constructor arguments. Make one with {@link RNNBase#options(int, int)}, which
     * takes the two required sizes and PyTorch's defaults for the rest:
     * {@code LSTM.options(7, 11).numLayers(3).bidirectional().batchFirst().dropout(0.2).build()}.
     *
     * @param inputSize     the features of each input step, at least 1
     * @param hiddenSize    the features of the hidden state H, at least 1
     * @param numLayers     stacked layers (default 1)
     * @param bias          whether the layers have the biases b_ih and b_hh (default true)
     * @param batchFirst    inputs and outputs [batch, seq, feature] instead of [seq, batch, feature] (default false)
     * @param dropout       dropout on the outputs of every layer but the last, in training (default 0)
     * @param bidirectional a second direction running backwards in time; outputs hold both (default false)
     */
    public record Options(int inputSize, int hiddenSize, int numLayers, boolean bias, boolean batchFirst,
                          double dropout, boolean bidirectional) {
        /**
         * Checks the sizes and the dropout.
         *
         * @param inputSize the features of each input step, at least 1
         * @param hiddenSize the features of the hidden state H, at least 1
         * @param numLayers stacked layers, at least 1
         * @param bias whether the layers have biases
         * @param batchFirst whether inputs and outputs are [batch, seq, feature]
         * @param dropout dropout between layers, in [0, 1)
         * @param bidirectional whether there is a second, backward direction
         * @throws IllegalArgumentException when a size is below 1 or dropout is outside [0, 1)
         */
        public Options {
            if (inputSize < 1 || hiddenSize < 1 || numLayers < 1) {
                throw new IllegalArgumentException("recurrent layer: input_size, hidden_size and num_layers must be positive, got "
                        + inputSize + ", " + hiddenSize + ", " + numLayers);
            }
            if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("recurrent layer: dropout must be in [0, 1), got " + dropout);
        }

        /** Collects the optional arguments by name; {@link #build()} checks them all. */
        public static final class Builder {
            private final int inputSize, hiddenSize;
            private int numLayers = 1;
            private boolean bias = true, batchFirst, bidirectional;
            private double dropout;

            private Builder(int inputSize, int hiddenSize) {
                this.inputSize = inputSize;
                this.hiddenSize = hiddenSize;
            }

            /**
             * Stacked layers (default 1).
             *
             * @param numLayers the number of stacked layers, at least 1
             * @return this builder
             */
            public Builder numLayers(int numLayers) {
                this.numLayers = numLayers;
                return this;
            }

            /**
             * Whether the layers have biases (default true).
             *
             * @param bias true for biases b_ih and b_hh
             * @return this builder
             */
            public Builder bias(boolean bias) {
                this.bias = bias;
                return this;
            }

            /**
             * Inputs and outputs [batch, seq, feature].
             *
             * @return this builder
             */
            public Builder batchFirst() {
                return batchFirst(true);
            }

            /**
             * Inputs and outputs [batch, seq, feature] when true, [seq, batch, feature] when false (the default).
             *
             * @param batchFirst true for batch-first inputs and outputs
             * @return this builder
             */
            public Builder batchFirst(boolean batchFirst) {
                this.batchFirst = batchFirst;
                return this;
            }

            /**
             * Dropout between layers, in training (default 0).
             *
             * @param dropout the probability, in [0, 1); no effect with one layer
             * @return this builder
             */
            public Builder dropout(double dropout) {
                this.dropout = dropout;
                return this;
            }

            /**
             * A second, backward direction.
             *
             * @return this builder
             */
            public Builder bidirectional() {
                return bidirectional(true);
            }

            /**
             * A second, backward direction when true (default false).
             *
             * @param bidirectional true for two directions
             * @return this builder
             */
            public Builder bidirectional(boolean bidirectional) {
                this.bidirectional = bidirectional;
                return this;
            }

            /**
             * The options collected so far, checked.
             *
             * @return the options
             * @throws IllegalArgumentException when a size is below 1 or dropout is outside [0, 1)
             */
            public Options build() {
                return new Options(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);
            }
        }
    }

    /**
     * The options of a recurrent layer with these sizes and PyTorch's defaults for the rest (one layer, biases,
     * time-first, no dropout, one direction), to change by name: {@code LSTM.options(7, 11).numLayers(2).build()}.
     *
     * @param inputSize the features of each input step, at least 1
     * @param hiddenSize the features of the hidden state H, at least 1
     * @return a builder; {@code build()} checks the values
     */
    public static Options.Builder options(int inputSize, int hiddenSize) {
        return new Options.Builder(inputSize, hiddenSize);
    }

    private final StepFunction step;
    private final Options options;
    private final Dropout interLayerDropout;

    RNNBase(StepFunction step, Options options, Generator gen) {
        this.step = step;
        this.options = options;
        this.interLayerDropout = new Dropout(options.dropout());
        int gh = step.gates() * options.hiddenSize();
        double bound = 1 / Math.sqrt(options.hiddenSize());
        for (int layer = 0; layer < options.numLayers(); layer++) {
            int in = layer == 0 ? options.inputSize() : options.hiddenSize() * directions();
            for (int dir = 0; dir < directions(); dir++) {
                String suffix = "_l" + layer + (dir == 1 ? "_reverse" : "");
                Init.uniform(registerParameter("weight_ih" + suffix, new Parameter(Tensor.zeros(gh, in))), -bound, bound, gen);
                Init.uniform(registerParameter("weight_hh" + suffix, new Parameter(Tensor.zeros(gh, options.hiddenSize()))), -bound, bound, gen);
                if (options.bias()) {
                    Init.uniform(registerParameter("bias_ih" + suffix, new Parameter(Tensor.zeros(gh))), -bound, bound, gen);
                    Init.uniform(registerParameter("bias_hh" + suffix, new Parameter(Tensor.zeros(gh))), -bound, bound, gen);
                }
            }
        }
    }

    /**
     * The layer's configuration.
     *
     * @return the options it was built with
     */
    public Options options() {
        return options;
    }

    /**
     * The number of directions (PyTorch's num_directions).
     *
     * @return 2 when bidirectional, else 1
     */
    public int directions() {
        return options.bidirectional() ? 2 : 1;
    }

    /**
     * All sequences full length, zero initial state.
     *
     * @param input [T, B, input] ([B, T, input] when batch-first), or unbatched [T, input]
     * @return the top layer's outputs and the final state
     * @throws IllegalArgumentException when the input's shape does not fit
     */
    public RecurrentOutput forward(Tensor input) {
        return forward(input, null, null);
    }

    /**
     * All sequences full length, from the given initial state.
     *
     * @param input [T, B, input] ([B, T, input] when batch-first), or unbatched [T, input]
     * @param state initial (h, c), each [layers * directions, B, H] (c only for the LSTM); zeros when null
     * @return the top layer's outputs and the final state
     * @throws IllegalArgumentException when a shape does not fit
     */
    public RecurrentOutput forward(Tensor input, RecurrentState state) {
        return forward(input, null, state);
    }

    /**
     * Runs every layer and direction over the whole sequence (PyTorch's forward with a packed sequence when
     * lengths are given): after its end a sequence's state is carried unchanged and its outputs are zero.
     *
     * @param input   [T, B, input] ([B, T, input] when batch-first), or unbatched [T, input]
     * @param lengths real length of each sequence (the rest is padding), or null
     * @param state   initial (h, c), each [layers * directions, B, H]; zeros when null
     * @return the top layer's outputs [T, B, directions * H] (batch-first: [B, T, ...]), zero at padding, and the final state
     * @throws IllegalArgumentException when a shape does not fit, or lengths come with an unbatched input
     */
    public RecurrentOutput forward(Tensor input, int[] lengths, RecurrentState state) {
        String name = getClass().getSimpleName();
        boolean unbatched = input.dim() == 2;
        if (input.dim() != 2 && input.dim() != 3 || input.size(-1) != options.inputSize()) {
            throw new IllegalArgumentException(name + ": expected input of shape " + (options.batchFirst() ? "[batch, seq, " : "[seq, batch, ")
                    + options.inputSize() + "] (or unbatched [seq, " + options.inputSize() + "]), got " + Shape.str(input.shape()));
        }
        Tensor x = unbatched ? input.unsqueeze(1) : options.batchFirst() ? input.transpose(0, 1) : input;
        int T = x.size(0), B = x.size(1), H = options.hiddenSize(), L = options.numLayers(), D = directions();
        if (lengths != null && unbatched) throw new IllegalArgumentException(name + ": lengths need a batched input");
        Tensor h0 = initialState(name, "h", state == null ? null : state.h(), unbatched, B);
        Tensor c0 = step.hasCellState() ? initialState(name, "c", state == null ? null : state.c(), unbatched, B) : null;
        if (!step.hasCellState() && state != null && state.c() != null) {
            throw new IllegalArgumentException(name + ": has no cell state, but the initial state has a c");
        }

        List<Tensor> finalH = new ArrayList<>(L * D), finalC = new ArrayList<>(L * D);
        Tensor layerInput = x;
        for (int layer = 0; layer < L; layer++) {
            List<Tensor> outputs = new ArrayList<>(D);
            for (int dir = 0; dir < D; dir++) {
                String suffix = "_l" + layer + (dir == 1 ? "_reverse" : "");
                Tensor in = dir == 1 ? SequenceReverse.apply(layerInput, lengths) : layerInput;
                Tensor xproj = Functional.linear(in, ownParameter("weight_ih" + suffix), ownParameter("bias_ih" + suffix));
                int k = layer * D + dir;
                Tensor y = Recurrence.run(step, xproj, ownParameter("weight_hh" + suffix), ownParameter("bias_hh" + suffix),
                        h0.select(0, k), c0 == null ? null : c0.select(0, k), lengths);
                Tensor out = y.narrow(0, 0, T);
                outputs.add(dir == 1 ? SequenceReverse.apply(out, lengths) : out);
                finalH.add(y.select(0, T));
                if (c0 != null) finalC.add(y.select(0, T + 1));
            }
            layerInput = D == 1 ? outputs.get(0) : Tensor.cat(outputs, 2);
            if (layer < L - 1 && options.dropout() > 0) {
                interLayerDropout.train(isTraining());
                layerInput = interLayerDropout.forward(layerInput);
            }
        }
        Tensor hN = Tensor.stack(finalH, 0), cN = c0 == null ? null : Tensor.stack(finalC, 0);
        Tensor output = unbatched ? layerInput.squeeze(1) : options.batchFirst() ? layerInput.transpose(0, 1) : layerInput;
        if (unbatched) {
            hN = hN.squeeze(1);
            cN = cN == null ? null : cN.squeeze(1);
        }
        return new RecurrentOutput(output, new RecurrentState(hN, cN));
    }

    private Tensor initialState(String name, String which, Tensor s, boolean unbatched, int batch) {
        int rows = options.numLayers() * directions(), H = options.hiddenSize();
        if (s == null) return Tensor.zeros(rows, batch, H);
        Tensor b = unbatched && s.dim() == 2 ? s.unsqueeze(1) : s;
        if (b.dim() != 3 || b.size(0) != rows || b.size(1) != batch || b.size(2) != H) {
            throw new IllegalArgumentException(name + ": initial " + which + " must have shape [" + rows + ", " + batch + ", " + H
                    + "] (layers * directions, batch, hidden), got " + Shape.str(s.shape()));
        }
        return b;
    }

    @Override
    protected String extraRepr() {
        StringBuilder sb = new StringBuilder(options.inputSize() + ", " + options.hiddenSize());
        if (options.numLayers() != 1) sb.append(", num_layers=").append(options.numLayers());
        if (!options.bias()) sb.append(", bias=False");
        if (options.batchFirst()) sb.append(", batch_first=True");
        if (options.dropout() != 0) sb.append(", dropout=").append(options.dropout());
        if (options.bidirectional()) sb.append(", bidirectional=True");
        return sb.toString();
    }
}
