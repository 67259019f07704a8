package dev.jgrad.bench;

import dev.jgrad.nn.Functional;
import dev.jgrad.nn.LossOptions;
import dev.jgrad.nn.Parameter;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchSeq2SeqTransformerTest {

    /** PyTorch's named_parameters() of the peer's Seq2SeqTransformer(8000), in order, with shapes. */
    private static Map<String, List<Integer>> peerParameters() {
        Map<String, List<Integer>> p = new LinkedHashMap<>();
        p.put("emb.weight", List.of(8000, 256));
        p.put("pos.weight", List.of(64, 256));
        for (int i = 0; i < 3; i++) {
            String l = "transformer.encoder.layers." + i + ".";
            attention(p, l + "self_attn.");
            feedForward(p, l);
            norms(p, l, 2);
        }
        p.put("transformer.encoder.norm.weight", List.of(256));
        p.put("transformer.encoder.norm.bias", List.of(256));
        for (int i = 0; i < 3; i++) {
            String l = "transformer.decoder.layers." + i + ".";
            attention(p, l + "self_attn.");
            attention(p, l + "multihead_attn.");
            feedForward(p, l);
            norms(p, l, 3);
        }
        p.put("transformer.decoder.norm.weight", List.of(256));
        p.put("transformer.decoder.norm.bias", List.of(256));
        p.put("proj.weight", List.of(8000, 256));
        p.put("proj.bias", List.of(8000));
        return p;
    }

    private static void attention(Map<String, List<Integer>> p, String prefix) {
        p.put(prefix + "in_proj_weight", List.of(768, 256));
        p.put(prefix + "in_proj_bias", List.of(768));
        p.put(prefix + "out_proj.weight", List.of(256, 256));
        p.put(prefix + "out_proj.bias", List.of(256));
    }

    private static void feedForward(Map<String, List<Integer>> p, String prefix) {
        p.put(prefix + "linear1.weight", List.of(1024, 256));
        p.put(prefix + "linear1.bias", List.of(1024));
        p.put(prefix + "linear2.weight", List.of(256, 1024));
        p.put(prefix + "linear2.bias", List.of(256));
    }

    private static void norms(Map<String, List<Integer>> p, String prefix, int n) {
        for (int i = 1; i <= n; i++) {
            p.put(prefix + "norm" + i + ".weight", List.of(256));
            p.put(prefix + "norm" + i + ".bias", List.of(256));
        }
    }

    @Test
    void parametersAreThePeersByNameShapeOrderAndCount() {
        BenchSeq2SeqTransformer model = new BenchSeq2SeqTransformer(new Generator(0));
        Map<String, List<Integer>> ours = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            ours.put(e.getKey(), Arrays.stream(e.getValue().shape()).boxed().toList());
        }
        Map<String, List<Integer>> peer = peerParameters();
        assertEquals(new ArrayList<>(peer.keySet()), new ArrayList<>(ours.keySet()));
        assertEquals(peer, ours);
        // By hand: embeddings 8000*256 + 64*256 = 2,064,384; attention 3*256*256 + 3*256 + 256*256 + 256 = 263,168;
        // feed-forward 256*1024 + 1024 + 1024*256 + 256 = 525,568; LayerNorm 512.
        // Encoder layer 263,168 + 525,568 + 2*512 = 789,760; decoder layer 2*263,168 + 525,568 + 3*512 = 1,053,440.
        // 2,064,384 + 3*789,760 + 512 + 3*1,053,440 + 512 + (256*8000 + 8000) = 9,651,008, the peer's "params=".
        assertEquals(9_651_008L, model.numParameters());
    }

    /** A small model of the same structure, so the tests below stay fast. */
    private static BenchSeq2SeqTransformer small() {
        return new BenchSeq2SeqTransformer(50, 16, 4, 2, 2, 32, 0.1, 12, new Generator(7));
    }

    @Test
    void cachedGreedyDecodingFindsTheSameTokensAsRecomputingThePrefix() {
        BenchSeq2SeqTransformer model = small();
        model.eval();
        IntTensor src = LstmLmTrainWorkload.randomIds(new Generator(1), 50, 1, 8);
        int[] uncached = TransformerDecodeWorkload.decode(model, src, 10);
        assertArrayEquals(uncached, TransformerDecodeWorkload.decodeCached(model, src, 10));
        assertArrayEquals(uncached, TransformerDecodeWorkload.decodeRecomputingMemory(model, src, 10));
        assertTrue(Arrays.stream(uncached).distinct().count() > 1, "a degenerate decode would prove little: " + Arrays.toString(uncached));
    }

    @Test
    void aTrainingStepReachesEveryParameter() {
        BenchSeq2SeqTransformer model = small();
        model.train();
        Generator gen = new Generator(2);
        IntTensor src = LstmLmTrainWorkload.randomIds(gen, 50, 3, 8), tgt = LstmLmTrainWorkload.randomIds(gen, 50, 3, 7);
        IntTensor in = TransformerTrainWorkload.columns(tgt, 0, 6), out = TransformerTrainWorkload.columns(tgt, 1, 6);
        assertArrayEquals(new int[] {tgt.get(1, 1), tgt.get(1, 2)}, new int[] {in.get(1, 1), out.get(1, 1)});
        Tensor logits = model.forward(src, in);
        assertArrayEquals(new int[] {3, 6, 50}, logits.shape());
        Functional.crossEntropy(logits.reshape(-1, 50), out.reshape(-1), LossOptions.defaults().withLabelSmoothing(0.1)).backward();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) assertNotNull(e.getValue().grad(), e.getKey());
    }
}
