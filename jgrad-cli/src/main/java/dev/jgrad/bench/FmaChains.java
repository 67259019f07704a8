package dev.jgrad.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FMA loop of {@link FmaPeak}: the Java twin of ../shared/peers/fma_peak512.c. Needs the Vector API, so
 * only {@link FmaPeak} touches it, after checking that the module is there.
 *
 * <p>Twelve chains, because an FMA has a latency of about 4 cycles and a core issues two a cycle: at least 8
 * must be in flight to keep both units busy, and 12 (of 32 vector registers) leave room. Each chain
 * depends on its own previous value only, so the chains run side by side. The JIT is kept from dropping
 * or merging them: each starts from its own value (equal chains could be folded into one), and their sum is
 * returned for the caller to check.
 */
final class FmaChains {
    private FmaChains() {}

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int CHAINS = 12;

    /** FLOPs of one iteration: CHAINS fused multiply-adds over every lane, 2 FLOPs per lane. */
    static long flopsPerIteration() {
        return 2L * CHAINS * SPECIES.length();
    }

    /** The vector width in bits. */
    static int vectorBits() {
        return SPECIES.vectorBitSize();
    }

    /**
     * Runs the chains {@code iterations} times: a = a * 0.999999 + 1e-7, which stays near 1 and never
     * overflows or turns denormal.
     *
     * @return the sum of every chain's lanes, for the caller to use
     */
    static float run(int iterations) {
        FloatVector m = FloatVector.broadcast(SPECIES, 0.999999f), c = FloatVector.broadcast(SPECIES, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(SPECIES, 1.00f), a1 = FloatVector.broadcast(SPECIES, 1.01f);
        FloatVector a2 = FloatVector.broadcast(SPECIES, 1.02f), a3 = FloatVector.broadcast(SPECIES, 1.03f);
        FloatVector a4 = FloatVector.broadcast(SPECIES, 1.04f), a5 = FloatVector.broadcast(SPECIES, 1.05f);
        FloatVector a6 = FloatVector.broadcast(SPECIES, 1.06f), a7 = FloatVector.broadcast(SPECIES, 1.07f);
        FloatVector a8 = FloatVector.broadcast(SPECIES, 1.08f), a9 = FloatVector.broadcast(SPECIES, 1.09f);
        FloatVector a10 = FloatVector.broadcast(SPECIES, 1.10f), a11 = FloatVector.broadcast(SPECIES, 1.11f);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        FloatVector sum = a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7))).add(a8.add(a9).add(a10.add(a11)));
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
