package dev.jgrad.models;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.nn.RecurrentOutput;
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

class CharLSTMTest {

    private static CharLSTM tiny(long seed) {
        return new CharLSTM(new CharLSTM.Config(11, 5, 8, 2, 0.0), new Generator(seed));
    }

    @Test
    void stateDictHasThePyTorchPeersKeysAndShapes() {
        CharLSTM m = new CharLSTM(new CharLSTM.Config(65, 64, 512, 2, 0.1), new Generator(0));
        List<String> expected = List.of("emb.weight",
                "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0",
                "lstm.weight_ih_l1", "lstm.weight_hh_l1", "lstm.bias_ih_l1", "lstm.bias_hh_l1",
                "out.weight", "out.bias");
        Map<String, Tensor> sd = m.stateDict();
        assertEquals(expected, new ArrayList<>(sd.keySet()));
        assertArrayEquals(new int[] {65, 64}, sd.get("emb.weight").shape());
        assertArrayEquals(new int[] {2048, 64}, sd.get("lstm.weight_ih_l0").shape());
        assertArrayEquals(new int[] {2048, 512}, sd.get("lstm.weight_ih_l1").shape());
        assertArrayEquals(new int[] {65, 512}, sd.get("out.weight").shape());
        assertEquals(3_322_497, m.numParameters()); // the peer's model: sum(p.numel()) in torch_bench.py
    }

    @Test
    void carryingTheStateAcrossWindowsEqualsOneLongSequence() {
        CharLSTM m = tiny(1);
        m.eval();
        int[] ids = {1, 4, 2, 9, 0, 3, 3, 7, 10, 5, 6, 2, 1, 8};
        try (var ignored = GradMode.noGrad()) {
            Tensor whole = m.forward(IntTensor.of(ids.clone(), 2, 7), null).output();
            // rows: [1,4,2 | 9,0,3,3] and [7,10,5 | 6,2,1,8]
            RecurrentOutput first = m.forward(IntTensor.of(new int[] {1, 4, 2, 7, 10, 5}, 2, 3), null);
            RecurrentOutput second = m.forward(IntTensor.of(new int[] {9, 0, 3, 3, 6, 2, 1, 8}, 2, 4), first.state().detach());
            Tensor joined = Tensor.cat(List.of(first.output(), second.output()), 1);
            assertArrayEquals(whole.toArray(), joined.toArray(), 1e-6f);
        }
    }

    @Test
    void configRoundTripsThroughMetadata() {
        CharLSTM.Config c = new CharLSTM.Config(65, 32, 128, 3, 0.25);
        assertEquals(c, CharLSTM.Config.fromMetadata(c.toMetadata(), "x"));
        var e = assertThrows(IllegalArgumentException.class, () -> CharLSTM.Config.fromMetadata(Map.of("model", "CharMLP"), "runs/demo"));
        assertTrue(e.getMessage().contains("runs/demo: not a CharLSTM checkpoint (its metadata says model=CharMLP)"), e.getMessage());
    }

    @Test
    void aSeedFixesTheSample() {
        CharLSTM m = tiny(2);
        CharLSTM.Sampling s = new CharLSTM.Sampling(1.0, 0);
        int[] a = m.generate(new int[] {3, 1}, 60, s, new Generator(42));
        int[] b = m.generate(new int[] {3, 1}, 60, s, new Generator(42));
        int[] c = m.generate(new int[] {3, 1}, 60, s, new Generator(43));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "another seed, another sample");
        assertTrue(m.isTraining(), "generate leaves the mode as it found it");
    }

    @Test
    void topKOneIsGreedy() {
        CharLSTM m = tiny(3);
        int[] prompt = {0, 5, 2};
        int[] greedy = m.generate(prompt, 40, CharLSTM.Sampling.greedy(), new Generator(1));
        assertArrayEquals(greedy, m.generate(prompt, 40, new CharLSTM.Sampling(1.5, 1), new Generator(7)));
        assertArrayEquals(greedy, m.generate(prompt, 40, new CharLSTM.Sampling(0, 0), new Generator(8)));
        // and greedy is the argmax of the model's own next-character scores, step by step
        int[] seq = Arrays.copyOf(prompt, prompt.length + greedy.length);
        m.eval();
        try (var ignored = GradMode.noGrad()) {
            for (int t = 0; t < greedy.length; t++) {
                int len = prompt.length + t;
                Tensor logits = m.forward(IntTensor.of(Arrays.copyOf(seq, len), 1, len), null).output();
                float[] last = logits.select(1, len - 1).reshape(11).toArray();
                int best = 0;
                for (int i = 1; i < last.length; i++) if (last[i] > last[best]) best = i;
                assertEquals(best, greedy[t], "step " + t);
                seq[len] = best;
            }
        }
    }

    @Test
    void topKDrawsOnlyAmongTheKLargestInProportion() {
        float[] logits = {0f, 2f, (float) Math.log(3) + 2f, -1f, 1.5f};
        Generator gen = new Generator(5);
        int[] counts = new int[logits.length];
        int n = 20_000;
        for (int i = 0; i < n; i++) counts[CharLSTM.sample(logits, new CharLSTM.Sampling(1.0, 2), gen)]++;
        assertEquals(0, counts[0] + counts[3] + counts[4], "only ids 1 and 2 are in the top 2: " + Arrays.toString(counts));
        assertEquals(0.75, counts[2] / (double) n, 0.015); // renormalised: e^(2+ln3) / (e^2 + e^(2+ln3))
        // ties go to the lower id, so top-1 of equal scores is id 0
        assertEquals(0, CharLSTM.sample(new float[] {1f, 1f, 1f}, new CharLSTM.Sampling(1.0, 1), gen));
        // a low temperature concentrates on the best
        int best = 0;
        for (int i = 0; i < 1000; i++) if (CharLSTM.sample(logits, new CharLSTM.Sampling(0.05, 0), gen) == 2) best++;
        assertTrue(best > 990, "temperature 0.05 picked the top id " + best + " times out of 1000");
    }

    @Test
    void badSamplingSettingsAndPromptsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CharLSTM.Sampling(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new CharLSTM.Sampling(1, -2));
        CharLSTM m = tiny(4);
        var e = assertThrows(IllegalArgumentException.class, () -> m.generate(new int[] {3, 11}, 5, CharLSTM.Sampling.greedy(), new Generator(0)));
        assertTrue(e.getMessage().contains("prompt id 11 at position 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.generate(new int[0], 5, CharLSTM.Sampling.greedy(), new Generator(0)));
    }
}
