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
 *
 * <p>Each chain accumulates, a = x * y + a, as a GEMM's micro-kernel does. The other form, a = a * m + c,
 * costs C2 a register copy per FMA: x86's FMA overwrites one of its operands, and C2 overwrites the
 * addend, which there is the constant c (measured: about 0.75x the C loop's GFLOP/s).
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
     * Runs the chains {@code iterations} times: a = 0.5 * 1e-7 + a, which stays near its starting value and
     * never overflows or turns denormal.
     *
     * @return the sum of every chain's lanes, for the caller to use
     */
    static float run(int iterations) {
        FloatVector x = FloatVector.broadcast(SPECIES, 0.5f), y = FloatVector.broadcast(SPECIES, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(SPECIES, 1.00f), a1 = FloatVector.broadcast(SPECIES, 1.01f);
        FloatVector a2 = FloatVector.broadcast(SPECIES, 1.02f), a3 = FloatVector.broadcast(SPECIES, 1.03f);
        FloatVector a4 = FloatVector.broadcast(SPECIES, 1.04f), a5 = FloatVector.broadcast(SPECIES, 1.05f);
        FloatVector a6 = FloatVector.broadcast(SPECIES, 1.06f), a7 = FloatVector.broadcast(SPECIES, 1.07f);
        FloatVector a8 = FloatVector.broadcast(SPECIES, 1.08f), a9 = FloatVector.broadcast(SPECIES, 1.09f);
        FloatVector a10 = FloatVector.broadcast(SPECIES, 1.10f), a11 = FloatVector.broadcast(SPECIES, 1.11f);
        for (int i = 0; i < iterations; i++) {
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
            a10 = x.fma(y, a10);
            a11 = x.fma(y, a11);
        }
        FloatVector sum = a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7))).add(a8.add(a9).add(a10.add(a11)));
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
