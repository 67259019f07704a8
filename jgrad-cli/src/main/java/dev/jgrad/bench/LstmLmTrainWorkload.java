package dev.jgrad.bench;

import dev.jgrad.nn.Functional;
import dev.jgrad.optim.Adam;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

/** The peer's lstm_lm_train: one Adam step of the char LSTM on a random batch of 32 x 128 tokens. */
public final class LstmLmTrainWorkload implements Workload {
    @Override
    public String name() {
        return "lstm_lm_train";
    }

    /** Per token: a training step, 3x the CharLSTM's forward (about 19.9 MFLOP; see {@link FlopCounts}). */
    @Override
    public double flopsPerUnit() {
        return FlopCounts.TRAINING_FACTOR * BenchCharLSTM.forwardFlopsPerToken(65);
    }

    @Override
    public void run(boolean quick) {
        int vocab = 65, batch = 32, seq = 128;
        Generator gen = new Generator(0);
        BenchCharLSTM model = new BenchCharLSTM(vocab, gen);
        model.train();
        Adam opt = new Adam(model.parameters(), 2e-3);
        IntTensor x = randomIds(gen, vocab, batch, seq), y = randomIds(gen, vocab, batch, seq);
        StepCost cost = new StepCost();
        Bench.Timing t = Bench.timeIt(cost.around(() -> {
            opt.zeroGrad();
            Tensor logits = model.forward(x, null).output();
            Tensor loss = Functional.crossEntropy(logits.reshape(-1, vocab), y.reshape(-1));
            loss.backward();
            opt.step();
        }), 2, 15, 35, quick);
        Bench.info("lstm_lm_train params=" + model.numParameters() + " " + t.spread());
        Bench.info(cost.summary("lstm_lm_train", t));
        Bench.emit("lstm_lm_train", batch * seq / t.median(), "tokens/s");
        Bench.emit("lstm_lm_train", t.median() * 1e3, "ms/step");
    }

    static IntTensor randomIds(Generator gen, int vocab, int... shape) {
        IntTensor t = IntTensor.zeros(shape);
        int[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = gen.nextInt(vocab);
        return t;
    }
}
