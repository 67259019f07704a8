package dev.jgrad.bench;

import dev.jgrad.nn.Functional;
import dev.jgrad.nn.LossOptions;
import dev.jgrad.optim.Adam;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The peer's transformer_train: one Adam step (lr 1e-4, betas 0.9/0.98, eps 1e-9) of its
 * {@link BenchSeq2SeqTransformer} in training mode (dropout 0.1) with label-smoothed (0.1) cross-entropy
 * over 8000 classes, on random batches of 64 source sentences of 24 tokens and 64 target sentences of
 * 24 + 1 tokens (input all but the last, targets all but the first).
 */
public final class TransformerTrainWorkload implements Workload {
    @Override
    public String name() {
        return "transformer_train";
    }

    /**
     * Per target token: a training step, 3x the forward of one sentence pair (source 24, target 24, all 24
     * target positions projected to the 8000 words) divided by its 24 target tokens: about 46 MFLOP
     * (see {@link FlopCounts}).
     */
    @Override
    public double flopsPerUnit() {
        return FlopCounts.TRAINING_FACTOR
                * FlopCounts.transformerForward(FlopCounts.TransformerShape.PEER, 24, 24, 24) / 24;
    }

    @Override
    public void run(boolean quick) {
        int vocab = 8000, batch = 64, slen = 24, tlen = 24;
        Generator gen = new Generator(0);
        BenchSeq2SeqTransformer model = new BenchSeq2SeqTransformer(gen);
        model.train();
        Adam opt = new Adam(model.parameters(), Adam.options(1e-4).withBetas(0.9, 0.98).withEps(1e-9));
        LossOptions loss = LossOptions.defaults().withLabelSmoothing(0.1);
        IntTensor src = LstmLmTrainWorkload.randomIds(gen, vocab, batch, slen);
        IntTensor tgt = LstmLmTrainWorkload.randomIds(gen, vocab, batch, tlen + 1);
        IntTensor tgtIn = columns(tgt, 0, tlen), tgtOut = columns(tgt, 1, tlen);
        List<Double> cpu = new ArrayList<>();
        StepCost cost = new StepCost();
        List<Float> losses = new ArrayList<>();
        Bench.Timing t = Bench.timeIt(cost.around(() -> {
            double c0 = processCpuSeconds();
            // set_to_none=False: the gradients stay allocated and backward adds into their zeros (the peer's
            // set_to_none=True gets the same reuse from PyTorch's caching allocator; 0 + g is g, so the numbers are the same).
            opt.zeroGrad(false);
            Tensor logits = model.forward(src, tgtIn);
            Tensor value = Functional.crossEntropy(logits.reshape(-1, vocab), tgtOut.reshape(-1), loss);
            value.backward();
            losses.add(value.item());
            opt.step();
            cpu.add(processCpuSeconds() - c0);
        }), 3, 20, 40, quick);
        Bench.info("transformer_train params=" + model.numParameters() + " " + t.spread());
        Bench.info(String.format(Locale.ROOT, "transformer_train cpu: median %.4fs of process CPU time per step (all threads; wall time on a loaded machine is mostly waiting)",
                medianOfLast(cpu, t.times().size())));
        Bench.info(cost.summary("transformer_train", t));
        // Every step sees the same batch, so the losses fall step by step; bit-identical runs print the same values.
        Bench.info("transformer_train loss: step 1 " + losses.getFirst() + ", step " + losses.size() + " " + losses.getLast());
        Bench.emit("transformer_train", batch * tlen / t.median(), "tgt_tokens/s");
        Bench.emit("transformer_train", t.median() * 1e3, "ms/step");
    }

    /** CPU time used by this process so far, all threads, in seconds. */
    static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /** The median of the last n values (the timed iterations, after the warm-up ones). */
    static double medianOfLast(List<Double> values, int n) {
        List<Double> last = new ArrayList<>(values.subList(values.size() - n, values.size()));
        Collections.sort(last);
        return n % 2 == 1 ? last.get(n / 2) : (last.get(n / 2 - 1) + last.get(n / 2)) / 2;
    }

    /** Columns [from, from + len) of ids [B, T] (the peer's tgt[:, :-1] and tgt[:, 1:]). */
    static IntTensor columns(IntTensor ids, int from, int len) {
        int b = ids.size(0), t = ids.size(1);
        int[] out = new int[b * len];
        for (int i = 0; i < b; i++) System.arraycopy(ids.data(), i * t + from, out, i * len, len);
        return IntTensor.of(out, b, len);
    }
}
