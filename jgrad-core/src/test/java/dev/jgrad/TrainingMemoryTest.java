package dev.jgrad;

import dev.jgrad.models.CharMLP;
import dev.jgrad.nn.Functional;
import dev.jgrad.optim.Adam;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** A training loop must not grow memory from step to step: graphs are released, optimizer state is allocated once. */
class TrainingMemoryTest {

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // the minimum over a few collections filters out garbage not yet reclaimed
            System.gc();
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    @Test
    void heapStaysFlatAcrossTrainingSteps() {
        Generator gen = new Generator(3);
        CharMLP model = new CharMLP(new CharMLP.Config(40, 6, 16, 256), gen);
        Adam opt = new Adam(model.parameters(), 1e-3);
        Tensor lastLoss = null;
        long afterWarmup = 0;
        for (int step = 0; step < 300; step++) {
            int[] ctx = new int[64 * 6], next = new int[64];
            for (int i = 0; i < ctx.length; i++) ctx[i] = gen.nextInt(40);
            for (int i = 0; i < next.length; i++) next[i] = gen.nextInt(40);
            Tensor loss = Functional.crossEntropy(model.forward(IntTensor.of(ctx, 64, 6)), IntTensor.of(next, 64));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            assertTrue(loss.gradFn().isReleased(), "backward must release the graph's saved tensors");
            lastLoss = loss; // keeping the loss must not keep the graph's buffers alive
            if (step == 50) afterWarmup = usedAfterGc();
        }
        long end = usedAfterGc();
        assertNotNull(lastLoss);
        long growth = end - afterWarmup;
        // One step's activations are about 64 x 256 floats; 250 leaked steps would be tens of MB.
        assertTrue(growth < 4L << 20, "heap grew by " + (growth >> 10) + " KiB over 250 training steps");
    }
}
