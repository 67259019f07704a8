package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** torch.nn.init: gains, fans, bounds and standard deviations. */
class InitTest {

    private static double[] meanStd(Tensor t) {
        float[] v = t.toArray();
        double m = 0, s = 0;
        for (float f : v) m += f;
        m /= v.length;
        for (float f : v) s += (f - m) * (f - m);
        return new double[] {m, Math.sqrt(s / v.length)};
    }

    private static float maxAbs(Tensor t) {
        float m = 0;
        for (float f : t.toArray()) m = Math.max(m, Math.abs(f));
        return m;
    }

    @Test
    void gainsAndFans() {
        // torch.nn.init.calculate_gain('leaky_relu') = 1.4141428569978354, 'tanh' = 5/3, 'selu' = 0.75
        assertEquals(1.4141428569978354, Init.calculateGain(Init.Nonlinearity.LEAKY_RELU), 1e-15);
        assertEquals(5.0 / 3, Init.calculateGain(Init.Nonlinearity.TANH), 1e-15);
        assertEquals(Math.sqrt(2), Init.calculateGain(Init.Nonlinearity.RELU), 1e-15);
        assertEquals(0.75, Init.calculateGain(Init.Nonlinearity.SELU));
        assertEquals(1.0, Init.calculateGain(Init.Nonlinearity.SIGMOID));
        assertEquals(Math.sqrt(2.0 / 6), Init.calculateGain(Init.Nonlinearity.LEAKY_RELU, Math.sqrt(5)), 1e-15);
        assertEquals(new Init.Fans(3 * 5 * 2, 4 * 5 * 2), Init.fans(Tensor.zeros(4, 3, 5, 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.fans(Tensor.zeros(5)));
        assertTrue(e.getMessage().contains("[5]"), e.getMessage());
    }

    @Test
    void distributions() {
        Generator gen = new Generator(3);
        Parameter w = new Parameter(Tensor.zeros(200, 300));
        Init.xavierUniform(w, 1.0, gen);
        double a = Math.sqrt(6.0 / 500);
        assertTrue(maxAbs(w) <= a && maxAbs(w) > 0.99 * a);
        Init.xavierNormal(w, 2.0, gen);
        assertEquals(2 * Math.sqrt(2.0 / 500), meanStd(w)[1], 0.002);
        Init.kaimingUniform(w, 0, Init.Mode.FAN_OUT, Init.Nonlinearity.RELU, gen);
        double bound = Math.sqrt(3) * Math.sqrt(2) / Math.sqrt(200);
        assertTrue(maxAbs(w) <= bound && maxAbs(w) > 0.99 * bound);
        Init.kaimingNormal(w, gen);
        assertEquals(Math.sqrt(2) / Math.sqrt(300), meanStd(w)[1], 0.002);
        Init.normal(w, 1, 0.5, gen);
        double[] ms = meanStd(w);
        assertEquals(1, ms[0], 0.01);
        assertEquals(0.5, ms[1], 0.01);
        Init.uniform(w, 2, 3, gen);
        for (float f : w.toArray()) assertTrue(f >= 2 && f < 3);
        assertTrue(w.requiresGrad()); // in place, still the same leaf
        Init.constant(w, 0.25);
        assertEquals(0.25f, w.get(7, 9));
        Init.ones(w);
        assertEquals(1f, w.get(0, 0));
        Init.zeros(w);
        assertEquals(0f, maxAbs(w));
        // Seeded: the same generator state gives the same values.
        assertArrayEquals(Init.normal(Tensor.zeros(5), 0, 1, new Generator(8)).toArray(), Init.normal(Tensor.zeros(5), 0, 1, new Generator(8)).toArray());
    }
}
