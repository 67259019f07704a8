package dev.jgrad.bench;

import dev.jgrad.nn.Embedding;
import dev.jgrad.nn.LSTM;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.RNNBase;
import dev.jgrad.nn.RecurrentOutput;
import dev.jgrad.nn.RecurrentState;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

/** The peer's CharLSTM: Embedding(65, 64) -> LSTM(64 -> 512, 2 layers, batch-first) -> Linear(512, 65). */
final class BenchCharLSTM extends Module {
    static final int EMBED = 64, HIDDEN = 512, LAYERS = 2;

    final Embedding emb;
    final LSTM lstm;
    final Linear out;

    BenchCharLSTM(int vocab, Generator gen) {
        emb = registerModule("emb", new Embedding(vocab, EMBED, gen));
        lstm = registerModule("lstm", new LSTM(LSTM.options(EMBED, HIDDEN).numLayers(LAYERS).batchFirst().build(), gen));
        out = registerModule("out", new Linear(HIDDEN, vocab, true, gen));
    }

    /** Forward FLOPs per token of this model with the given vocabulary (see {@link FlopCounts}). */
    static double forwardFlopsPerToken(int vocab) {
        return FlopCounts.charLstmForwardPerToken(vocab, EMBED, HIDDEN, LAYERS);
    }

    /** ids [batch, seq] -> logits [batch, seq, vocab] and the final state. */
    RecurrentOutput forward(IntTensor ids, RecurrentState state) {
        RecurrentOutput r = lstm.forward(emb.forward(ids), state);
        return new RecurrentOutput(out.forward(r.output()), r.state());
    }
}
