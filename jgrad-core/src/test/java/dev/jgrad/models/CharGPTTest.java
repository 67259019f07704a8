package dev.jgrad.models;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Init;
import dev.jgrad.nn.KVCache;
import dev.jgrad.nn.TransformerLayerOptions;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharGPTTest {
    static final CharGPT.Config CONFIG = new CharGPT.Config(11, 8, 16, 2, 2, 40, 0.1);

    static CharGPT model() {
        return new CharGPT(CONFIG, new Generator(5));
    }

    static int[] randomIds(long seed, int n, int vocab) {
        Generator g = new Generator(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = g.nextInt(vocab);
        return ids;
    }

    @Test
    void blocksArePreNormEncoderLayersUnderTheNamesOfEarlierCheckpoints() {
        TransformerLayerOptions options = model().blocks().get(0).options();
        assertTrue(options.normFirst() && options.batchFirst(), options.toString());
        assertEquals(TransformerLayerOptions.Activation.GELU, options.activation());
        // The state dict keys of checkpoints written when the blocks were a class of their own (GPTBlock), in order.
        List<String> expected = new ArrayList<>(List.of("tok_emb.weight", "pos_emb.weight"));
        for (int i = 0; i < 2; i++) {
            for (String p : List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
                    "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias")) {
                expected.add("blocks." + i + "." + p);
            }
        }
        expected.addAll(List.of("ln_f.weight", "ln_f.bias"));
        assertEquals(expected, List.copyOf(model().stateDict().keySet()));
    }

    @Test
    void namesTiedHeadAndGpt2Initialisation() {
        CharGPT m = model();
        Map<String, ?> params = m.namedParameters();
        assertTrue(params.containsKey("tok_emb.weight") && params.containsKey("pos_emb.weight") && params.containsKey("ln_f.bias"));
        assertTrue(params.containsKey("blocks.1.self_attn.in_proj_weight") && params.containsKey("blocks.0.linear2.weight"));
        assertEquals(2 + 2 * 12 + 2, params.size(), "tok_emb, pos_emb, 12 tensors per block, ln_f: no output head of its own");
        // tok 11*16 + pos 8*16 + per block (attention 3*16*16 + 48 + 16*16 + 16, MLP 16*40 + 40 + 40*16 + 16, 2 norms 64) + ln_f 32; no head
        long block = 3 * 16 * 16 + 48 + 16 * 16 + 16 + 16 * 40 + 40 + 40 * 16 + 16 + 64;
        assertEquals(11 * 16 + 8 * 16 + 2 * block + 32, m.numParameters());
        // An untrained model knows nothing: its loss is about that of a uniform guess.
        int[] ids = randomIds(9, 40, 11);
        double loss = m.meanLoss(ids, 4);
        assertEquals(Math.log(11), loss, 0.05);
        float[] w = m.stateDict().get("blocks.0.linear2.weight").toArray();
        double sq = 0;
        for (float v : w) sq += v * v;
        assertEquals(0.02 / Math.sqrt(4), Math.sqrt(sq / w.length), 0.003, "residual projections start smaller");
    }

    @Test
    void incrementalForwardWithTheCacheEqualsTheFullForward() {
        CharGPT m = scrambled();
        m.eval();
        int[] ids = randomIds(1, 2 * 8, 11);
        IntTensor all = IntTensor.of(Arrays.copyOf(ids, 8), 2, 4);
        try (var ignored = GradMode.noGrad()) {
            Tensor full = m.forward(all);
            KVCache[] cache = m.newCache();
            int[] pieces = {1, 2, 1}; // three calls: positions 0, 1-2, 3
            int at = 0;
            for (int len : pieces) {
                int[] x = new int[2 * len];
                for (int b = 0; b < 2; b++) for (int t = 0; t < len; t++) x[b * len + t] = all.get(b, at + t);
                Tensor part = m.forward(IntTensor.of(x, 2, len), cache);
                assertArrayEquals(full.narrow(1, at, len).contiguous().toArray(), part.toArray(), 1e-5f, "positions from " + at);
                at += len;
            }
            assertEquals(4, cache[0].length());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(IntTensor.of(new int[10], 2, 5), cache));
            assertTrue(e.getMessage().contains("positions [4, 9)") && e.getMessage().contains("block size 8"), e.getMessage());
        }
    }

    /** A model whose weights are large enough that its predictions depend strongly on the context (a fresh one is near uniform). */
    static CharGPT scrambled() {
        CharGPT m = model();
        Generator g = new Generator(6);
        for (var p : m.parameters()) Init.normal(p, 0, 0.5, g);
        return m;
    }

    @Test
    void cachedGenerationEqualsRecomputingTheWholeContext() {
        CharGPT m = scrambled();
        m.train(); // generate must switch dropout off by itself, and restore the mode
        for (int[] prompt : new int[][] {{3}, randomIds(2, 13, 11)}) { // short, and longer than the block
            int[] cached = m.generate(prompt, 30, CharLSTM.Sampling.greedy(), new Generator(0), true);
            int[] uncached = m.generate(prompt, 30, CharLSTM.Sampling.greedy(), new Generator(0), false);
            assertArrayEquals(uncached, cached, "greedy, 30 characters across several context refills");
            assertTrue(Arrays.stream(cached).distinct().count() > 1, Arrays.toString(cached));
            assertArrayEquals(m.generate(prompt, 30, new CharLSTM.Sampling(1.0, 0), new Generator(4), false),
                    m.generate(prompt, 30, new CharLSTM.Sampling(1.0, 0), new Generator(4)), "sampled with one seed");
        }
        assertTrue(m.isTraining());
        assertThrows(IllegalArgumentException.class, () -> m.generate(new int[] {11}, 3, CharLSTM.Sampling.greedy(), new Generator(0)));
    }

    @Test
    void evaluationWindowsScoreEveryTargetOnceWithAtLeastHalfABlockOfContext() {
        for (int n : new int[] {2, 5, 9, 10, 17, 40, 41}) {
            List<int[]> windows = CharGPT.evaluationWindows(n, 8);
            int[] scored = new int[n - 1];
            for (int[] w : windows) {
                assertTrue(w[1] >= 1 && w[1] <= 8 && w[0] + w[1] <= n - 1, Arrays.toString(w));
                for (int t = w[2]; t < w[1]; t++) {
                    scored[w[0] + t]++;
                    assertTrue(w[0] == 0 || t >= 4, "context of at least half a block: " + Arrays.toString(w));
                }
            }
            for (int c : scored) assertEquals(1, c, "n=" + n + " " + Arrays.toString(scored));
        }
        // Within one block, the loss is plain cross-entropy over one forward pass.
        CharGPT m = model();
        int[] ids = randomIds(3, 9, 11);
        m.eval();
        float direct;
        try (var ignored = GradMode.noGrad()) {
            Tensor logits = m.forward(IntTensor.of(Arrays.copyOf(ids, 8), 1, 8));
            direct = Functional.crossEntropy(logits.reshape(8, 11), IntTensor.of(Arrays.copyOfRange(ids, 1, 9), 8)).item();
        }
        m.train();
        assertEquals(direct, m.meanLoss(ids, 3), 1e-5);
        assertTrue(m.isTraining());
    }

    @Test
    void metadataRoundTripsAndNamesTheModel() {
        assertEquals(CONFIG, CharGPT.Config.fromMetadata(CONFIG.toMetadata(), "x"));
        Map<String, String> lstm = new CharLSTM.Config(11, 4, 8, 1, 0).toMetadata();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CharGPT.Config.fromMetadata(lstm, "ckpt"));
        assertTrue(e.getMessage().contains("ckpt: not a CharGPT checkpoint (its metadata says model=CharLSTM)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CharGPT.Config(11, 8, 15, 2, 1, 8, 0));
        assertFalse(model().summary().isEmpty());
    }
}
