package dev.jgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, tanh and sigmoid from additions, multiplications and fused multiply-adds only, in a vector form and a
 * scalar form that give bit-identical results.
 *
 * <p>Why not the Vector API's lanewise EXP and TANH: they are intrinsified to a vector math library once C2
 * compiles the caller, but run a different per-lane fallback before that, and the two disagree in the last
 * bits. Results then depend on when the JIT kicked in, and seeded training runs stop being reproducible.
 * Basic IEEE operations are exact in every tier. The polynomials are Cephes' expf and tanhf (S. Moshier),
 * accurate to about 1 ulp.
 *
 * <p>Every constant is broadcast from the argument ({@code x.broadcast(c)}), never from the species parameter.
 * A C1-compiled caller makes these methods hot on their own, so C2 compiles them standalone first, where the
 * parameter {@code s} is not a constant: each {@code FloatVector.broadcast(s, c)} then became a runtime call
 * (VectorSupport.fromBitsCoerced), the compiled tanh grew past InlineSmallCode, and C2 refused to inline it
 * into the kernel loops later ("already compiled into a big method"): tanh ran at 15 ns per element instead
 * of 0.8. The argument's class is known from the type profile, so its species folds to a constant in every
 * compilation.
 */
final class VectorMath {
    private VectorMath() {}

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;     // exact in few bits: n * LN2_HI has no rounding error
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float EXP_MIN = -104f;          // below: exp underflows to 0
    private static final float EXP_MAX = 88.8f;          // above: exp overflows to infinity
    private static final float ROUND_MAGIC = 12582912f;  // 1.5 * 2^23: adding and subtracting it rounds to an integer
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    private static final float TANH_SMALL = 0.625f;      // below: the odd polynomial; above: from exp
    private static final float T0 = -5.70498872745e-3f, T1 = 2.06390887954e-2f, T2 = -5.37397155531e-2f,
            T3 = 1.33314422036e-1f, T4 = -3.33332819422e-1f;

    static FloatVector exp(VectorSpecies<Float> s, FloatVector x) {
        x = x.max(EXP_MIN).min(EXP_MAX); // NaN stays NaN
        FloatVector n = x.fma(x.broadcast(LOG2E), x.broadcast(ROUND_MAGIC)).sub(ROUND_MAGIC);
        FloatVector r = n.fma(x.broadcast(-LN2_HI), x);
        r = n.fma(x.broadcast(-LN2_LO), r);
        FloatVector p = x.broadcast(P0);
        p = p.fma(r, x.broadcast(P1));
        p = p.fma(r, x.broadcast(P2));
        p = p.fma(r, x.broadcast(P3));
        p = p.fma(r, x.broadcast(P4));
        p = p.fma(r, x.broadcast(P5));
        p = p.mul(r.mul(r)).add(r).add(1f);
        // 2^n in two halves, so that n down to -150 (a subnormal result) needs no special case
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float n = Math.fma(x, LOG2E, ROUND_MAGIC) - ROUND_MAGIC;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = P0;
        p = Math.fma(p, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = p * (r * r) + r + 1f;
        int ni = (int) n, half = ni >> 1;
        return p * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((ni - half + 127) << 23);
    }

    static FloatVector tanh(VectorSpecies<Float> s, FloatVector x) {
        FloatVector ax = x.abs();
        // large |x|: 1 - 2 / (exp(2|x|) + 1), sign restored below
        FloatVector big = x.broadcast(1f).sub(x.broadcast(2f).div(exp(s, ax.add(ax)).add(1f)));
        big = big.blend(big.neg(), x.lt(0f));
        // small |x|: x + x^3 P(x^2)
        FloatVector z = x.mul(x);
        FloatVector p = x.broadcast(T0);
        p = p.fma(z, x.broadcast(T1));
        p = p.fma(z, x.broadcast(T2));
        p = p.fma(z, x.broadcast(T3));
        p = p.fma(z, x.broadcast(T4));
        FloatVector small = p.mul(z).fma(x, x);
        VectorMask<Float> isSmall = ax.lt(TANH_SMALL);
        return big.blend(small, isSmall);
    }

    static float tanh(float x) {
        float ax = Math.abs(x);
        if (ax < TANH_SMALL) {
            float z = x * x;
            float p = T0;
            p = Math.fma(p, z, T1);
            p = Math.fma(p, z, T2);
            p = Math.fma(p, z, T3);
            p = Math.fma(p, z, T4);
            return Math.fma(p * z, x, x);
        }
        float big = 1f - 2f / (exp(ax + ax) + 1f);
        return Math.copySign(big, x);
    }

    static FloatVector sigmoid(VectorSpecies<Float> s, FloatVector x) {
        // exp(-x) overflows to +Inf for very negative x, and 1 / (1 + Inf) = 0 is the right limit.
        FloatVector one = x.broadcast(1f);
        return one.div(one.add(exp(s, x.neg())));
    }

    static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }

    /** The lanes added one after another, in lane order: unlike reduceLanes(ADD), the same in every JIT tier. */
    static float sumLanes(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }
}
