package dev.jgrad.ops;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interpolated normal CDF behind GELU against the erf series and continued fraction it replaced. */
class GeluTest {

    /**
     * Phi(x) the old way: the series erf near 0, the erfc continued fraction in the tails (without cancellation there),
     * 0 or 1 beyond |x| = 8.5 as both cut off (the old one at 6 sqrt 2 = 8.485).
     */
    private static double referenceCdf(double x) {
        if (Math.abs(x) >= 8.5) return x < 0 ? 0.0 : 1.0;
        double a = Math.abs(x) / Math.sqrt(2.0);
        if (a < 2.5) return 0.5 * (1.0 + Elementwise.erf(x / Math.sqrt(2.0)));
        double f = a;
        for (int k = 200; k >= 1; k--) f = a + (k / 2.0) / f;
        double tail = 0.5 * Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        return x < 0 ? tail : 1.0 - tail;
    }

    @Test
    void normalCdfKeepsTenDigitsEvenDeepInTheLowerTail() {
        double worstRelative = 0, worstAbsolute = 0;
        for (int i = -840_000; i <= 840_000; i++) {
            double x = i * 1e-5 + 1.234e-7; // off the table's nodes
            double got = Elementwise.normalCdf(x), want = referenceCdf(x);
            worstAbsolute = Math.max(worstAbsolute, Math.abs(got - want));
            if (x < 0) worstRelative = Math.max(worstRelative, Math.abs(got - want) / want);
        }
        assertTrue(worstRelative < 1e-10, "relative error in the lower tail " + worstRelative);
        assertTrue(worstAbsolute < 2e-11, "absolute error " + worstAbsolute);
        assertEquals(0.5, Elementwise.normalCdf(0.0), 1e-15);
        assertEquals(0.0, Elementwise.normalCdf(-9.0));
        assertEquals(1.0, Elementwise.normalCdf(9.0));
        assertTrue(Double.isNaN(Elementwise.normalCdf(Double.NaN)));
    }

    @Test
    void geluSlopeIsTheDerivativeOfXPhi() {
        for (double x = -8.4; x <= 8.4; x += 0.0137) {
            double h = 1e-5;
            double numeric = ((x + h) * referenceCdf(x + h) - (x - h) * referenceCdf(x - h)) / (2 * h);
            assertEquals(numeric, Elementwise.geluSlope(x), 1e-8, "at " + x);
        }
    }

    @Test
    void geluTensorsMatchTheOldFormulaToTheLastBitOrSo() {
        Tensor x = Tensor.normal(0f, 3f, new Generator(1), 100_000); // large enough to be split across cores
        float[] xs = x.toArray(), y = x.gelu().toArray();
        for (int i = 0; i < xs.length; i++) {
            float want = (float) (xs[i] * referenceCdf(xs[i]));
            assertEquals(want, y[i], Math.ulp(want), "gelu(" + xs[i] + ")");
        }
        Tensor p = Tensor.normal(0f, 3f, new Generator(2), 100_000).requiresGrad(true);
        p.gelu().sum().backward();
        float[] ps = p.toArray(), g = p.grad().toArray();
        for (int i = 0; i < ps.length; i++) {
            double v = ps[i];
            float want = (float) (referenceCdf(v) + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI));
            assertEquals(want, g[i], Math.ulp(want) + 1e-12f, "gelu'(" + ps[i] + ")");
        }
    }
}
