package dev.jgrad.kernels;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelTest {

    @Test
    void coversEveryIndexOnce() {
        for (int n : new int[] {0, 1, 2, 3, 7, 100, 1001}) {
            for (int grain : new int[] {1, 2, 50, 5000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                Parallel.forRange(n, grain, (from, to) -> {
                    for (int i = from; i < to; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " grain=" + grain + " i=" + i);
            }
        }
    }

    @Test
    void nestedCallsRunInline() {
        AtomicIntegerArray hits = new AtomicIntegerArray(100);
        Parallel.forRange(10, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i;
                Parallel.forRange(10, 1, (f2, t2) -> {
                    for (int j = f2; j < t2; j++) hits.incrementAndGet(row * 10 + j);
                });
            }
        });
        for (int i = 0; i < 100; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void exceptionsPropagateAndPoolSurvives() {
        assertThrows(IllegalStateException.class, () -> Parallel.forRange(100, 1, (from, to) -> {
            if (to == 100) throw new IllegalStateException("last chunk");
        }));
        int[] sum = new int[1];
        Parallel.forRange(4, 1, (from, to) -> {
            synchronized (sum) {
                sum[0] += to - from;
            }
        });
        assertEquals(4, sum[0]);
    }

    @Test
    void providerPicksVectorKernelsWhenModulePresent() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String prop = System.getProperty("jgrad.kernels", "");
        if (present && prop.isEmpty()) {
            assertTrue(Kernels.get() instanceof VectorKernels, Kernels.get().getClass().getName());
        }
    }
}
