package dev.jgrad.nn;

import dev.jgrad.autograd.GradCheck;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/** Finite-difference checks of the fused recurrences (the hand-written backprop through time) and of the layers around them. */
class RecurrentGradCheckTest {
    private final Generator gen = new Generator(11);

    private Tensor var(int... shape) {
        return Tensor.normal(0f, 1f, gen, shape).requiresGrad(true);
    }

    /** Checks the gradient of f with respect to x, the initial state and every parameter of the module. */
    private static void checkModule(String name, Module m, Function<List<Tensor>, Tensor> f, Tensor... extra) {
        List<Tensor> inputs = new ArrayList<>(List.of(extra));
        int nExtra = inputs.size();
        inputs.addAll(m.parameters());
        GradCheck.check(name, in -> f.apply(in.subList(0, nExtra)), inputs);
    }

    @Test
    void lstmLayerAllGradients() {
        LSTM lstm = new LSTM(LSTM.options(3, 4).numLayers(2).build(), gen);
        Tensor h0 = var(2, 2, 4), c0 = var(2, 2, 4);
        checkModule("lstm 2 layers", lstm, in -> {
            RecurrentOutput o = lstm.forward(in.get(0), new RecurrentState(in.get(1), in.get(2)));
            return Tensor.cat(List.of(o.output().reshape(-1), o.state().h().reshape(-1), o.state().c().reshape(-1)), 0);
        }, var(5, 2, 3), h0, c0);
    }

    @Test
    void gruAndRnnLayers() {
        GRU gru = new GRU(GRU.options(3, 4).numLayers(2).batchFirst().build(), gen);
        checkModule("gru", gru, in -> {
            RecurrentOutput o = gru.forward(in.get(0), new RecurrentState(in.get(1), null));
            return Tensor.cat(List.of(o.output().reshape(-1), o.state().h().reshape(-1)), 0);
        }, var(2, 5, 3), var(2, 2, 4));
        RNN rnn = new RNN(RNN.options(3, 4).build(), RNNCell.Nonlinearity.TANH, gen);
        checkModule("rnn tanh", rnn, in -> rnn.forward(in.get(0)).output(), var(6, 2, 3));
    }

    @Test
    void bidirectionalWithLengths() {
        LSTM lstm = new LSTM(LSTM.options(3, 4).bidirectional().numLayers(2).build(), gen);
        int[] lengths = {5, 3, 1};
        checkModule("bilstm lengths", lstm, in -> {
            RecurrentOutput o = lstm.forward(in.get(0), lengths, null);
            return Tensor.cat(List.of(o.output().reshape(-1), o.state().h().reshape(-1), o.state().c().reshape(-1)), 0);
        }, var(5, 3, 3));
        GRU gru = new GRU(GRU.options(3, 4).bidirectional().build(), gen);
        checkModule("bigru lengths", gru, in -> gru.forward(in.get(0), lengths, null).output(), var(5, 3, 3));
    }

    @Test
    void cells() {
        LSTMCell lstm = new LSTMCell(3, 4, true, gen);
        checkModule("lstm cell", lstm, in -> {
            RecurrentState s = lstm.forward(in.get(0), new RecurrentState(in.get(1), in.get(2)));
            s = lstm.forward(in.get(0).mul(0.5f), s); // two steps: the gradient flows through the state too
            return Tensor.cat(List.of(s.h().reshape(-1), s.c().reshape(-1)), 0);
        }, var(2, 3), var(2, 4), var(2, 4));
        GRUCell gru = new GRUCell(3, 4, true, gen);
        checkModule("gru cell", gru, in -> gru.forward(in.get(0), gru.forward(in.get(0), in.get(1))), var(2, 3), var(2, 4));
        RNNCell rnn = new RNNCell(3, 4, false, RNNCell.Nonlinearity.TANH, gen);
        checkModule("rnn cell", rnn, in -> rnn.forward(in.get(0), in.get(1)), var(3), var(4));
    }

    @Test
    void paddingDoesNotChangeRealTokens() {
        LSTM lstm = new LSTM(LSTM.options(3, 5).bidirectional().batchFirst().build(), gen);
        Tensor x = Tensor.normal(0f, 1f, gen, 2, 6, 3);
        RecurrentOutput padded = lstm.forward(x, new int[] {6, 4}, null);
        // The second sequence alone, without padding, must give the same outputs and final state.
        Tensor alone = x.narrow(0, 1, 1).narrow(1, 0, 4);
        RecurrentOutput ref = lstm.forward(alone);
        assertArrayEquals(ref.output().toArray(), padded.output().narrow(0, 1, 1).narrow(1, 0, 4).toArray(), 1e-6f);
        assertArrayEquals(new float[2 * 10], padded.output().narrow(0, 1, 1).narrow(1, 4, 2).toArray(), 0f);
        assertArrayEquals(ref.state().h().toArray(), padded.state().h().narrow(1, 1, 1).toArray(), 1e-6f);
        assertArrayEquals(ref.state().c().toArray(), padded.state().c().narrow(1, 1, 1).toArray(), 1e-6f);
    }

    @Test
    void clearErrors() {
        LSTM lstm = new LSTM(3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(5, 2, 7)));
        assertTrue(e.getMessage().contains("[5, 2, 7]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(5, 2, 3), new RecurrentState(Tensor.zeros(1, 3, 4), Tensor.zeros(1, 2, 4))));
        assertTrue(e.getMessage().contains("[1, 2, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(5, 2, 3), new int[] {5, 6}, null));
        assertTrue(e.getMessage().contains("length 6"), e.getMessage());
    }

    @Test
    void parameterNamesArePyTorchs() {
        LSTM lstm = new LSTM(LSTM.options(3, 4).numLayers(2).bidirectional().build());
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
                "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"),
                List.copyOf(lstm.stateDict().keySet()));
        assertArrayEquals(new int[] {16, 8}, lstm.stateDict().get("weight_ih_l1").shape());
    }

    @Test
    void optionsDefaultToPyTorchsAndAreSetByName() {
        assertEquals(new RNNBase.Options(7, 11, 1, true, false, 0.0, false), LSTM.options(7, 11).build());
        RNNBase.Options o = LSTM.options(7, 11).numLayers(3).bias(false).bidirectional().batchFirst().dropout(0.2).build();
        assertEquals(new RNNBase.Options(7, 11, 3, false, true, 0.2, true), o);
        assertEquals("LSTM(7, 11, num_layers=3, bias=False, batch_first=True, dropout=0.2, bidirectional=True)", new LSTM(o).toString().strip());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GRU.options(7, 11).dropout(1.5).build());
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }
}
