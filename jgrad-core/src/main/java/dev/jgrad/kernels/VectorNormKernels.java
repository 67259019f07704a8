package dev.jgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NormKernels} on the Vector API (jdk.incubator.vector), in the machine's preferred vector width.
 */
public final class VectorNormKernels implements NormKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static final VectorElementwiseKernels ELEMENTWISE = new VectorElementwiseKernels();

    /**
     * Creates the kernels; they keep no per-instance state, so one instance (the {@link VectorKernels} set's) serves
     * every caller. Needs the jdk.incubator.vector module.
     */
    public VectorNormKernels() {}

    @Override
    public void planeSums(float[] x, int xOff, int planes, int stride, int n, float[] sums) {
        for (int p = 0; p < planes; p++) sums[p] = ELEMENTWISE.sum(x, xOff + p * stride, n);
    }

    @Override
    public float sumSquaredDeviations(float[] x, int xOff, float mean, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        FloatVector m = FloatVector.broadcast(S, mean);
        int i = 0;
        for (int end = n - 2 * L; i <= end; i += 2 * L) {
            FloatVector d0 = FloatVector.fromArray(S, x, xOff + i).sub(m), d1 = FloatVector.fromArray(S, x, xOff + i + L).sub(m);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
        }
        if (i + L <= n) {
            FloatVector d0 = FloatVector.fromArray(S, x, xOff + i).sub(m);
            s0 = d0.fma(d0, s0);
            i += L;
        }
        float s = VectorMath.sumLanes(s0.add(s1)); // fixed order: reproducible
        for (; i < n; i++) {
            float d = x[xOff + i] - mean;
            s += d * d;
        }
        return s;
    }

    @Override
    public float dotDeviations(float[] g, int gOff, float[] x, int xOff, float mean, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        FloatVector m = FloatVector.broadcast(S, mean);
        int i = 0;
        for (int end = n - 2 * L; i <= end; i += 2 * L) {
            s0 = FloatVector.fromArray(S, x, xOff + i).sub(m).fma(FloatVector.fromArray(S, g, gOff + i), s0);
            s1 = FloatVector.fromArray(S, x, xOff + i + L).sub(m).fma(FloatVector.fromArray(S, g, gOff + i + L), s1);
        }
        if (i + L <= n) {
            s0 = FloatVector.fromArray(S, x, xOff + i).sub(m).fma(FloatVector.fromArray(S, g, gOff + i), s0);
            i += L;
        }
        float s = VectorMath.sumLanes(s0.add(s1)); // fixed order: reproducible
        for (; i < n; i++) s += g[gOff + i] * (x[xOff + i] - mean);
        return s;
    }

    @Override
    public void combineDeviations(float a, float[] g, int gOff, float b, float[] x, int xOff, float mean, float c,
                                  float[] out, int outOff, int n) {
        int i = 0;
        // mul and add (not fma), in the scalar order, so that both implementations round alike.
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector ag = FloatVector.fromArray(S, g, gOff + i).mul(a);
            FloatVector bd = FloatVector.fromArray(S, x, xOff + i).sub(mean).mul(b);
            ag.add(bd).add(c).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = a * g[gOff + i] + b * (x[xOff + i] - mean) + c;
    }
    // Batch norm over the runs of one channel (one call per channel and pass, not per image)

    @Override
    public void batchNormOutput(float[] x, int xOff, int planes, int stride, int n, float scale, float shift, float[] r, int rOff, boolean relu,
                                float[] out, int outOff) {
        FloatVector zero = FloatVector.zero(S);
        int end = S.loopBound(n);
        for (int p = 0; p < planes; p++) {
            int xo = xOff + p * stride, ro = rOff + p * stride, oo = outOff + p * stride, i = 0;
            for (; i < end; i += L) {
                FloatVector t = FloatVector.fromArray(S, x, xo + i).mul(scale).add(shift);
                if (r != null) t = t.add(FloatVector.fromArray(S, r, ro + i));
                if (relu) t = t.max(zero);
                t.intoArray(out, oo + i);
            }
            for (; i < n; i++) {
                float t = x[xo + i] * scale + shift;
                if (r != null) t = t + r[ro + i];
                out[oo + i] = relu ? Math.max(t, 0f) : t;
            }
        }
    }

    @Override
    public void batchNormGradSums(float[] y, int yOff, float[] g, int gOff, float[] x, int xOff, int planes, int stride, int n, float mean,
                                  float[] gmOut, int gmOff, float[] sg, float[] sgc) {
        FloatVector zero = FloatVector.zero(S), m = FloatVector.broadcast(S, mean);
        int end = S.loopBound(n);
        for (int p = 0; p < planes; p++) {
            int yo = yOff + p * stride, go = gOff + p * stride, xo = xOff + p * stride, mo = gmOff + p * stride, i = 0;
            FloatVector s = zero, sc = zero;
            for (; i < end; i += L) {
                FloatVector gm = FloatVector.fromArray(S, g, go + i);
                if (y != null) gm = zero.blend(gm, FloatVector.fromArray(S, y, yo + i).compare(VectorOperators.GT, 0f));
                if (gmOut != null) gm.intoArray(gmOut, mo + i);
                s = s.add(gm);
                sc = FloatVector.fromArray(S, x, xo + i).sub(m).fma(gm, sc);
            }
            float ss = VectorMath.sumLanes(s), ssc = VectorMath.sumLanes(sc); // fixed order: reproducible
            for (; i < n; i++) {
                float gm = y == null || y[yo + i] > 0f ? g[go + i] : 0f;
                if (gmOut != null) gmOut[mo + i] = gm;
                ss += gm;
                ssc += gm * (x[xo + i] - mean);
            }
            sg[p] = ss;
            sgc[p] = ssc;
        }
    }

    @Override
    public void batchNormGradInput(float[] y, int yOff, float[] g, int gOff, float[] x, int xOff, int planes, int stride, int n, float mean,
                                   float a, float b, float c, float[] out, int outOff) {
        FloatVector zero = FloatVector.zero(S);
        int end = S.loopBound(n);
        for (int p = 0; p < planes; p++) {
            int yo = yOff + p * stride, go = gOff + p * stride, xo = xOff + p * stride, oo = outOff + p * stride, i = 0;
            for (; i < end; i += L) {
                FloatVector gm = FloatVector.fromArray(S, g, go + i);
                if (y != null) gm = zero.blend(gm, FloatVector.fromArray(S, y, yo + i).compare(VectorOperators.GT, 0f));
                // mul and add (not fma), in the scalar order, so that both implementations round alike.
                gm.mul(a).add(FloatVector.fromArray(S, x, xo + i).sub(mean).mul(b)).add(c).intoArray(out, oo + i);
            }
            for (; i < n; i++) {
                float gm = y == null || y[yo + i] > 0f ? g[go + i] : 0f;
                out[oo + i] = a * gm + b * (x[xo + i] - mean) + c;
            }
        }
    }
}
