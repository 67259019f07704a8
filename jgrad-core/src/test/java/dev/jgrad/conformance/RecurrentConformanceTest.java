package dev.jgrad.conformance;

import dev.jgrad.nn.GRU;
import dev.jgrad.nn.GRUCell;
import dev.jgrad.nn.LSTM;
import dev.jgrad.nn.LSTMCell;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.RNN;
import dev.jgrad.nn.RNNBase;
import dev.jgrad.nn.RNNCell;
import dev.jgrad.nn.RecurrentOutput;
import dev.jgrad.nn.RecurrentState;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.jgrad.conformance.AssertClose.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RNN, LSTM, GRU and their cells against PyTorch 1.13: the module gets the fixture's weights by their
 * state_dict names (strictly, so the names must match both ways), runs the same input and initial state
 * (and lengths, where PyTorch got a packed sequence), and the outputs, final states and the gradients of
 * the input, the initial state and every parameter must match for the loss
 * sum(out * grad_output) + sum(h_n * grad_h_n) + sum(c_n * grad_c_n).
 */
class RecurrentConformanceTest {

    private final Generator gen = new Generator(0); // the initial weights are overwritten by the fixture's

    /**
     * The fixture's parameters under PyTorch's state_dict names: every weight_ih, weight_hh, bias_ih, bias_hh
     * (with _l{k} and _reverse for layers) that it holds. A strict load then fails on a name either side lacks.
     */
    private static Map<String, Tensor> weights(Fixture f) {
        List<String> suffixes = new ArrayList<>();
        if (f.meta("op").endsWith("_cell")) {
            suffixes.add("");
        } else {
            for (int layer = 0; layer < f.metaInt("num_layers"); layer++) {
                suffixes.add("_l" + layer);
                suffixes.add("_l" + layer + "_reverse");
            }
        }
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String suffix : suffixes) {
            for (String key : List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh")) {
                if (f.has(key + suffix)) state.put(key + suffix, f.get(key + suffix));
            }
        }
        return state;
    }

    private static Tensor loss(Fixture f, Tensor out, Tensor hN, Tensor cN) {
        Tensor loss = out.mul(f.get("grad_output")).sum().add(hN.mul(f.get("grad_h_n")).sum());
        return cN == null ? loss : loss.add(cN.mul(f.get("grad_c_n")).sum());
    }

    private static void assertGradients(Fixture f, Module m, Map<String, Tensor> inputs) {
        inputs.forEach((key, t) -> assertClose(f.name + " " + key + ".grad", f.get(key + ".grad"), t.grad()));
        m.namedParameters().forEach((key, p) -> assertClose(f.name + " " + key + ".grad", f.get(key + ".grad"), p.grad()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rnn_tanh_2layers", "rnn_relu", "lstm_2layers", "lstm_2layers_bidirectional", "lstm_batch_first",
            "lstm_given_state", "lstm_2layers_dropout0", "gru_2layers_bidirectional", "lstm_packed_bidirectional", "gru_packed"})
    void layer(String name) {
        Fixture f = Fixture.load(name);
        RNNBase.Options options = RNNBase.options(f.metaInt("input_size"), f.metaInt("hidden_size")).numLayers(f.metaInt("num_layers"))
                .bias(f.metaBool("bias")).batchFirst(f.metaBool("batch_first")).dropout(f.metaDouble("dropout"))
                .bidirectional(f.metaBool("bidirectional")).build();
        String op = f.meta("op");
        RNNBase m = switch (op) {
            case "rnn" -> new RNN(options, RNNCell.Nonlinearity.valueOf(f.meta("nonlinearity").toUpperCase(Locale.ROOT)), gen);
            case "lstm" -> new LSTM(options, gen);
            case "gru" -> new GRU(options, gen);
            default -> throw new IllegalStateException(name + ": unknown op " + op);
        };
        m.loadStateDict(weights(f));

        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", f.leaf("x"));
        if (f.has("h0")) inputs.put("h0", f.leaf("h0"));
        if (f.has("c0")) inputs.put("c0", f.leaf("c0"));
        RecurrentState state = f.has("h0") ? new RecurrentState(inputs.get("h0"), inputs.get("c0")) : null;
        int[] lengths = f.metaBool("packed") ? f.indices("lengths").data() : null;

        RecurrentOutput o = m.forward(inputs.get("x"), lengths, state);
        Tensor hN = o.state().h(), cN = o.state().c();
        assertClose(name + " out", f.get("out"), o.output());
        assertClose(name + " h_n", f.get("h_n"), hN);
        assertEquals(f.has("c_n"), cN != null, name + ": cell state");
        if (cN != null) assertClose(name + " c_n", f.get("c_n"), cN);

        loss(f, o.output(), hN, cN).backward();
        assertGradients(f, m, inputs);
    }

    /** A cell run for a few steps, each step's state feeding the next through the graph. */
    @ParameterizedTest
    @ValueSource(strings = {"rnn_cell", "lstm_cell", "gru_cell"})
    void cell(String name) {
        Fixture f = Fixture.load(name);
        int in = f.metaInt("input_size"), hidden = f.metaInt("hidden_size"), steps = f.metaInt("steps");
        boolean bias = f.metaBool("bias");
        Module m = switch (f.meta("op")) {
            case "rnn_cell" -> new RNNCell(in, hidden, bias, RNNCell.Nonlinearity.valueOf(f.meta("nonlinearity").toUpperCase(Locale.ROOT)), gen);
            case "lstm_cell" -> new LSTMCell(in, hidden, bias, gen);
            case "gru_cell" -> new GRUCell(in, hidden, bias, gen);
            default -> throw new IllegalStateException(name + ": unknown op " + f.meta("op"));
        };
        m.loadStateDict(weights(f));

        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", f.leaf("x"));
        inputs.put("h0", f.leaf("h0"));
        if (f.has("c0")) inputs.put("c0", f.leaf("c0"));
        Tensor x = inputs.get("x"), h = inputs.get("h0"), c = inputs.get("c0");
        List<Tensor> hs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            Tensor xt = x.select(0, t);
            switch (m) {
                case LSTMCell lstm -> {
                    RecurrentState s = lstm.forward(xt, new RecurrentState(h, c));
                    h = s.h();
                    c = s.c();
                }
                case GRUCell gru -> h = gru.forward(xt, h);
                case RNNCell rnn -> h = rnn.forward(xt, h);
                default -> throw new IllegalStateException();
            }
            hs.add(h);
        }
        Tensor out = Tensor.stack(hs, 0);
        Tensor cN = f.has("c0") ? c : null;
        assertClose(name + " out", f.get("out"), out);
        assertClose(name + " h_n", f.get("h_n"), h);
        if (cN != null) assertClose(name + " c_n", f.get("c_n"), cN);

        loss(f, out, h, cN).backward();
        assertGradients(f, m, inputs);
    }
}
