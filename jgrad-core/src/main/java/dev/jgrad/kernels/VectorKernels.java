package dev.jgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API (jdk.incubator.vector), in the machine's preferred vector width.
 *
 * <h2>SGEMM</h2>
 * The usual GotoBLAS/BLIS structure: for each nc-wide column block of C and each kc-deep slice
 * of k, op(B) is packed once into NR-wide panels; for each mc-tall row block, op(A) (times alpha)
 * is packed once into MR-tall panels; then an MR x NR register-blocked micro-kernel runs over
 * every (row panel, column panel) pair. Transposes are absorbed by the packing routines, and
 * partial tiles are zero-padded in the packed panels, so the micro-kernel never branches.
 *
 * <p>The micro-kernel keeps MR x 2 accumulator vectors in locals (never in an array: they would
 * be boxed). Measured on the 2-core Zen 4 (AVX-512, 32 vector registers) with kc=256-512: 8x32 and
 * 4x32 both run at 97-102 GFLOP/s per core, 6x32 and 12x32 at 63-70 (C2 spills), so 8 rows are
 * used with 16-lane vectors and 4 rows otherwise (with 8-lane AVX2 and 16 registers, 4x16 is the
 * measured sweet spot).
 *
 * <p>Large products are split across {@link Parallel} by column panels (or row panels when C is
 * tall and narrow); each thread packs its own panels into thread-local buffers, so steady-state
 * calls allocate nothing and threads never synchronise inside a call.
 *
 * <p>Very thin products (fewer than 4 rows, or fewer columns than one vector) skip packing and
 * use axpy / dot loops instead: a zero-padded 8 x 32 tile would waste most of its arithmetic.
 *
 * <p>Tuning knobs, for experiments only: {@code -Djgrad.sgemm.mr=4|8}, {@code jgrad.sgemm.kc},
 * {@code jgrad.sgemm.mc}, {@code jgrad.sgemm.nc}, {@code jgrad.sgemm.parallelThreshold} (m*n*k).
 */
