package dev.jgrad.kernels;

import dev.jgrad.tensor.Generator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The vector transcendental functions must equal their scalar forms bit for bit (so results do not depend on
 * which JIT tier runs them, and seeded runs reproduce), and be accurate.
 */
class VectorMathTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static float[] inputs() {
        Generator g = new Generator(17);
        float[] x = new float[S.length() * 4096];
        for (int i = 0; i < x.length; i++) x[i] = (float) ((g.nextDouble() * 2 - 1) * Math.pow(10, g.nextDouble() * 4 - 2));
        float[] special = {0f, -0f, 1e-30f, -1e-30f, 0.625f, -0.625f, 0.62499994f, 88.7f, 88.8f, 89f, -87f, -103f, -104f, -200f, 200f,
                Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-7f, 9f, -9f, 20f, -20f};
        System.arraycopy(special, 0, x, 0, special.length);
        return x;
    }

    private interface VecFn { FloatVector apply(FloatVector v); }
    private interface ScalarFn { float apply(float v); }

    private static void sameBits(String name, VecFn vec, ScalarFn scalar) {
        float[] x = inputs();
        float[] out = new float[S.length()];
        for (int i = 0; i < x.length; i += S.length()) {
            vec.apply(FloatVector.fromArray(S, x, i)).intoArray(out, 0);
            for (int l = 0; l < S.length(); l++) {
                float expected = scalar.apply(x[i + l]);
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(out[l]), name + "(" + x[i + l] + "): vector " + out[l] + " scalar " + expected);
            }
        }
    }

    @Test
    void vectorAndScalarFormsAgreeBitForBit() {
        sameBits("exp", v -> VectorMath.exp(S, v), VectorMath::exp);
        sameBits("tanh", v -> VectorMath.tanh(S, v), VectorMath::tanh);
        sameBits("sigmoid", v -> VectorMath.sigmoid(S, v), VectorMath::sigmoid);
    }

    private static void accurate(String name, ScalarFn f, java.util.function.DoubleUnaryOperator exact, double maxUlps) {
        for (float x : inputs()) {
            double e = exact.applyAsDouble(x);
            float got = f.apply(x);
            if (Double.isNaN(e)) {
                assertTrue(Float.isNaN(got), name + "(" + x + ") should be NaN");
                continue;
            }
            float ef = (float) e;
            if (Float.isInfinite(ef) || ef == 0f) {
                assertEquals(ef, got, Math.ulp(Float.MIN_NORMAL), name + "(" + x + ")");
                continue;
            }
            double ulps = Math.abs(got - e) / Math.ulp(ef);
            // subnormal results of exp carry fewer significant bits
            assertTrue(ulps <= maxUlps || Math.abs(ef) < Float.MIN_NORMAL, name + "(" + x + ") = " + got + ", exact " + e + " (" + ulps + " ulp)");
        }
    }

    @Test
    void accurateToAFewUlps() {
        accurate("exp", VectorMath::exp, Math::exp, 2);
        accurate("tanh", VectorMath::tanh, Math::tanh, 3);
        accurate("sigmoid", VectorMath::sigmoid, x -> 1 / (1 + Math.exp(-x)), 3);
    }

    @Test
    void fixedOrderLaneSum() {
        float[] v = new float[S.length()];
        for (int i = 0; i < v.length; i++) v[i] = i == 0 ? 1e8f : 1f;
        float expected = 0f;
        for (float f : v) expected += f;
        assertEquals(expected, VectorMath.sumLanes(FloatVector.fromArray(S, v, 0)));
    }
}
