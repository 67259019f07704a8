package dev.jgrad.conformance;

import dev.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * torch.allclose for the conformance tests: every element must satisfy
 * |actual - expected| <= atol + rtol * |expected|. A failure reports the worst element (by how far it
 * exceeds its allowance) with its index, both values, and how many elements failed. Other tests that compare
 * two computations of one thing use it too.
 */
public final class AssertClose {
    private AssertClose() {}

    static final double RTOL = 1e-5;
    static final double ATOL = 1e-6;

    public static void assertClose(String name, Tensor expected, Tensor actual) {
        assertClose(name, expected, actual, RTOL, ATOL);
    }

    public static void assertClose(String name, Tensor expected, Tensor actual, double rtol, double atol) {
        if (actual == null) fail(name + ": expected a tensor of shape " + Arrays.toString(expected.shape()) + " but got null");
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            fail(name + ": shape " + Arrays.toString(actual.shape()) + ", expected " + Arrays.toString(expected.shape()));
        }
        float[] e = expected.toArray(), a = actual.toArray();
        int worst = -1, failures = 0;
        double worstExcess = 0;
        for (int i = 0; i < e.length; i++) {
            double allowed = atol + rtol * Math.abs(e[i]);
            double diff;
            if (Float.isNaN(e[i]) || Float.isNaN(a[i])) {
                diff = Float.isNaN(e[i]) && Float.isNaN(a[i]) ? 0 : Double.POSITIVE_INFINITY;
            } else if (Float.isInfinite(e[i]) || Float.isInfinite(a[i])) {
                diff = e[i] == a[i] ? 0 : Double.POSITIVE_INFINITY;
            } else {
                diff = Math.abs((double) a[i] - e[i]);
            }
            if (diff > allowed) {
                failures++;
                double excess = diff / allowed;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (worst >= 0) {
            fail(String.format(Locale.ROOT, "%s: %d of %d elements differ beyond rtol=%g, atol=%g; worst at %s: expected %.9g, actual %.9g "
                            + "(|diff| %.3g, allowed %.3g)", name, failures, e.length, rtol, atol,
                    Arrays.toString(unravel(worst, expected.shape())), e[worst], a[worst],
                    Math.abs((double) a[worst] - e[worst]), atol + rtol * Math.abs(e[worst])));
        }
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
