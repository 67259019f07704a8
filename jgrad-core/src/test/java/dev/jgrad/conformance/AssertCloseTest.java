package dev.jgrad.conformance;

import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import static dev.jgrad.conformance.AssertClose.assertClose;
import static org.junit.jupiter.api.Assertions.*;

/** The comparison the conformance tests rest on must fail when it should, and say where. */
class AssertCloseTest {

    @Test
    void passesWithinTolerance() {
        Tensor e = Tensor.of(new float[] {1, -1000, 0, Float.NaN}, 4);
        assertClose("ok", e, Tensor.of(new float[] {1.000005f, -1000.009f, 5e-7f, Float.NaN}, 4));
    }

    @Test
    void reportsTheWorstElementWithItsIndex() {
        Tensor e = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor a = Tensor.of(new float[] {1, 2.001f, 3, 4, 5, 6.5f}, 2, 3);
        AssertionFailedError err = assertThrows(AssertionFailedError.class, () -> assertClose("w.grad", e, a));
        String m = err.getMessage();
        assertTrue(m.startsWith("w.grad: 2 of 6 elements"), m);
        assertTrue(m.contains("worst at [1, 2]") && m.contains("expected 6.00000000") && m.contains("actual 6.50000000"), m);
    }

    @Test
    void shapesNaNsAndNullFail() {
        assertThrows(AssertionFailedError.class, () -> assertClose("s", Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertThrows(AssertionFailedError.class, () -> assertClose("n", Tensor.zeros(1), Tensor.of(new float[] {Float.NaN}, 1)));
        assertThrows(AssertionFailedError.class, () -> assertClose("i", Tensor.zeros(1), Tensor.of(new float[] {Float.POSITIVE_INFINITY}, 1)));
        assertThrows(AssertionFailedError.class, () -> assertClose("null", Tensor.zeros(1), null));
    }
}
