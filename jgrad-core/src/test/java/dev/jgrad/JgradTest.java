package dev.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class JgradTest {

    @Test
    void threadsChangeAtRunTimeWithoutChangingResults() {
        int before = Jgrad.threads();
        try {
            Generator g = new Generator(7);
            Tensor a = Tensor.normal(0f, 1f, g, 300, 200), b = Tensor.normal(0f, 1f, g, 200, 250);
            Jgrad.threads(1);
            assertEquals(1, Jgrad.threads());
            float[] one = a.matmul(b).toArray();
            Jgrad.threads(3);
            assertEquals(3, Jgrad.threads());
            Set<String> names = ConcurrentHashMap.newKeySet();
            Parallel.forRange(3, 1, (from, to) -> names.add(Thread.currentThread().getName()));
            assertEquals(3, names.size(), "three chunks on three threads: " + names);
            assertArrayEquals(one, a.matmul(b).toArray());
            Jgrad.threads(2);
            assertArrayEquals(one, a.matmul(b).toArray());
        } finally {
            Jgrad.threads(before);
        }
        assertEquals(before, Jgrad.threads());
    }

    @Test
    void aThreadCountBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Jgrad.threads(0));
        assertTrue(e.getMessage().contains("at least 1, not 0"), e.getMessage());
    }

    @Test
    void settingThreadsInsideAParallelLoopIsAnError() {
        int before = Jgrad.threads();
        Jgrad.threads(2);
        try {
            assertThrows(IllegalStateException.class, () -> Parallel.forRange(2, 1, (from, to) -> {
                if (from == 1) Jgrad.threads(1); // runs on the worker thread
            }));
        } finally {
            Jgrad.threads(before);
        }
    }

    @Test
    void kernelsNameTheVectorImplementationWhenTheModuleIsPresent() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (present && System.getProperty("jgrad.kernels", "").isEmpty()) assertEquals("vector", Jgrad.kernels());
    }
}
