package dev.jgrad.bench;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.nn.DecoderCache;
import dev.jgrad.nn.TransformerDecoder;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The peer's transformer_decode: greedy decoding of 24 tokens for one random source sentence of 24 tokens
 * with its {@link BenchSeq2SeqTransformer} in eval mode: the encoder once, then 24 decoder passes, each
 * recomputing the whole prefix (no key/value cache of the target, as the peer does). Unlike the peer, the encoder
 * memory's keys and values are projected once per sentence, not at every pass ({@link TransformerDecoder#newMemoryCache()}):
 * the same tokens and the same logits bit for bit. Extra info lines time the decoding with the memory projected at every
 * pass, as the peer does, and with a full {@link DecoderCache}, which feeds only the newest token at each step.
 */
public final class TransformerDecodeWorkload implements Workload {
    static final int VOCAB = 8000, SLEN = 24, STEPS = 24;

    @Override
    public String name() {
        return "transformer_decode";
    }

    /** Per token: the uncached decoding of one sentence divided by its 24 tokens (see {@link FlopCounts}). */
    @Override
    public double flopsPerUnit() {
        return FlopCounts.uncachedGreedyDecode(FlopCounts.TransformerShape.PEER, SLEN, STEPS) / STEPS;
    }

    @Override
    public void run(boolean quick) {
        Generator gen = new Generator(0);
        BenchSeq2SeqTransformer model = new BenchSeq2SeqTransformer(gen);
        model.eval();
        IntTensor src = LstmLmTrainWorkload.randomIds(gen, VOCAB, 1, SLEN);
        List<Double> cpu = new ArrayList<>();
        Bench.Timing t = Bench.timeIt(() -> {
            double c0 = TransformerTrainWorkload.processCpuSeconds();
            decode(model, src, STEPS);
            cpu.add(TransformerTrainWorkload.processCpuSeconds() - c0);
        }, 3, 30, 30, quick);
        Bench.info("transformer_decode " + STEPS + " tokens/sample (encoder once + " + STEPS + " decoder passes) " + t.spread());
        Bench.info(String.format(Locale.ROOT, "transformer_decode cpu: median %.4fms of process CPU time per token (all threads)",
                TransformerTrainWorkload.medianOfLast(cpu, t.times().size()) / STEPS * 1e3));

        int[] uncached = decode(model, src, STEPS), peerLoop = decodeRecomputingMemory(model, src, STEPS);
        Bench.Timing r = Bench.timeIt(() -> decodeRecomputingMemory(model, src, STEPS), 3, 30, 10, quick);
        Bench.info(String.format(Locale.ROOT, "transformer_decode projecting the memory's keys/values at every pass (as the peer): %.1f tokens/s, %.4f ms/token, same tokens: %s; %s",
                STEPS / r.median(), r.median() / STEPS * 1e3, java.util.Arrays.equals(uncached, peerLoop), r.spread()));
        int[] cached = decodeCached(model, src, STEPS);
        Bench.Timing c = Bench.timeIt(() -> decodeCached(model, src, STEPS), 3, 30, 15, quick);
        Bench.info(String.format(Locale.ROOT, "transformer_decode with DecoderCache (one new position per pass): %.1f tokens/s, %.4f ms/token, same tokens: %s; %s",
                STEPS / c.median(), c.median() / STEPS * 1e3, java.util.Arrays.equals(uncached, cached), c.spread()));
        Bench.emit("transformer_decode", STEPS / t.median(), "tokens/s");
        Bench.emit("transformer_decode", t.median() / STEPS * 1e3, "ms/token");
    }

    /**
     * The peer's loop: BOS = 0, then each pass decodes the whole prefix and appends the argmax of the last position;
     * the memory's keys and values are projected at the first pass only.
     */
    static int[] decode(BenchSeq2SeqTransformer model, IntTensor src, int steps) {
        return decodePrefixes(model, src, steps, model.transformer.decoder().newMemoryCache());
    }

    /** The peer's loop exactly: every pass projects the memory's keys and values again. */
    static int[] decodeRecomputingMemory(BenchSeq2SeqTransformer model, IntTensor src, int steps) {
        return decodePrefixes(model, src, steps, null);
    }

    /** Greedy decoding that passes the whole prefix at every step, with a memory-only cache or (null) none. */
    private static int[] decodePrefixes(BenchSeq2SeqTransformer model, IntTensor src, int steps, DecoderCache memoryCache) {
        try (var ignored = GradMode.noGrad()) {
            Tensor memory = model.encode(src);
            int[] ys = new int[steps + 1]; // ys[0] = BOS = 0
            for (int i = 0; i < steps; i++) {
                IntTensor prefix = IntTensor.of(java.util.Arrays.copyOf(ys, i + 1), 1, i + 1);
                Tensor h = memoryCache == null ? model.decode(prefix, memory) : model.decode(prefix, memory, memoryCache);
                ys[i + 1] = model.proj.forward(h.select(1, i)).argmax(-1, false).data()[0];
            }
            return java.util.Arrays.copyOfRange(ys, 1, steps + 1);
        }
    }

    /** The same decoding with a key/value cache: each pass feeds only the newest token. */
    static int[] decodeCached(BenchSeq2SeqTransformer model, IntTensor src, int steps) {
        try (var ignored = GradMode.noGrad()) {
            Tensor memory = model.encode(src);
            DecoderCache cache = model.transformer.decoder().newCache();
            int[] out = new int[steps];
            int last = 0;
            for (int i = 0; i < steps; i++) {
                Tensor h = model.decode(IntTensor.of(new int[] {last}, 1, 1), memory, cache);
                last = model.proj.forward(h.select(1, 0)).argmax(-1, false).data()[0];
                out[i] = last;
            }
            return out;
        }
    }
}
