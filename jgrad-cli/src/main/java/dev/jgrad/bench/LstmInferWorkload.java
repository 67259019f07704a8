package dev.jgrad.bench;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.nn.RecurrentOutput;
import dev.jgrad.nn.RecurrentState;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;

/** The peer's lstm_infer: greedy generation of 500 characters, batch 1, one character at a time. */
public final class LstmInferWorkload implements Workload {
    @Override
    public String name() {
        return "lstm_infer";
    }

    /** Per character: one forward step of the CharLSTM at batch 1 (about 6.6 MFLOP; see {@link FlopCounts}). */
    @Override
    public double flopsPerUnit() {
        return BenchCharLSTM.forwardFlopsPerToken(65);
    }

    @Override
    public void run(boolean quick) {
        int chars = 500;
        BenchCharLSTM model = new BenchCharLSTM(65, new Generator(0));
        model.eval();
        Bench.Timing t = Bench.timeIt(() -> {
            try (var ignored = GradMode.noGrad()) {
                IntTensor tok = IntTensor.zeros(1, 1);
                RecurrentState state = null;
                for (int i = 0; i < chars; i++) {
                    RecurrentOutput r = model.forward(tok, state);
                    state = r.state();
                    tok = r.output().select(1, 0).argmax(-1, true);
                }
            }
        }, 2, 10, 30, quick);
        Bench.info("lstm_infer " + chars + " chars/sample " + t.spread());
        Bench.emit("lstm_infer", chars / t.median(), "chars/s");
        Bench.emit("lstm_infer", t.median() / chars * 1e3, "ms/char");
    }
}
