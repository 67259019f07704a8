package dev.jgrad.optim;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Double-precision reference implementations of PyTorch's documented SGD and Adam/AdamW algorithms,
 * written from the documentation (not from the float32 code) to check trajectories against.
 */
final class Reference {
    private Reference() {}

    /** torch.optim.SGD as documented: the first momentum step sets the buffer to the gradient. */
    static final class Sgd {
        final double lr, momentum, dampening, weightDecay;
        final boolean nesterov;
        double[] buf;

        Sgd(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
            this.lr = lr;
            this.momentum = momentum;
            this.dampening = dampening;
            this.weightDecay = weightDecay;
            this.nesterov = nesterov;
        }

        void step(double[] p, double[] grad) {
            double[] g = grad.clone();
            for (int i = 0; i < p.length; i++) g[i] += weightDecay * p[i];
            if (momentum != 0) {
                if (buf == null) {
                    buf = g.clone();
                } else {
                    for (int i = 0; i < p.length; i++) buf[i] = momentum * buf[i] + (1 - dampening) * g[i];
                }
                for (int i = 0; i < p.length; i++) g[i] = nesterov ? g[i] + momentum * buf[i] : buf[i];
            }
            for (int i = 0; i < p.length; i++) p[i] -= lr * g[i];
        }
    }

    /**
     * torch.optim.Adam / AdamW as documented: theta -= lr * mHat / (sqrt(vHat) + eps). For AMSGrad the
     * maximum is kept over the raw second moments and then bias-corrected, which is what PyTorch's code
     * does (the 1.13 docs' pseudo-code takes the maximum of the corrected ones; later docs match the code).
     */
    static final class AdamRef {
        final double lr, beta1, beta2, eps, weightDecay;
        final boolean amsgrad, decoupled;
        double[] m, v, vMax;
        int t;

        AdamRef(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad, boolean decoupled) {
            this.lr = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.amsgrad = amsgrad;
            this.decoupled = decoupled;
        }

        void step(double[] p, double[] grad) {
            if (m == null) {
                m = new double[p.length];
                v = new double[p.length];
                vMax = new double[p.length];
            }
            t++;
            for (int i = 0; i < p.length; i++) {
                double g = grad[i];
                if (decoupled) p[i] *= 1 - lr * weightDecay;
                else g += weightDecay * p[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                vMax[i] = Math.max(vMax[i], v[i]);
                double mHat = m[i] / (1 - Math.pow(beta1, t));
                double vHat = (amsgrad ? vMax[i] : v[i]) / (1 - Math.pow(beta2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }

    /** A fixed sequence of random gradients: gradients[step][param]. */
    static List<List<float[]>> gradients(long seed, int steps, int[]... shapes) {
        Generator gen = new Generator(seed);
        List<List<float[]>> out = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            List<float[]> step = new ArrayList<>();
            // Grow the scale so later steps are not dominated by the first ones.
            for (int[] shape : shapes) step.add(Tensor.normal(0f, 0.5f + 0.3f * s, gen, shape).toArray());
            out.add(step);
        }
        return out;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** |actual - expected| <= tol * max(1, |expected|) elementwise. */
    static void assertClose(double[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            if (err > tol * Math.max(1, Math.abs(expected[i]))) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " but was " + actual[i] + " (error " + err + ")");
            }
        }
    }

    static void assertFloats(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.compare(expected[i], actual[i]) != 0) {
                throw new AssertionError(what + "[" + i + "]: expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}
