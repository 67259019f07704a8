package dev.jgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ElementwiseKernels} on the Vector API (jdk.incubator.vector), in the machine's preferred vector width, with
 * a scalar loop for the tail of each run. Reductions add their lanes in a fixed order, so results are reproducible.
 */
public final class VectorElementwiseKernels implements ElementwiseKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /**
     * Creates the kernels; they keep no per-instance state, so one instance (the {@link VectorKernels} set's) serves
     * every caller. Needs the jdk.incubator.vector module.
     */
    public VectorElementwiseKernels() {}

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xOff + i).add(FloatVector.fromArray(S, y, yOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = x[xOff + i] + y[yOff + i];
    }

    @Override
    public void sub(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xOff + i).sub(FloatVector.fromArray(S, y, yOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = x[xOff + i] - y[yOff + i];
    }

    @Override
    public void mul(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(FloatVector.fromArray(S, y, yOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = x[xOff + i] * y[yOff + i];
    }

    @Override
    public void div(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xOff + i).div(FloatVector.fromArray(S, y, yOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = x[xOff + i] / y[yOff + i];
    }

    @Override
    public void scaleShift(float[] x, int xOff, float alpha, float beta, float[] out, int outOff, int n) {
        int i = 0;
        // mul then add (not fma), so the result rounds exactly like ScalarElementwiseKernels.
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha).add(beta).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = x[xOff + i] * alpha + beta;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        FloatVector av = FloatVector.broadcast(S, alpha);
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public float dot(float[] x, int xOff, float[] y, int yOff, int n) {
        return dotImpl(x, xOff, y, yOff, n);
    }

    /** The vector dot product, shared with the thin products of {@link VectorGemmKernels}. */
    static float dotImpl(float[] x, int xOff, float[] y, int yOff, int n) {
        // Two accumulators hide the FMA latency; more did not help for typical (L1/L2-resident) lengths.
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int i = 0;
        for (int end = n - 2 * L; i <= end; i += 2 * L) {
            s0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), s0);
            s1 = FloatVector.fromArray(S, x, xOff + i + L).fma(FloatVector.fromArray(S, y, yOff + i + L), s1);
        }
        if (i + L <= n) {
            s0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), s0);
            i += L;
        }
        float s = VectorMath.sumLanes(s0.add(s1)); // fixed order: reproducible
        for (; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    @Override
    public float sum(float[] x, int xOff, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int i = 0;
        for (int end = n - 2 * L; i <= end; i += 2 * L) {
            s0 = s0.add(FloatVector.fromArray(S, x, xOff + i));
            s1 = s1.add(FloatVector.fromArray(S, x, xOff + i + L));
        }
        if (i + L <= n) {
            s0 = s0.add(FloatVector.fromArray(S, x, xOff + i));
            i += L;
        }
        float s = VectorMath.sumLanes(s0.add(s1)); // fixed order: reproducible
        for (; i < n; i++) s += x[xOff + i];
        return s;
    }

    @Override
    public float max(float[] x, int xOff, int n) {
        float m = x[xOff];
        int i = 0;
        if (n >= L) {
            FloatVector mv = FloatVector.fromArray(S, x, xOff);
            for (i = L; i + L <= n; i += L) mv = mv.max(FloatVector.fromArray(S, x, xOff + i));
            m = mv.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, x[xOff + i]);
        return m;
    }

    @Override
    public void exp(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMath.exp(S, FloatVector.fromArray(S, x, xOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = VectorMath.exp(x[xOff + i]);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMath.tanh(S, FloatVector.fromArray(S, x, xOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = VectorMath.tanh(x[xOff + i]);
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMath.sigmoid(S, FloatVector.fromArray(S, x, xOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = VectorMath.sigmoid(x[xOff + i]);
    }

    @Override
    public void relu(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xOff + i).max(zero).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = Math.max(x[xOff + i], 0f);
    }

    @Override
    public void reluBackward(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMask<Float> pos = FloatVector.fromArray(S, y, yOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, g, gOff + i), pos).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = y[yOff + i] > 0f ? g[gOff + i] : 0f;
    }

    @Override
    public void dropout(float[] u, int uOff, float keep, float scale, float[] x, int xOff, float[] out, int outOff,
                        boolean[] kept, int keptOff, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S), scaled = FloatVector.broadcast(S, scale);
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMask<Float> k = FloatVector.fromArray(S, u, uOff + i).compare(VectorOperators.LT, keep);
            k.intoArray(kept, keptOff + i);
            FloatVector.fromArray(S, x, xOff + i).mul(zero.blend(scaled, k)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            boolean k = u[uOff + i] < keep;
            kept[keptOff + i] = k;
            out[outOff + i] = x[xOff + i] * (k ? scale : 0f);
        }
    }

    @Override
    public void dropoutBackward(float[] g, int gOff, boolean[] kept, int keptOff, float scale, float[] out, int outOff, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S), scaled = FloatVector.broadcast(S, scale);
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMask<Float> k = VectorMask.fromArray(S, kept, keptOff + i);
            FloatVector.fromArray(S, g, gOff + i).mul(zero.blend(scaled, k)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = g[gOff + i] * (kept[keptOff + i] ? scale : 0f);
    }
}
