package dev.jgrad.nn;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.tensor.BufferPool;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Training Transformer layers with pooled intermediates (BufferPool): what the caller holds is never reused, and
 * reused buffers give exactly the numbers fresh ones gave.
 */
class TransformerBufferPoolTest {
    private final Generator gen = new Generator(5);

    private Transformer model() {
        // Sizes above the pool's small-array cut-off, no dropout so that repeated steps are comparable.
        TransformerLayerOptions o = Transformer.options(32, 4).dimFeedforward(64).dropout(0.0).batchFirst().build();
        return new Transformer(o, 2, 2, gen);
    }

    private static List<float[]> grads(Module m) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : m.parameters()) out.add(p.grad().toArray());
        return out;
    }

    @Test
    void keptOutputsSurviveLaterStepsAndStepsRepeatBitForBit() {
        Transformer model = model();
        model.train();
        Tensor src = Tensor.normal(0f, 1f, gen, 4, 12, 32), tgt = Tensor.normal(0f, 1f, gen, 4, 10, 32);
        AttentionArgs causal = AttentionArgs.builder().causal().build();
        List<float[]> firstGrads = null;
        Tensor keptOut = null, keptMemory = null;
        float[] keptOutValues = null, keptMemoryValues = null;
        for (int step = 0; step < 3; step++) {
            for (Parameter p : model.parameters()) p.zeroGrad();
            Tensor memory = model.encoder().forward(src);
            Tensor out = model.decoder().forward(tgt, memory, causal, AttentionArgs.NONE);
            assertFalse(BufferPool.isLeased(out), "a stack's output is the caller's");
            assertFalse(BufferPool.isLeased(memory), "a stack's output is the caller's");
            out.mul(out).mean().backward();
            if (step == 0) {
                firstGrads = grads(model);
                keptOut = out;
                keptMemory = memory;
                keptOutValues = out.toArray();
                keptMemoryValues = memory.toArray();
            } else {
                List<float[]> g = grads(model);
                for (int i = 0; i < g.size(); i++) assertArrayEquals(firstGrads.get(i), g.get(i), "parameter " + i + " at step " + step);
            }
        }
        assertTrue(BufferPool.freeBytes() > 0, "backward handed the intermediates back");
        assertArrayEquals(keptOutValues, keptOut.toArray(), "the output kept from the first step is untouched");
        assertArrayEquals(keptMemoryValues, keptMemory.toArray(), "the memory kept from the first step is untouched");
    }

    @Test
    void withoutGradNothingIsPooled() {
        Transformer model = model();
        model.eval();
        Tensor src = Tensor.normal(0f, 1f, gen, 4, 12, 32);
        try (var ignored = GradMode.noGrad()) {
            Tensor a = model.encoder().forward(src);
            Tensor b = model.encoder().forward(src);
            assertArrayEquals(a.toArray(), b.toArray());
            assertFalse(BufferPool.isLeased(a));
        }
    }

    @Test
    void aSubclassedLayerSeesNoPooledTensors() {
        List<Boolean> leased = new ArrayList<>();
        TransformerLayerOptions o = Transformer.options(32, 4).dimFeedforward(64).dropout(0.0).batchFirst().build();
        TransformerEncoder enc = new TransformerEncoder(i -> new TransformerEncoderLayer(o, gen) {
            @Override
            public Tensor forward(Tensor src, AttentionArgs args) {
                leased.add(BufferPool.isLeased(src)); // user code, which could keep what it is given
                return super.forward(src, args);
            }
        }, 2, null);
        Tensor out = enc.forward(Tensor.normal(0f, 1f, gen, 4, 12, 32).requiresGrad(true));
        out.sum().backward();
        assertEquals(List.of(false, false), leased, "a subclass's input must be its own to keep");
    }
}