public final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static final int NR = 2 * L;
    static final int MR = Integer.getInteger("jgrad.sgemm.mr", L >= 16 ? 8 : 4) == 8 ? 8 : 4;
    // Block sizes measured on the Zen 4 (32 KiB L1d, 1 MiB L2 per core), best of several runs at
    // N=512..2048 on two threads: kc=512 (an 8 x 512 A panel is 16 KiB and stays in L1 while B
    // streams past it) beat kc=256/384 by 2-5%; mc=96 vs 192 and nc=512 vs 1024 were within noise.
    static final int KC = Integer.getInteger("jgrad.sgemm.kc", 512);
    static final int MC = roundUp(Integer.getInteger("jgrad.sgemm.mc", 96), MR);
    static final int NC = roundUp(Integer.getInteger("jgrad.sgemm.nc", 1024), NR);
    /** Below this m*n*k, handing half the work to another core costs more than it saves. */
    static final long PARALLEL_THRESHOLD = Long.getLong("jgrad.sgemm.parallelThreshold", 64L * 64 * 64);

    /** Per-thread packing buffers, grown on demand and then reused, so steady-state sgemm allocates nothing. */
    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];
        final int[] rows = new int[MR];
        int[] ints = new int[0];

        float[] a(int size) {
            if (a.length < size) a = new float[size];
            return a;
        }

        float[] b(int size) {
            if (b.length < size) b = new float[size];
            return b;
        }

        int[] ints(int size) {
            if (ints.length < size) ints = new int[size];
            return ints;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);
    private static final ThreadLocal<GemmTask> TASKS = ThreadLocal.withInitial(GemmTask::new);

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    // ------------------------------------------------------------------------------------------
    // SGEMM
    // ------------------------------------------------------------------------------------------

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        if (m < 4 || n < L) {
            // Thin products compute each column of C on its own, so wide ones (batch-1 decoding's output layer)
            // split across cores by column blocks; the blocks are whole vectors, so every column is computed
            // exactly as on one core.
            int blocks = n / NR;
            if ((long) m * n * k >= PARALLEL_THRESHOLD && blocks >= 2 && Parallel.threads() > 1) {
                Parallel.forRange(blocks, 1, (from, to) -> {
                    int j0 = from * NR, j1 = to == blocks ? n : to * NR;
                    thin(transA, transB, m, j1 - j0, k, alpha, a, aOff, lda, b, transB ? bOff + j0 * ldb : bOff + j0, ldb,
                            beta, c, cOff + j0, ldc);
                });
            } else {
                thin(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
            return;
        }
        if ((long) m * n * k < PARALLEL_THRESHOLD || Parallel.threads() == 1) {
            blocked(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        GemmTask task = TASKS.get();
        task.set(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        try {
            Parallel.forRange(task.units(), 1, task);
        } finally {
            task.clear();
        }
    }

    /**
     * The arguments of one parallel sgemm call, reused per calling thread instead of a capturing
     * lambda so that steady-state calls allocate nothing.
     */
    private static final class GemmTask implements Parallel.IntRangeBody {
        boolean transA, transB, splitColumns;
        int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        float alpha, beta;
        float[] a, b, c;

        void set(boolean transA, boolean transB, int m, int n, int k, float alpha,
                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                 float beta, float[] c, int cOff, int ldc) {
            this.transA = transA; this.transB = transB;
            this.m = m; this.n = n; this.k = k; this.alpha = alpha;
            this.a = a; this.aOff = aOff; this.lda = lda;
            this.b = b; this.bOff = bOff; this.ldb = ldb;
            this.beta = beta; this.c = c; this.cOff = cOff; this.ldc = ldc;
            // Split the longer side: each thread then packs only its share of that operand,
            // and re-packs (cheaply, O(size) not O(flops)) all of the other.
            this.splitColumns = n >= m;
        }

        int units() {
            return splitColumns ? (n + NR - 1) / NR : (m + MR - 1) / MR;
        }

        void clear() {
            a = b = c = null;
        }

        @Override
        public void run(int from, int to) {
            if (splitColumns) {
                blocked(transA, transB, 0, m, from * NR, Math.min(n, to * NR), k, alpha,
                        a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                blocked(transA, transB, from * MR, Math.min(m, to * MR), 0, n, k, alpha,
                        a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
        }
    }

    private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, ci, ci + n, 0f);
            else if (beta != 1f) for (int j = 0; j < n; j++) c[ci + j] *= beta;
        }
    }

    /** Rows [i0, i1) x columns [j0, j1) of C, fully blocked and packed, on the calling thread. */
    private static void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                                float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        Buffers buf = BUFFERS.get();
        int kcMax = Math.min(KC, k);
        float[] bp = buf.b(kcMax * Math.min(NC, roundUp(j1 - j0, NR)));
        float[] ap = buf.a(kcMax * Math.min(MC, roundUp(i1 - i0, MR)));
        float[] tile = buf.tile;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                // Only the first k-slice applies beta; later slices accumulate onto it.
                float betaK = pc == 0 ? beta : 1f;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(transA, a, aOff, lda, ic, mc, pc, kc, alpha, ap);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        int cRow = cOff + (ic + ir) * ldc + jc;
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            if (mr == MR && nr == NR) {
                                micro(kc, ap, ir * kc, bp, jr * kc, c, cRow + jr, ldc, betaK);
                            } else {
                                micro(kc, ap, ir * kc, bp, jr * kc, tile, 0, NR, 0f);
                                mergeTile(tile, mr, nr, betaK, c, cRow + jr, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-wide panels, each kc rows of NR floats, zero-padded. */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int dst = jr * kc;
            if (!transB) {
                int src = bOff + pc * ldb + jc + jr;
                for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                    System.arraycopy(b, src, bp, dst, nr);
                    if (nr < NR) java.util.Arrays.fill(bp, dst + nr, dst + NR, 0f);
                }
            } else {
                // Column j of op(B) is row j of the stored B: 16 x 16 blocks transposed in registers, the rest
                // read contiguously and written with stride NR.
                int jj = 0, blocks = L == 16 ? kc / 16 * 16 : 0;
                for (; jj + 16 <= nr && blocks > 0; jj += 16) {
                    int src = bOff + (jc + jr + jj) * ldb + pc, p = 0;
                    for (; p < blocks; p += 16) transpose16(b, src + p, ldb, bp, dst + p * NR + jj);
                    for (int r = 0; r < 16; r++) {
                        for (int q = p; q < kc; q++) bp[dst + q * NR + jj + r] = b[src + r * ldb + q];
                    }
                }
                for (; jj < nr; jj++) {
                    int src = bOff + (jc + jr + jj) * ldb + pc;
                    for (int p = 0; p < kc; p++) bp[dst + p * NR + jj] = b[src + p];
                }
                for (int z = nr; z < NR; z++) {
                    for (int p = 0; p < kc; p++) bp[dst + p * NR + z] = 0f;
                }
            }
        }
    }

    /** Two-source shuffles of a 16 x 16 transpose by swapping off-diagonal blocks of side s = 8, 4, 2, 1. */
    private static final VectorShuffle<Float> T_LO8 = transposeShuffle(8, false), T_HI8 = transposeShuffle(8, true),
            T_LO4 = transposeShuffle(4, false), T_HI4 = transposeShuffle(4, true), T_LO2 = transposeShuffle(2, false),
            T_HI2 = transposeShuffle(2, true), T_LO1 = transposeShuffle(1, false), T_HI1 = transposeShuffle(1, true);

    /**
     * Lane j of the upper row of a pair (rows i, i + s) after the swap: itself where bit s of j is clear, else lane
     * j - s of the lower row; of the lower row: lane j + s of the upper, else itself. Indices from L up pick the
     * second vector.
     */
    private static VectorShuffle<Float> transposeShuffle(int s, boolean lower) {
        int[] idx = new int[L];
        for (int j = 0; j < L; j++) {
            boolean set = (j & s) != 0;
            idx[j] = lower ? (set ? L + j : j + s) : (set ? L + j - s : j);
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    /**
     * bp[dst + t * NR + r] = b[src + r * ldb + t] for r, t in [0, 16): 16 rows of 16 transposed in registers (64
     * shuffles) instead of 256 scalar stores NR floats apart. Only with 16-lane vectors.
     */
    private static void transpose16(float[] b, int src, int ldb, float[] bp, int dst) {
        FloatVector r0 = FloatVector.fromArray(S, b, src), r1 = FloatVector.fromArray(S, b, src + 1 * ldb), r2 = FloatVector.fromArray(S, b, src + 2 * ldb), r3 = FloatVector.fromArray(S, b, src + 3 * ldb);
        FloatVector r4 = FloatVector.fromArray(S, b, src + 4 * ldb), r5 = FloatVector.fromArray(S, b, src + 5 * ldb), r6 = FloatVector.fromArray(S, b, src + 6 * ldb), r7 = FloatVector.fromArray(S, b, src + 7 * ldb);
        FloatVector r8 = FloatVector.fromArray(S, b, src + 8 * ldb), r9 = FloatVector.fromArray(S, b, src + 9 * ldb), r10 = FloatVector.fromArray(S, b, src + 10 * ldb), r11 = FloatVector.fromArray(S, b, src + 11 * ldb);
        FloatVector r12 = FloatVector.fromArray(S, b, src + 12 * ldb), r13 = FloatVector.fromArray(S, b, src + 13 * ldb), r14 = FloatVector.fromArray(S, b, src + 14 * ldb), r15 = FloatVector.fromArray(S, b, src + 15 * ldb);
        FloatVector t0, t1;
        t0 = r0.rearrange(T_LO8, r8); t1 = r0.rearrange(T_HI8, r8); r0 = t0; r8 = t1;
        t0 = r1.rearrange(T_LO8, r9); t1 = r1.rearrange(T_HI8, r9); r1 = t0; r9 = t1;
        t0 = r2.rearrange(T_LO8, r10); t1 = r2.rearrange(T_HI8, r10); r2 = t0; r10 = t1;
        t0 = r3.rearrange(T_LO8, r11); t1 = r3.rearrange(T_HI8, r11); r3 = t0; r11 = t1;
        t0 = r4.rearrange(T_LO8, r12); t1 = r4.rearrange(T_HI8, r12); r4 = t0; r12 = t1;
        t0 = r5.rearrange(T_LO8, r13); t1 = r5.rearrange(T_HI8, r13); r5 = t0; r13 = t1;
        t0 = r6.rearrange(T_LO8, r14); t1 = r6.rearrange(T_HI8, r14); r6 = t0; r14 = t1;
        t0 = r7.rearrange(T_LO8, r15); t1 = r7.rearrange(T_HI8, r15); r7 = t0; r15 = t1;
        t0 = r0.rearrange(T_LO4, r4); t1 = r0.rearrange(T_HI4, r4); r0 = t0; r4 = t1;
        t0 = r1.rearrange(T_LO4, r5); t1 = r1.rearrange(T_HI4, r5); r1 = t0; r5 = t1;
        t0 = r2.rearrange(T_LO4, r6); t1 = r2.rearrange(T_HI4, r6); r2 = t0; r6 = t1;
        t0 = r3.rearrange(T_LO4, r7); t1 = r3.rearrange(T_HI4, r7); r3 = t0; r7 = t1;
        t0 = r8.rearrange(T_LO4, r12); t1 = r8.rearrange(T_HI4, r12); r8 = t0; r12 = t1;
        t0 = r9.rearrange(T_LO4, r13); t1 = r9.rearrange(T_HI4, r13); r9 = t0; r13 = t1;
        t0 = r10.rearrange(T_LO4, r14); t1 = r10.rearrange(T_HI4, r14); r10 = t0; r14 = t1;
        t0 = r11.rearrange(T_LO4, r15); t1 = r11.rearrange(T_HI4, r15); r11 = t0; r15 = t1;
        t0 = r0.rearrange(T_LO2, r2); t1 = r0.rearrange(T_HI2, r2); r0 = t0; r2 = t1;
        t0 = r1.rearrange(T_LO2, r3); t1 = r1.rearrange(T_HI2, r3); r1 = t0; r3 = t1;
        t0 = r4.rearrange(T_LO2, r6); t1 = r4.rearrange(T_HI2, r6); r4 = t0; r6 = t1;
        t0 = r5.rearrange(T_LO2, r7); t1 = r5.rearrange(T_HI2, r7); r5 = t0; r7 = t1;
        t0 = r8.rearrange(T_LO2, r10); t1 = r8.rearrange(T_HI2, r10); r8 = t0; r10 = t1;
        t0 = r9.rearrange(T_LO2, r11); t1 = r9.rearrange(T_HI2, r11); r9 = t0; r11 = t1;
        t0 = r12.rearrange(T_LO2, r14); t1 = r12.rearrange(T_HI2, r14); r12 = t0; r14 = t1;
        t0 = r13.rearrange(T_LO2, r15); t1 = r13.rearrange(T_HI2, r15); r13 = t0; r15 = t1;
        t0 = r0.rearrange(T_LO1, r1); t1 = r0.rearrange(T_HI1, r1); r0 = t0; r1 = t1;
        t0 = r2.rearrange(T_LO1, r3); t1 = r2.rearrange(T_HI1, r3); r2 = t0; r3 = t1;
        t0 = r4.rearrange(T_LO1, r5); t1 = r4.rearrange(T_HI1, r5); r4 = t0; r5 = t1;
        t0 = r6.rearrange(T_LO1, r7); t1 = r6.rearrange(T_HI1, r7); r6 = t0; r7 = t1;
        t0 = r8.rearrange(T_LO1, r9); t1 = r8.rearrange(T_HI1, r9); r8 = t0; r9 = t1;
        t0 = r10.rearrange(T_LO1, r11); t1 = r10.rearrange(T_HI1, r11); r10 = t0; r11 = t1;
        t0 = r12.rearrange(T_LO1, r13); t1 = r12.rearrange(T_HI1, r13); r12 = t0; r13 = t1;
        t0 = r14.rearrange(T_LO1, r15); t1 = r14.rearrange(T_HI1, r15); r14 = t0; r15 = t1;
        r0.intoArray(bp, dst + 0 * NR);
        r1.intoArray(bp, dst + 1 * NR);
        r2.intoArray(bp, dst + 2 * NR);
        r3.intoArray(bp, dst + 3 * NR);
        r4.intoArray(bp, dst + 4 * NR);
        r5.intoArray(bp, dst + 5 * NR);
        r6.intoArray(bp, dst + 6 * NR);
        r7.intoArray(bp, dst + 7 * NR);
        r8.intoArray(bp, dst + 8 * NR);
        r9.intoArray(bp, dst + 9 * NR);
        r10.intoArray(bp, dst + 10 * NR);
        r11.intoArray(bp, dst + 11 * NR);
        r12.intoArray(bp, dst + 12 * NR);
        r13.intoArray(bp, dst + 13 * NR);
        r14.intoArray(bp, dst + 14 * NR);
        r15.intoArray(bp, dst + 15 * NR);
    }

    /** Packs alpha * op(A)[ic:ic+mc, pc:pc+kc] as MR-tall panels, each kc columns of MR floats, zero-padded. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                              float alpha, float[] ap) {
        packA(transA, a, aOff, lda, ic, mc, pc, kc, alpha, ap, 0);
    }

    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                              float alpha, float[] ap, int apOff) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int dst = apOff + ir * kc;
            if (!transA) {
                for (int r = 0; r < mr; r++) {
                    int src = aOff + (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) ap[dst + p * MR + r] = alpha * a[src + p];
                }
            } else {
                int src = aOff + pc * lda + ic + ir;
                for (int p = 0; p < kc; p++, src += lda) {
                    for (int r = 0; r < mr; r++) ap[dst + p * MR + r] = alpha * a[src + r];
                }
            }
            for (int r = mr; r < MR; r++) {
                for (int p = 0; p < kc; p++) ap[dst + p * MR + r] = 0f;
            }
        }
    }

    private static void mergeTile(float[] tile, int mr, int nr, float beta, float[] c, int ci, int ldc) {
        for (int r = 0; r < mr; r++, ci += ldc) {
            int t = r * NR;
            if (beta == 0f) {
                System.arraycopy(tile, t, c, ci, nr);
            } else {
                for (int j = 0; j < nr; j++) c[ci + j] = tile[t + j] + beta * c[ci + j];
            }
        }
    }

    /** MR x NR micro-kernel dispatch; MR is a constant, so C2 keeps only one branch. */
    private static void micro(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc, float beta) {
        if (MR == 8) micro8(kc, a, ai, b, bi, c, ci, ldc, beta);
        else micro4(kc, a, ai, b, bi, c, ci, ldc, beta);
    }

    /**
     * C[0:4, 0:2L] = beta * C + A_panel * B_panel (beta == 0: C not read). The eight accumulators
     * are separate locals on purpose: an array of vectors would escape and be boxed.
     * For the same reason the stores are written out here, not in a helper taking vectors: once
     * such a helper is compiled on its own, C2 may decline to inline it and then boxes its arguments.
     */
    private static void micro4(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc, float beta) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int p = 0; p < kc; p++, ai += 4, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
        }
        if (beta == 0f) {
            c00.intoArray(c, ci); c01.intoArray(c, ci + L);
            c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L);
            c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
            c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, ci).fma(bv, c00).intoArray(c, ci);
            FloatVector.fromArray(S, c, ci + L).fma(bv, c01).intoArray(c, ci + L);
            FloatVector.fromArray(S, c, ci + ldc).fma(bv, c10).intoArray(c, ci + ldc);
            FloatVector.fromArray(S, c, ci + ldc + L).fma(bv, c11).intoArray(c, ci + ldc + L);
            FloatVector.fromArray(S, c, ci + 2 * ldc).fma(bv, c20).intoArray(c, ci + 2 * ldc);
            FloatVector.fromArray(S, c, ci + 2 * ldc + L).fma(bv, c21).intoArray(c, ci + 2 * ldc + L);
            FloatVector.fromArray(S, c, ci + 3 * ldc).fma(bv, c30).intoArray(c, ci + 3 * ldc);
            FloatVector.fromArray(S, c, ci + 3 * ldc + L).fma(bv, c31).intoArray(c, ci + 3 * ldc + L);
        }
    }

    /** As {@link #micro4} with 8 rows: 16 accumulators, which fit the 32 AVX-512 registers. */
    private static void micro8(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc, float beta) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, ai += 8, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
        }
        if (beta == 0f) {
            c00.intoArray(c, ci); c01.intoArray(c, ci + L);
            c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L);
            c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
            c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
            c40.intoArray(c, ci + 4 * ldc); c41.intoArray(c, ci + 4 * ldc + L);
            c50.intoArray(c, ci + 5 * ldc); c51.intoArray(c, ci + 5 * ldc + L);
            c60.intoArray(c, ci + 6 * ldc); c61.intoArray(c, ci + 6 * ldc + L);
            c70.intoArray(c, ci + 7 * ldc); c71.intoArray(c, ci + 7 * ldc + L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, ci).fma(bv, c00).intoArray(c, ci);
            FloatVector.fromArray(S, c, ci + L).fma(bv, c01).intoArray(c, ci + L);
            FloatVector.fromArray(S, c, ci + ldc).fma(bv, c10).intoArray(c, ci + ldc);
            FloatVector.fromArray(S, c, ci + ldc + L).fma(bv, c11).intoArray(c, ci + ldc + L);
            FloatVector.fromArray(S, c, ci + 2 * ldc).fma(bv, c20).intoArray(c, ci + 2 * ldc);
            FloatVector.fromArray(S, c, ci + 2 * ldc + L).fma(bv, c21).intoArray(c, ci + 2 * ldc + L);
            FloatVector.fromArray(S, c, ci + 3 * ldc).fma(bv, c30).intoArray(c, ci + 3 * ldc);
            FloatVector.fromArray(S, c, ci + 3 * ldc + L).fma(bv, c31).intoArray(c, ci + 3 * ldc + L);
            FloatVector.fromArray(S, c, ci + 4 * ldc).fma(bv, c40).intoArray(c, ci + 4 * ldc);
            FloatVector.fromArray(S, c, ci + 4 * ldc + L).fma(bv, c41).intoArray(c, ci + 4 * ldc + L);
            FloatVector.fromArray(S, c, ci + 5 * ldc).fma(bv, c50).intoArray(c, ci + 5 * ldc);
            FloatVector.fromArray(S, c, ci + 5 * ldc + L).fma(bv, c51).intoArray(c, ci + 5 * ldc + L);
            FloatVector.fromArray(S, c, ci + 6 * ldc).fma(bv, c60).intoArray(c, ci + 6 * ldc);
            FloatVector.fromArray(S, c, ci + 6 * ldc + L).fma(bv, c61).intoArray(c, ci + 6 * ldc + L);
            FloatVector.fromArray(S, c, ci + 7 * ldc).fma(bv, c70).intoArray(c, ci + 7 * ldc);
            FloatVector.fromArray(S, c, ci + 7 * ldc + L).fma(bv, c71).intoArray(c, ci + 7 * ldc + L);
        }
    }

    /**
     * Fewer than 4 rows and B not transposed (a vector-matrix product, as in batch-1 inference):
     * C row i accumulates alpha * A(i,p) * B row p, four rows of B at a time so that the C row is
     * loaded and stored once per four FMAs.
     */
    /** Fewer than 4 rows or fewer columns than a vector: axpy rows when B is not transposed, else dot products. */
    private static void thin(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m < 4 && !transB) thinRows(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        else dots(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    private static void thinRows(boolean transA, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc) {
        int aRow = transA ? 1 : lda, aCol = transA ? lda : 1;
        int nv = S.loopBound(n);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            int ai = aOff + i * aRow;
            scaleC(1, n, beta, c, ci, ldc);
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                float s0 = alpha * a[ai + p * aCol], s1 = alpha * a[ai + (p + 1) * aCol];
                float s2 = alpha * a[ai + (p + 2) * aCol], s3 = alpha * a[ai + (p + 3) * aCol];
                FloatVector v0 = FloatVector.broadcast(S, s0), v1 = FloatVector.broadcast(S, s1);
                FloatVector v2 = FloatVector.broadcast(S, s2), v3 = FloatVector.broadcast(S, s3);
                int b0 = bOff + p * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                int j = 0;
                for (; j < nv; j += L) {
                    FloatVector acc = FloatVector.fromArray(S, c, ci + j);
                    acc = FloatVector.fromArray(S, b, b0 + j).fma(v0, acc);
                    acc = FloatVector.fromArray(S, b, b1 + j).fma(v1, acc);
                    acc = FloatVector.fromArray(S, b, b2 + j).fma(v2, acc);
                    acc = FloatVector.fromArray(S, b, b3 + j).fma(v3, acc);
                    acc.intoArray(c, ci + j);
                }
                for (; j < n; j++) {
                    c[ci + j] += s0 * b[b0 + j] + s1 * b[b1 + j] + s2 * b[b2 + j] + s3 * b[b3 + j];
                }
            }
            for (; p < k; p++) {
                float s = alpha * a[ai + p * aCol];
                FloatVector sv = FloatVector.broadcast(S, s);
                int bp = bOff + p * ldb;
                int j = 0;
                for (; j < nv; j += L) {
                    FloatVector.fromArray(S, b, bp + j).fma(sv, FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
                }
                for (; j < n; j++) c[ci + j] += s * b[bp + j];
            }
        }
    }

    /**
     * Few columns (or few rows with B transposed): each C element is one dot product over k.
     * Operands whose k direction is strided are first copied to contiguous rows (O(size) work).
     */
    private static void dots(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        Buffers buf = BUFFERS.get();
        float[] rowsA = a;
        int offA = aOff, strideA = lda;
        if (transA) {
            rowsA = buf.a(m * k);
            for (int p = 0; p < k; p++) {
                for (int i = 0; i < m; i++) rowsA[i * k + p] = a[aOff + p * lda + i];
            }
            offA = 0;
            strideA = k;
        }
        float[] colsB = b;
        int offB = bOff, strideB = ldb;
        if (!transB) {
            colsB = buf.b(n * k);
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) colsB[j * k + p] = b[bOff + p * ldb + j];
            }
            offB = 0;
            strideB = k;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                float v = alpha * dotImpl(rowsA, offA + i * strideA, colsB, offB + j * strideB, k);
                c[ci + j] = beta == 0f ? v : v + beta * c[ci + j];
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Products with one operand given by row offsets: convolutions without a column matrix
    // ------------------------------------------------------------------------------------------

    /**
     * Column block (floats of B packed at a time) and row block of the row-offset products. Unlike
     * {@link #blocked}, whose A panel stays in L1 while a whole B block streams past it, these loops
     * keep one packed B panel (kc x NR) in L1 and run every A panel of the row block over it: A is
     * packed once by the caller and read from L2. Tuning knobs, for experiments only.
     */
    static final int ROWS_NC = roundUp(Integer.getInteger("jgrad.conv.nc", 256), NR);
    static final int ROWS_MC = roundUp(Integer.getInteger("jgrad.conv.mc", 256), MR);

    /** The depth of each k-slice: at most KC, and as equal as possible, so that no slice is a short remainder (576 = 2 x 288, not 512 + 64). */
    static int kSlice(int k) {
        int parts = Math.max(1, (k + KC - 1) / KC);
        return (k + parts - 1) / parts;
    }

    @Override
    public int packedASize(int m, int k) {
        return roundUp(m, MR) * k;
    }

    /** The k-slices of {@link #kSlice} one after another, each as the MR-row panels of {@link #blocked}'s packing. */
    @Override
    public void packA(boolean transA, int m, int k, float alpha, float[] a, int aOff, int lda, float[] packed, int pOff) {
        int mPad = roundUp(m, MR), ks = kSlice(k);
        for (int pc = 0; pc < k; pc += ks) {
            packA(transA, a, aOff, lda, 0, m, pc, Math.min(ks, k - pc), alpha, packed, pOff + pc * mPad);
        }
    }

    @Override
    public void sgemmPackedRows(int m, int n, int k, float[] packed, int pOff, RowSource b, float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        Buffers buf = BUFFERS.get();
        int mPad = roundUp(m, MR), ks = kSlice(k);
        float[] bp = buf.b(ks * Math.min(ROWS_NC, roundUp(n, NR)));
        float[] tile = buf.tile;
        for (int jc = 0; jc < n; jc += ROWS_NC) {
            int nc = Math.min(ROWS_NC, n - jc);
            for (int pc = 0; pc < k; pc += ks) {
                int kc = Math.min(ks, k - pc);
                packRows(buf, b, pc, kc, jc, nc, bp);
                float betaK = pc == 0 ? beta : 1f; // later slices accumulate onto the first
                productSlice(m, kc, nc, packed, pOff + pc * mPad, bp, 0, kc, betaK, c, cOff + jc, ldc, tile);
            }
        }
    }

    /**
     * One k-slice of the packed-A products: every MR x NR tile of C's rows [0, m) and nc columns at cOff, A's
     * panels at packed[slice + row * kc], B's NR-wide panel jr / NR at b[bOff + jr * bStride]. Each B panel
     * stays in L1 while all of A's row block runs over it (see {@link #ROWS_NC}).
     */
    private static void productSlice(int m, int kc, int nc, float[] packed, int slice, float[] b, int bOff, int bStride, float beta,
                                     float[] c, int cOff, int ldc, float[] tile) {
        for (int ic = 0; ic < m; ic += ROWS_MC) {
            int icEnd = Math.min(m, ic + ROWS_MC);
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr), bi = bOff + jr * bStride;
                for (int ir = ic; ir < icEnd; ir += MR) {
                    int mr = Math.min(MR, m - ir);
                    int ci = cOff + ir * ldc + jr;
                    if (mr == MR && nr == NR) {
                        micro(kc, packed, slice + ir * kc, b, bi, c, ci, ldc, beta);
                    } else {
                        micro(kc, packed, slice + ir * kc, b, bi, tile, 0, NR, 0f);
                        mergeTile(tile, mr, nr, beta, c, ci, ldc);
                    }
                }
            }
        }
    }

    @Override
    public int panelWidth() {
        return NR;
    }

    /**
     * Loops as {@link #sgemmPackedRows}, with B's panels already in the packed layout (Winograd's input transform
     * writes them so; packing them cost up to a sixth of the products). A k-slice of a panel is its rows [pc, pc + kc).
     */
    @Override
    public void sgemmPackedPanels(int m, int n, int k, float[] packed, int pOff, float[] b, int bOff, float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        int mPad = roundUp(m, MR), ks = kSlice(k);
        float[] tile = BUFFERS.get().tile;
        for (int jc = 0; jc < n; jc += ROWS_NC) {
            int nc = Math.min(ROWS_NC, n - jc);
            for (int pc = 0; pc < k; pc += ks) {
                int kc = Math.min(ks, k - pc);
                float betaK = pc == 0 ? beta : 1f;
                productSlice(m, kc, nc, packed, pOff + pc * mPad, b, bOff + jc * k + pc * NR, k, betaK, c, cOff + jc, ldc, tile);
            }
        }
    }

    /**
     * Packs rows [pc, pc + kc) x columns [jc, jc + nc) of the row source as NR-wide panels, zero-padded. A vector
     * of L columns inside one group is one load (masked where the source has masks); vectors that straddle two
     * groups (maps smaller than a vector), the block's ragged end and loads that would leave the array go lane
     * by lane.
     */
    private static void packRows(Buffers buf, RowSource src, int pc, int kc, int jc, int nc, float[] bp) {
        float[] b = src.data();
        int[] rows = src.rows(), keepRows = src.keepRows();
        boolean[] keep = src.keep();
        int groupCols = src.groupCols(), vecs = roundUp(nc, NR) / L, last = b.length - L;
        int[] colOff = buf.ints(2 * vecs);
        for (int v = 0; v < vecs; v++) {
            int j0 = jc + v * L, q = j0 % groupCols;
            boolean whole = j0 + L <= jc + nc && q + L <= groupCols;
            colOff[2 * v] = whole ? (j0 / groupCols) * src.groupStride() + q : -1;
            colOff[2 * v + 1] = q;
        }
        for (int p = 0; p < kc; p++) {
            int row = src.offset() + rows[pc + p], krow = keep == null ? 0 : src.keepOffset() + keepRows[pc + p];
            for (int v = 0; v < vecs; v++) {
                int dst = (v >> 1) * kc * NR + p * NR + (v & 1) * L;
                int off = colOff[2 * v];
                if (off >= 0) {
                    int at = row + off;
                    boolean inside = at >= 0 && at <= last;
                    if (keep == null) {
                        if (inside) {
                            FloatVector.fromArray(S, b, at).intoArray(bp, dst);
                            continue;
                        }
                    } else {
                        VectorMask<Float> m = VectorMask.fromArray(S, keep, krow + colOff[2 * v + 1]);
                        if (!m.anyTrue()) {
                            FloatVector.zero(S).intoArray(bp, dst);
                            continue;
                        }
                        if (inside) {
                            (m.allTrue() ? FloatVector.fromArray(S, b, at) : FloatVector.fromArray(S, b, at, m)).intoArray(bp, dst);
                            continue;
                        }
                    }
                }
                for (int t = 0; t < L; t++) {
                    int j = jc + v * L + t;
                    bp[dst + t] = j < jc + nc ? src.get(pc + p, j) : 0f;
                }
            }
        }
    }

    @Override
    public void sgemmRowsA(int m, int n, int k, float[] a, int aOff, int[] aRows, boolean transB, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        Buffers buf = BUFFERS.get();
        int ks = kSlice(k);
        float[] bp = buf.b(ks * Math.min(ROWS_NC, roundUp(n, NR)));
        float[] tile = buf.tile;
        int[] r = buf.rows;
        for (int jc = 0; jc < n; jc += ROWS_NC) {
            int nc = Math.min(ROWS_NC, n - jc);
            for (int pc = 0; pc < k; pc += ks) {
                int kc = Math.min(ks, k - pc);
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                float betaK = pc == 0 ? beta : 1f;
                for (int ir = 0; ir < m; ir += MR) {
                    int mr = Math.min(MR, m - ir);
                    // A partial panel repeats its last row; only the mr real rows are stored.
                    for (int t = 0; t < MR; t++) r[t] = aOff + aRows[ir + Math.min(t, mr - 1)] + pc;
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int ci = cOff + ir * ldc + jc + jr;
                        if (mr == MR && nr == NR) {
                            microRows(kc, a, r, bp, jr * kc, c, ci, ldc, betaK);
                        } else {
                            microRows(kc, a, r, bp, jr * kc, tile, 0, NR, 0f);
                            mergeTile(tile, mr, nr, betaK, c, ci, ldc);
                        }
                    }
                }
            }
        }
    }

    /** MR x NR micro-kernel whose A rows are read in place at r[0..MR) (advancing by one per step) instead of from a packed panel. */
    private static void microRows(int kc, float[] a, int[] r, float[] b, int bi, float[] c, int ci, int ldc, float beta) {
        if (MR == 8) microRows8(kc, a, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], b, bi, c, ci, ldc, beta);
        else microRows4(kc, a, r[0], r[1], r[2], r[3], b, bi, c, ci, ldc, beta);
    }

    private static void microRows4(int kc, float[] a, int r0, int r1, int r2, int r3, float[] b, int bi,
                                   float[] c, int ci, int ldc, float beta) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        for (int p = 0; p < kc; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[r0 + p]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[r1 + p]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[r2 + p]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[r3 + p]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
        }
        if (beta == 0f) {
            c00.intoArray(c, ci); c01.intoArray(c, ci + L);
            c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L);
            c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
            c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, ci).fma(bv, c00).intoArray(c, ci);
            FloatVector.fromArray(S, c, ci + L).fma(bv, c01).intoArray(c, ci + L);
            FloatVector.fromArray(S, c, ci + ldc).fma(bv, c10).intoArray(c, ci + ldc);
            FloatVector.fromArray(S, c, ci + ldc + L).fma(bv, c11).intoArray(c, ci + ldc + L);
            FloatVector.fromArray(S, c, ci + 2 * ldc).fma(bv, c20).intoArray(c, ci + 2 * ldc);
            FloatVector.fromArray(S, c, ci + 2 * ldc + L).fma(bv, c21).intoArray(c, ci + 2 * ldc + L);
            FloatVector.fromArray(S, c, ci + 3 * ldc).fma(bv, c30).intoArray(c, ci + 3 * ldc);
            FloatVector.fromArray(S, c, ci + 3 * ldc + L).fma(bv, c31).intoArray(c, ci + 3 * ldc + L);
        }
    }

    private static void microRows8(int kc, float[] a, int r0, int r1, int r2, int r3, int r4, int r5, int r6, int r7,
                                   float[] b, int bi, float[] c, int ci, int ldc, float beta) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[r0 + p]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[r1 + p]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[r2 + p]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[r3 + p]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[r4 + p]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[r5 + p]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[r6 + p]);
            c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[r7 + p]);
            c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
        }
        if (beta == 0f) {
            c00.intoArray(c, ci); c01.intoArray(c, ci + L);
            c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L);
            c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
            c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
            c40.intoArray(c, ci + 4 * ldc); c41.intoArray(c, ci + 4 * ldc + L);
            c50.intoArray(c, ci + 5 * ldc); c51.intoArray(c, ci + 5 * ldc + L);
            c60.intoArray(c, ci + 6 * ldc); c61.intoArray(c, ci + 6 * ldc + L);
            c70.intoArray(c, ci + 7 * ldc); c71.intoArray(c, ci + 7 * ldc + L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, ci).fma(bv, c00).intoArray(c, ci);
            FloatVector.fromArray(S, c, ci + L).fma(bv, c01).intoArray(c, ci + L);
            FloatVector.fromArray(S, c, ci + ldc).fma(bv, c10).intoArray(c, ci + ldc);
            FloatVector.fromArray(S, c, ci + ldc + L).fma(bv, c11).intoArray(c, ci + ldc + L);
            FloatVector.fromArray(S, c, ci + 2 * ldc).fma(bv, c20).intoArray(c, ci + 2 * ldc);
            FloatVector.fromArray(S, c, ci + 2 * ldc + L).fma(bv, c21).intoArray(c, ci + 2 * ldc + L);
            FloatVector.fromArray(S, c, ci + 3 * ldc).fma(bv, c30).intoArray(c, ci + 3 * ldc);
            FloatVector.fromArray(S, c, ci + 3 * ldc + L).fma(bv, c31).intoArray(c, ci + 3 * ldc + L);
            FloatVector.fromArray(S, c, ci + 4 * ldc).fma(bv, c40).intoArray(c, ci + 4 * ldc);
            FloatVector.fromArray(S, c, ci + 4 * ldc + L).fma(bv, c41).intoArray(c, ci + 4 * ldc + L);
            FloatVector.fromArray(S, c, ci + 5 * ldc).fma(bv, c50).intoArray(c, ci + 5 * ldc);
            FloatVector.fromArray(S, c, ci + 5 * ldc + L).fma(bv, c51).intoArray(c, ci + 5 * ldc + L);
            FloatVector.fromArray(S, c, ci + 6 * ldc).fma(bv, c60).intoArray(c, ci + 6 * ldc);
            FloatVector.fromArray(S, c, ci + 6 * ldc + L).fma(bv, c61).intoArray(c, ci + 6 * ldc + L);
            FloatVector.fromArray(S, c, ci + 7 * ldc).fma(bv, c70).intoArray(c, ci + 7 * ldc);
            FloatVector.fromArray(S, c, ci + 7 * ldc + L).fma(bv, c71).intoArray(c, ci + 7 * ldc + L);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Elementwise and reductions
    // ------------------------------------------------------------------------------------------

    @Override
    public void maskedCopy(float[] x, int xOff, boolean[] keep, int keepOff, float[] out, int outOff, int n) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int end = S.loopBound(n); i < end; i += L) {
            int at = xOff + i;
            if (at < 0 || at > x.length - L) {
                // Near the ends of x: a masked load there takes the Vector API's slow per-lane checks.
                for (int j = i; j < i + L; j++) out[outOff + j] = keep[keepOff + j] ? x[xOff + j] : 0f;
                continue;
            }
            VectorMask<Float> m = VectorMask.fromArray(S, keep, keepOff + i);
            // A masked load reads only the kept lanes; the others are zero.
            (m.allTrue() ? FloatVector.fromArray(S, x, at) : m.anyTrue() ? FloatVector.fromArray(S, x, at, m) : zero)
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = keep[keepOff + i] ? x[xOff + i] : 0f;
    }

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
        // mul then add (not fma), so the result rounds exactly like ScalarKernels.
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

    private static float dotImpl(float[] x, int xOff, float[] y, int yOff, int n) {
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

    // ------------------------------------------------------------------------------------------
    // Winograd F(2x2, 3x3) transforms: lanes are tiles (or kernels), tiles of a row two columns apart,
    // so a tile's columns come from unzipping two vectors of the input row, and the two output columns
    // of a tile are zipped back. Every vector access is a plain load or store: rows that reach past an
    // edge are staged through small zero-padded buffers first, and a ragged last group of tiles goes
    // through a staging block. No helper takes or returns a vector: once compiled on its own, C2 may
    // decline to inline it and would then box the vectors.
    // ------------------------------------------------------------------------------------------

    private static final VectorShuffle<Float> EVENS = VectorShuffle.makeUnzip(S, 0), ODDS = VectorShuffle.makeUnzip(S, 1);
    private static final VectorShuffle<Float> ZIP0 = VectorShuffle.makeZip(S, 0), ZIP1 = VectorShuffle.makeZip(S, 1);
    /** Floats of one staged input row segment: the 2L + 2 columns that L tiles read. */
    private static final int SEG = 2 * L + 2;

    /** Per-thread staging for the transforms: four row segments, a zero segment, and a 16 x L block of tiles. */
    private static final class WinogradStage {
        final float[] rows = new float[4 * SEG], zeros = new float[SEG], block = new float[16 * L];
        float[] unzipped = new float[0];

        float[] unzipped(int n) {
            if (unzipped.length < n) unzipped = new float[n];
            return unzipped;
        }
    }

    private static final ThreadLocal<WinogradStage> STAGE = ThreadLocal.withInitial(WinogradStage::new);

    /** Copies columns [c0, c0 + SEG) of a row to seg[at..], zero outside [0, cols). */
    private static void stageRow(float[] x, int row, int c0, int cols, float[] seg, int at) {
        int lo = Math.min(SEG, Math.max(0, -c0)), hi = Math.max(lo, Math.min(SEG, cols - c0));
        java.util.Arrays.fill(seg, at, at + lo, 0f);
        System.arraycopy(x, row + c0 + lo, seg, at + lo, hi - lo);
        java.util.Arrays.fill(seg, at + hi, at + SEG, 0f);
    }

    @Override
    public void winogradInput(int planes, float[] x, int xOff, int xPlane, int ldx, int rows, int cols, int padTop, int padLeft,
                              int ty0, int tyCount, int tilesX, float[] v, int vOff, int vPlane, int ldv) {
        WinogradStage st = STAGE.get();
        for (int i = 0; i < planes; i++) {
            winogradInput(st, x, xOff + i * xPlane, ldx, rows, cols, padTop, padLeft, ty0, tyCount, tilesX, v, vOff + i * vPlane, ldv, 0);
        }
    }

    @Override
    public void winogradInputPanels(int planes, float[] x, int xOff, int xPlane, int ldx, int rows, int cols, int padTop, int padLeft,
                                    int ty0, int tyCount, int tilesX, float[] v, int vOff, int ldv) {
        WinogradStage st = STAGE.get();
        for (int i = 0; i < planes; i++) {
            winogradInput(st, x, xOff + i * xPlane, ldx, rows, cols, padTop, padLeft, ty0, tyCount, tilesX, v, vOff + i * NR, ldv, planes * NR);
        }
    }

    /**
     * Two phases per plane. First every input row the block reads is unzipped once into its even and odd
     * columns (relative to the first patch column -padLeft), padding zeroed: E[j] = x[2j - padLeft], O[j] =
     * x[2j + 1 - padLeft]. Then patch column s of tile t is E[t], O[t], E[t + 1], O[t + 1] for s = 0..3: plain
     * (partly unaligned) loads, so each input row costs two shuffles instead of eight, and the rows shared by
     * neighbouring tile rows are unzipped once.
     */
    private static void winogradInput(WinogradStage st, float[] x, int xOff, int ldx, int rows, int cols, int padTop, int padLeft,
                                      int ty0, int tyCount, int tilesX, float[] v, int vOff, int ldv, int panelStride) {
        int inRows = 2 * tyCount + 2, half = roundUp(tilesX + 1, L) + L, iy0 = 2 * ty0 - padTop;
        float[] u = st.unzipped(inRows * 2 * half), seg = st.rows, block = st.block;
        FloatVector z = FloatVector.zero(S);
        for (int r = 0; r < inRows; r++) {
            int iy = iy0 + r, base = r * 2 * half;
            if (iy < 0 || iy >= rows) {
                java.util.Arrays.fill(u, base, base + 2 * half, 0f);
                continue;
            }
            int row = xOff + iy * ldx;
            for (int j0 = 0; j0 <= tilesX; j0 += L) {
                int c = 2 * j0 - padLeft, at = row + c;
                FloatVector lo, hi;
                if (c >= 0 && c + 2 * L <= cols) {
                    lo = FloatVector.fromArray(S, x, at);
                    hi = FloatVector.fromArray(S, x, at + L);
                } else if (at >= 0 && at + 2 * L <= x.length) { // sticks out of the row: read in place, zero the lanes outside
                    lo = z.blend(FloatVector.fromArray(S, x, at), S.indexInRange(c, cols));
                    hi = z.blend(FloatVector.fromArray(S, x, at + L), S.indexInRange(c + L, cols));
                } else { // at an end of x: staged
                    stageRow(x, row, c, cols, seg, 0);
                    lo = FloatVector.fromArray(S, seg, 0);
                    hi = FloatVector.fromArray(S, seg, L);
                }
                lo.rearrange(EVENS, hi).intoArray(u, base + j0);
                lo.rearrange(ODDS, hi).intoArray(u, base + half + j0);
            }
        }
        for (int ty = ty0; ty < ty0 + tyCount; ty++) {
            int r0 = 2 * (ty - ty0) * 2 * half, r1 = r0 + 2 * half, r2 = r1 + 2 * half, r3 = r2 + 2 * half;
            for (int t0 = 0; t0 < tilesX; t0 += L) {
                int count = Math.min(L, tilesX - t0), t = (ty - ty0) * tilesX + t0;
                float[] out = v;
                int at, ld = ldv;
                boolean staged;
                if (panelStride == 0) { // tile t at column t
                    at = vOff + t;
                    staged = count < L;
                } else { // tile t in panel t / NR; a vector that crosses into the next panel is staged and split
                    at = vOff + t / NR * panelStride + t % NR;
                    staged = count < L || t % NR + L > NR;
                }
                if (staged) {
                    out = block;
                    at = 0;
                    ld = L;
                }
                // Rows of B^T d, t_u = (d_0 - d_2, d_1 + d_2, d_2 - d_1, d_1 - d_3), then V[4u + v] = (t_u B)[v].
                FloatVector d10 = FloatVector.fromArray(S, u, r1 + t0), d11 = FloatVector.fromArray(S, u, r1 + half + t0);
                FloatVector d12 = FloatVector.fromArray(S, u, r1 + t0 + 1), d13 = FloatVector.fromArray(S, u, r1 + half + t0 + 1);
                FloatVector d20 = FloatVector.fromArray(S, u, r2 + t0), d21 = FloatVector.fromArray(S, u, r2 + half + t0);
                FloatVector d22 = FloatVector.fromArray(S, u, r2 + t0 + 1), d23 = FloatVector.fromArray(S, u, r2 + half + t0 + 1);
                FloatVector e0 = FloatVector.fromArray(S, u, r0 + t0).sub(d20), e1 = FloatVector.fromArray(S, u, r0 + half + t0).sub(d21);
                FloatVector e2 = FloatVector.fromArray(S, u, r0 + t0 + 1).sub(d22), e3 = FloatVector.fromArray(S, u, r0 + half + t0 + 1).sub(d23);
                e0.sub(e2).intoArray(out, at);
                e1.add(e2).intoArray(out, at + ld);
                e2.sub(e1).intoArray(out, at + 2 * ld);
                e1.sub(e3).intoArray(out, at + 3 * ld);
                e0 = d10.add(d20);
                e1 = d11.add(d21);
                e2 = d12.add(d22);
                e3 = d13.add(d23);
                e0.sub(e2).intoArray(out, at + 4 * ld);
                e1.add(e2).intoArray(out, at + 5 * ld);
                e2.sub(e1).intoArray(out, at + 6 * ld);
                e1.sub(e3).intoArray(out, at + 7 * ld);
                e0 = d20.sub(d10);
                e1 = d21.sub(d11);
                e2 = d22.sub(d12);
                e3 = d23.sub(d13);
                e0.sub(e2).intoArray(out, at + 8 * ld);
                e1.add(e2).intoArray(out, at + 9 * ld);
                e2.sub(e1).intoArray(out, at + 10 * ld);
                e1.sub(e3).intoArray(out, at + 11 * ld);
                e0 = d10.sub(FloatVector.fromArray(S, u, r3 + t0));
                e1 = d11.sub(FloatVector.fromArray(S, u, r3 + half + t0));
                e2 = d12.sub(FloatVector.fromArray(S, u, r3 + t0 + 1));
                e3 = d13.sub(FloatVector.fromArray(S, u, r3 + half + t0 + 1));
                e0.sub(e2).intoArray(out, at + 12 * ld);
                e1.add(e2).intoArray(out, at + 13 * ld);
                e2.sub(e1).intoArray(out, at + 14 * ld);
                e1.sub(e3).intoArray(out, at + 15 * ld);
                if (staged && panelStride == 0) {
                    int dst = vOff + t;
                    for (int xi = 0; xi < 16; xi++) System.arraycopy(block, xi * L, v, dst + xi * ldv, count);
                } else if (staged) {
                    int first = Math.min(count, NR - t % NR), dst = vOff + t / NR * panelStride + t % NR, next = vOff + (t / NR + 1) * panelStride;
                    for (int xi = 0; xi < 16; xi++) {
                        System.arraycopy(block, xi * L, v, dst + xi * ldv, first);
                        if (count > first) System.arraycopy(block, xi * L + first, v, next + xi * ldv, count - first);
                    }
                }
            }
        }
    }

    @Override
    public void winogradOutput(int planes, float[] m, int mOff, int mPlane, int ldm, int ty0, int tyCount, int tilesX,
                               float[] y, int yOff, int yPlane, int ldy, int rows, int cols) {
        WinogradStage st = STAGE.get();
        for (int i = 0; i < planes; i++) winogradOutput(st, m, mOff + i * mPlane, ldm, ty0, tyCount, tilesX, y, yOff + i * yPlane, ldy, rows, cols);
    }

    private static void winogradOutput(WinogradStage st, float[] m, int mOff, int ldm, int ty0, int tyCount, int tilesX,
                                       float[] y, int yOff, int ldy, int rows, int cols) {
        float[] block = st.block, seg = st.rows;
        for (int ty = ty0; ty < ty0 + tyCount; ty++) {
            for (int t0 = 0; t0 < tilesX; t0 += L) {
                int count = Math.min(L, tilesX - t0);
                float[] in = m;
                int at = mOff + (ty - ty0) * tilesX + t0, ld = ldm;
                if (count < L) { // stage the ragged group: lanes past the last tile read zeros
                    java.util.Arrays.fill(block, 0f);
                    for (int xi = 0; xi < 16; xi++) System.arraycopy(m, at + xi * ldm, block, xi * L, count);
                    in = block;
                    at = 0;
                    ld = L;
                }
                // s_av = (A^T m)[a][v], column by column.
                FloatVector m0 = FloatVector.fromArray(S, in, at), m1 = FloatVector.fromArray(S, in, at + 4 * ld);
                FloatVector m2 = FloatVector.fromArray(S, in, at + 8 * ld), m3 = FloatVector.fromArray(S, in, at + 12 * ld);
                FloatVector s00 = m0.add(m1).add(m2), s10 = m1.sub(m2).sub(m3);
                m0 = FloatVector.fromArray(S, in, at + ld);
                m1 = FloatVector.fromArray(S, in, at + 5 * ld);
                m2 = FloatVector.fromArray(S, in, at + 9 * ld);
                m3 = FloatVector.fromArray(S, in, at + 13 * ld);
                FloatVector s01 = m0.add(m1).add(m2), s11 = m1.sub(m2).sub(m3);
                m0 = FloatVector.fromArray(S, in, at + 2 * ld);
                m1 = FloatVector.fromArray(S, in, at + 6 * ld);
                m2 = FloatVector.fromArray(S, in, at + 10 * ld);
                m3 = FloatVector.fromArray(S, in, at + 14 * ld);
                FloatVector s02 = m0.add(m1).add(m2), s12 = m1.sub(m2).sub(m3);
                m0 = FloatVector.fromArray(S, in, at + 3 * ld);
                m1 = FloatVector.fromArray(S, in, at + 7 * ld);
                m2 = FloatVector.fromArray(S, in, at + 11 * ld);
                m3 = FloatVector.fromArray(S, in, at + 15 * ld);
                FloatVector s03 = m0.add(m1).add(m2), s13 = m1.sub(m2).sub(m3);
                int col = 2 * t0, oy = 2 * ty;
                boolean whole = col + 2 * L <= cols;
                for (int a = 0; a < 2 && oy + a < rows; a++) {
                    FloatVector y0 = a == 0 ? s00.add(s01).add(s02) : s10.add(s11).add(s12);
                    FloatVector y1 = a == 0 ? s01.sub(s02).sub(s03) : s11.sub(s12).sub(s13);
                    int row = yOff + (oy + a) * ldy;
                    if (whole) {
                        y0.rearrange(ZIP0, y1).intoArray(y, row + col);
                        y0.rearrange(ZIP1, y1).intoArray(y, row + col + L);
                    } else { // the plane's right edge: stage, then copy the columns that exist
                        y0.rearrange(ZIP0, y1).intoArray(seg, 0);
                        y0.rearrange(ZIP1, y1).intoArray(seg, L);
                        System.arraycopy(seg, 0, y, row + col, Math.min(2 * L, cols - col));
                    }
                }
            }
        }
    }

    @Override
    public void winogradOutputGrad(int planes, float[] g, int gOff, int gPlane, int ldg, int rows, int cols, int ty0, int tyCount,
                                   int tilesX, float[] out, int outOff, int outPlane, int ldo) {
        WinogradStage st = STAGE.get();
        for (int i = 0; i < planes; i++) {
            winogradOutputGrad(st, g, gOff + i * gPlane, ldg, rows, cols, ty0, tyCount, tilesX, out, outOff + i * outPlane, ldo);
        }
    }

    private static void winogradOutputGrad(WinogradStage st, float[] g, int gOff, int ldg, int rows, int cols, int ty0, int tyCount,
                                           int tilesX, float[] out, int outOff, int ldo) {
        float[] seg = st.rows, zeros = st.zeros, block = st.block;
        for (int ty = ty0; ty < ty0 + tyCount; ty++) {
            int oy = 2 * ty;
            for (int t0 = 0; t0 < tilesX; t0 += L) {
                int c0 = 2 * t0, count = Math.min(L, tilesX - t0);
                boolean inside = c0 + 2 * L <= cols;
                float[] a0 = zeros, a1 = zeros;
                int o0 = 0, o1 = 0;
                if (oy < rows) {
                    if (inside) { a0 = g; o0 = gOff + oy * ldg + c0; } else { stageRow(g, gOff + oy * ldg, c0, cols, seg, 0); a0 = seg; }
                }
                if (oy + 1 < rows) {
                    if (inside) { a1 = g; o1 = gOff + (oy + 1) * ldg + c0; } else { stageRow(g, gOff + (oy + 1) * ldg, c0, cols, seg, SEG); a1 = seg; o1 = SEG; }
                }
                FloatVector lo = FloatVector.fromArray(S, a0, o0), hi = FloatVector.fromArray(S, a0, o0 + L);
                FloatVector g00 = lo.rearrange(EVENS, hi), g01 = lo.rearrange(ODDS, hi);
                lo = FloatVector.fromArray(S, a1, o1);
                hi = FloatVector.fromArray(S, a1, o1 + L);
                FloatVector g10 = lo.rearrange(EVENS, hi), g11 = lo.rearrange(ODDS, hi);
                // h_av = (g A^T)[a][v], then out[4u + v] = (A h)[u][v].
                FloatVector h00 = g00, h01 = g00.add(g01), h02 = g00.sub(g01), h03 = g01.neg();
                FloatVector h10 = g10, h11 = g10.add(g11), h12 = g10.sub(g11), h13 = g11.neg();
                float[] dst = out;
                int at = outOff + (ty - ty0) * tilesX + t0, ld = ldo;
                if (count < L) {
                    dst = block;
                    at = 0;
                    ld = L;
                }
                h00.intoArray(dst, at);
                h01.intoArray(dst, at + ld);
                h02.intoArray(dst, at + 2 * ld);
                h03.intoArray(dst, at + 3 * ld);
                h00.add(h10).intoArray(dst, at + 4 * ld);
                h01.add(h11).intoArray(dst, at + 5 * ld);
                h02.add(h12).intoArray(dst, at + 6 * ld);
                h03.add(h13).intoArray(dst, at + 7 * ld);
                h00.sub(h10).intoArray(dst, at + 8 * ld);
                h01.sub(h11).intoArray(dst, at + 9 * ld);
                h02.sub(h12).intoArray(dst, at + 10 * ld);
                h03.sub(h13).intoArray(dst, at + 11 * ld);
                h10.neg().intoArray(dst, at + 12 * ld);
                h11.neg().intoArray(dst, at + 13 * ld);
                h12.neg().intoArray(dst, at + 14 * ld);
                h13.neg().intoArray(dst, at + 15 * ld);
                if (count < L) {
                    int to = outOff + (ty - ty0) * tilesX + t0;
                    for (int xi = 0; xi < 16; xi++) System.arraycopy(block, xi * L, out, to + xi * ldo, count);
                }
            }
        }
    }

    @Override
    public void winogradWeights(float[] w, int wOff, int ldw, float[] u, int uOff, int ldu, int n) {
        int e = 0;
        for (int end = S.loopBound(n); e < end; e += L) {
            int at = wOff + e;
            for (int j = 0; j < 3; j++) { // column j of G w, then that column's contribution is finished below
                FloatVector w0 = FloatVector.fromArray(S, w, at + j * ldw), w1 = FloatVector.fromArray(S, w, at + (3 + j) * ldw);
                FloatVector w2 = FloatVector.fromArray(S, w, at + (6 + j) * ldw);
                // h_rj for rows r = 0..3, staged in u's rows 4r + j (columns 0..2 of each row of U hold h until overwritten).
                w0.intoArray(u, uOff + j * ldu + e);
                w0.add(w1).add(w2).mul(0.5f).intoArray(u, uOff + (4 + j) * ldu + e);
                w0.sub(w1).add(w2).mul(0.5f).intoArray(u, uOff + (8 + j) * ldu + e);
                w2.intoArray(u, uOff + (12 + j) * ldu + e);
            }
            for (int r = 0; r < 4; r++) {
                int row = uOff + 4 * r * ldu + e;
                FloatVector h0 = FloatVector.fromArray(S, u, row), h1 = FloatVector.fromArray(S, u, row + ldu), h2 = FloatVector.fromArray(S, u, row + 2 * ldu);
                h0.intoArray(u, row);
                h0.add(h1).add(h2).mul(0.5f).intoArray(u, row + ldu);
                h0.sub(h1).add(h2).mul(0.5f).intoArray(u, row + 2 * ldu);
                h2.intoArray(u, row + 3 * ldu);
            }
        }
        if (e < n) new ScalarKernels().winogradWeights(w, wOff + e, ldw, u, uOff + e, ldu, n - e);
    }

    @Override
    public void winogradWeightsGrad(float[] du, int duOff, int ldu, float[] w, int wOff, int ldw, int n) {
        float[] k = new float[12 * L]; // k_iv = (G^T dU)[i][v] for one group of L kernels, row 4i + v
        int e = 0;
        for (int end = S.loopBound(n); e < end; e += L) {
            for (int v = 0; v < 4; v++) {
                int at = duOff + e;
                FloatVector d0 = FloatVector.fromArray(S, du, at + v * ldu), d1 = FloatVector.fromArray(S, du, at + (4 + v) * ldu);
                FloatVector d2 = FloatVector.fromArray(S, du, at + (8 + v) * ldu), d3 = FloatVector.fromArray(S, du, at + (12 + v) * ldu);
                d0.add(d1.add(d2).mul(0.5f)).intoArray(k, v * L);
                d1.sub(d2).mul(0.5f).intoArray(k, (4 + v) * L);
                d1.add(d2).mul(0.5f).add(d3).intoArray(k, (8 + v) * L);
            }
            for (int i = 0; i < 3; i++) {
                FloatVector k0 = FloatVector.fromArray(S, k, 4 * i * L), k1 = FloatVector.fromArray(S, k, (4 * i + 1) * L);
                FloatVector k2 = FloatVector.fromArray(S, k, (4 * i + 2) * L), k3 = FloatVector.fromArray(S, k, (4 * i + 3) * L);
                int at = wOff + 3 * i * ldw + e;
                k0.add(k1.add(k2).mul(0.5f)).intoArray(w, at);
                k1.sub(k2).mul(0.5f).intoArray(w, at + ldw);
                k1.add(k2).mul(0.5f).add(k3).intoArray(w, at + 2 * ldw);
            }
        }
        if (e < n) new ScalarKernels().winogradWeightsGrad(du, duOff + e, ldu, w, wOff + e, ldw, n - e);
    }

    // ------------------------------------------------------------------------------------------
    // Strided copies (im2col / col2im of strided convolutions): stride 2 by unzipping / zipping vectors
    // ------------------------------------------------------------------------------------------

    private static final VectorMask<Float> EVEN_LANES = VectorMask.fromLong(S, 0x5555_5555_5555_5555L);

    @Override
    public void copyStrided(float[] x, int xOff, int ldx, int stride, float[] out, int outOff, int ldo, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int src = xOff + r * ldx, dst = outOff + r * ldo, j = 0;
            if (stride == 1) {
                System.arraycopy(x, src, out, dst, cols);
                continue;
            }
            if (stride == 2) {
                for (; j + L <= cols && src + 2 * j + 2 * L <= x.length; j += L) {
                    FloatVector lo = FloatVector.fromArray(S, x, src + 2 * j), hi = FloatVector.fromArray(S, x, src + 2 * j + L);
                    lo.rearrange(EVENS, hi).intoArray(out, dst + j);
                }
            }
            for (; j < cols; j++) out[dst + j] = x[src + j * stride];
        }
    }

    @Override
    public void addStrided(float[] x, int xOff, int ldx, float[] out, int outOff, int ldo, int stride, int rows, int cols) {
        FloatVector z = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int src = xOff + r * ldx, dst = outOff + r * ldo, j = 0;
            if (stride == 2) {
                // Only the even lanes are stored: the odd elements between belong to other taps (or other threads).
                for (; j + L <= cols && dst + 2 * j + 2 * L <= out.length; j += L) {
                    FloatVector v = FloatVector.fromArray(S, x, src + j);
                    int at = dst + 2 * j;
                    FloatVector.fromArray(S, out, at).add(v.rearrange(ZIP0, z)).intoArray(out, at, EVEN_LANES);
                    FloatVector.fromArray(S, out, at + L).add(v.rearrange(ZIP1, z)).intoArray(out, at + L, EVEN_LANES);
                }
            } else if (stride == 1) {
                for (int end = S.loopBound(cols); j < end; j += L) {
                    FloatVector.fromArray(S, out, dst + j).add(FloatVector.fromArray(S, x, src + j)).intoArray(out, dst + j);
                }
            }
            for (; j < cols; j++) out[dst + j * stride] += x[src + j];
        }
    }

    // ------------------------------------------------------------------------------------------
    // Batch norm over the runs of one channel (one call per channel and pass, not per image)
    // ------------------------------------------------------------------------------------------

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
