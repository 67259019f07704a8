package dev.jgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GemmKernels} on the Vector API (jdk.incubator.vector), in the machine's preferred vector width.
 *
 * The usual GotoBLAS/BLIS structure: for each nc-wide column block of C and each kc-deep slice
 * of k, op(B) is packed once into NR-wide panels; for each mc-tall row block, op(A) (times alpha)
 * is packed once into MR-tall panels; then an MR x NR register-blocked micro-kernel runs over
 * every (row panel, column panel) pair. Transposes are absorbed by the packing routines, and
 * partial tiles are zero-padded in the packed panels, so the micro-kernel never branches.
 *
 * <p>The micro-kernel keeps MR x 2 accumulator vectors in locals (never in an array: they would
 * be boxed). With 16-lane AVX-512 vectors and 32 registers it is 12 x 32: 24 accumulators, two B
 * vectors and a broadcast per row, 24 FMAs per 14 loads (8 x 32 does 16 per 10). JDK 25's C2 keeps
 * all of them in registers (checked in the generated code: broadcasts straight from memory, no
 * spills; a k-loop unrolled by hand makes C2 hoist the second step's broadcasts and spill, so it is
 * not). On the Intel Xeon (cpu family 6) it ran 8% faster than 8 x 32 with A and B in L1, within 9%
 * of a pure FMA loop. With 8-lane AVX2 and 16 registers, 4 x 16 is the measured sweet spot.
 *
 * <p>Large products are split across {@link Parallel} by column panels (or row panels when C is
 * tall and narrow); each thread packs its own panels into thread-local buffers, so steady-state
 * calls allocate nothing and threads never synchronise inside a call.
 *
 * <p>Very thin products (fewer than 4 rows, or fewer columns than one vector) skip packing and
 * use axpy / dot loops instead: a zero-padded 12 x 32 tile would waste most of its arithmetic.
 *
 * <p>Tuning knobs, for experiments only: {@code -Djgrad.sgemm.mr=4|12} (12 needs 16 lanes), {@code jgrad.sgemm.kc},
 * {@code jgrad.sgemm.mc}, {@code jgrad.sgemm.nc}, {@code jgrad.sgemm.parallelThreshold} (m*n*k).
 */
public final class VectorGemmKernels implements GemmKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static final int NR = 2 * L;
    /** Rows of the micro-tile: 12 needs 16 lanes (an A panel's k-step is one vector store of MR lanes). */
    static final int MR = L >= 16 && Integer.getInteger("jgrad.sgemm.mr", 12) == 12 ? 12 : 4;
    // Block sizes for the Intel Xeon (48 KiB L1d, 2 MiB L2 per core): the packed B block (kc x nc, 768 KiB)
    // must stay in L2 while each A panel (12 x kc, 12 KiB) sits in L1 and streams B past it; kc=512 with
    // nc=1024 (2 MiB) lost 20% at N=1024-2048. kc=192..384 with nc 512..1024 and mc=96 vs 192 were within noise.
    static final int KC = Integer.getInteger("jgrad.sgemm.kc", 256);
    static final int MC = roundUp(Integer.getInteger("jgrad.sgemm.mc", 96), MR);
    static final int NC = roundUp(Integer.getInteger("jgrad.sgemm.nc", 768), NR);
    /**
     * At most this many rows of A (a few decoder positions against a [out, in] weight) take {@link #narrow}, which
     * reads the transposed B where it lies instead of packing it; measured on the 2-core Sapphire Rapids.
     */
    static final int NARROW_M = Integer.getInteger("jgrad.sgemm.narrowM", 2 * NR);
    /** Columns of C (rows of the transposed B) per {@link #narrow} block: its kernels hold 8 accumulator rows. */
    static final int NARROW_COLS = 8;
    /**
     * Below this m*n*k the few-row products ({@link #thin}, {@link #narrow}) stay on one core: a split of 64^3
     * multiply-adds (microseconds of work) lost to the hand-off; decoding passes ran fastest at 2^20.
     */
    static final long FEW_ROWS_PARALLEL_THRESHOLD = Long.getLong("jgrad.sgemm.fewRowsParallelThreshold", 1L << 20);
    /** Below this m*n*k, handing half the work to another core costs more than it saves. */
    static final long PARALLEL_THRESHOLD = Long.getLong("jgrad.sgemm.parallelThreshold", 64L * 64 * 64);

    /** Per-thread packing buffers, grown on demand and then reused, so steady-state sgemm allocates nothing. */
    private static final class Buffers {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[Math.max(MR, NARROW_COLS) * NR]; // blocked()'s tiles and narrow()'s
        /** dots16's 16 x 16 partial sums, then their transpose (16 rows NR apart), and its 16 results. */
        final float[] dots = new float[16 * 16 + 16 * NR], sums = new float[16];
        final int[] rows = new int[MR];
        final int[] gather = new int[L];
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

    /**
     * Creates the kernels; they keep no per-instance state, so one instance (the {@link VectorKernels} set's) serves
     * every caller. Needs the jdk.incubator.vector module.
     */
    public VectorGemmKernels() {}

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
    // SGEMM

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
            if ((long) m * n * k >= FEW_ROWS_PARALLEL_THRESHOLD && blocks >= 2 && Parallel.threads() > 1) {
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
        if (transB && m <= NARROW_M && L >= 16) {
            narrow(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
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
        // Column blocks of equal width (whole panels, at most NC) and k-slices of equal depth: a short last block
        // would repack all of A for a few columns (1024 columns were 768 + 256).
        int ncBlocks = (j1 - j0 + NC - 1) / NC, ncStep = roundUp((j1 - j0 + ncBlocks - 1) / ncBlocks, NR), ks = kSlice(k);
        float[] bp = buf.b(ks * ncStep);
        float[] ap = buf.a(ks * Math.min(MC, roundUp(i1 - i0, MR)));
        float[] tile = buf.tile;
        for (int jc = j0; jc < j1; jc += ncStep) {
            int nc = Math.min(ncStep, j1 - jc);
            for (int pc = 0; pc < k; pc += ks) {
                int kc = Math.min(ks, k - pc);
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                // Only the first k-slice applies beta; later slices accumulate onto it.
                float betaK = pc == 0 ? beta : 1f;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(transA, a, aOff, lda, ic, mc, pc, kc, alpha, ap, 0, buf.gather);
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
        if (!transB) {
            // Row by row, so that B is read sequentially: panel by panel would read 128 bytes from each of kc rows
            // ldb floats apart (4 KiB at N=1024, all in one L1 set), which cost 6% of a 1024^3 product.
            int full = nc / NR * NR;
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * ldb + jc, dst = p * NR;
                for (int jr = 0; jr < full; jr += NR, dst += kc * NR) {
                    FloatVector.fromArray(S, b, src + jr).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src + jr + L).intoArray(bp, dst + L);
                }
                if (full < nc) {
                    System.arraycopy(b, src + full, bp, dst, nc - full);
                    java.util.Arrays.fill(bp, dst + nc - full, dst + NR, 0f);
                }
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int dst = jr * kc;
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

    /** The first MR lanes: one k-step of an A panel (MR <= L for every vector width used). */
    private static final VectorMask<Float> PANEL_LANES = S.indexInRange(0, MR);

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

    /**
     * Packs alpha * op(A)[ic:ic+mc, pc:pc+kc] at ap[apOff...] as MR-tall panels, each kc columns of MR floats, zero-padded.
     * gather is an L-int scratch array.
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                              float alpha, float[] ap, int apOff, int[] gather) {
        // A masked access whose whole vector would pass the end of its array takes the Vector API's lane-by-lane path
        // (it showed up as 4% of a whole product), so the last few k-steps of a buffer go scalar instead.
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int dst = apOff + ir * kc, p = 0;
            if (!transA) {
                // Each k-step of the panel is a column of A: one gather of mr rows lda apart (0.23 ns per element
                // against 0.29 for a 16 x 16 register transpose and 0.33 scalar, and far simpler), zeros past mr. Only with 16 lanes: 4-lane AVX2 panels
                // gain nothing from a gather.
                int src = aOff + (ic + ir) * lda + pc;
                if (L == 16) {
                    VectorMask<Float> rows = S.indexInRange(0, mr);
                    // Lanes past mr gather row 0 (masked off): the Vector API checks the indices of unset lanes too.
                    for (int r = 0; r < L; r++) gather[r] = r < mr ? r * lda : 0;
                    for (; p < kc && src + p + gather[mr - 1] < a.length && dst + p * MR + L <= ap.length; p++) {
                        FloatVector.fromArray(S, a, src + p, gather, 0, rows).mul(alpha).intoArray(ap, dst + p * MR, PANEL_LANES);
                    }
                }
                for (; p < kc; p++) {
                    for (int r = 0; r < MR; r++) ap[dst + p * MR + r] = r < mr ? alpha * a[src + r * lda + p] : 0f;
                }
            } else {
                // Each k-step is mr contiguous floats of a row of the stored A: one masked load, zeros past mr.
                VectorMask<Float> rows = S.indexInRange(0, mr);
                int src = aOff + pc * lda + ic + ir;
                for (; p < kc && src + L <= a.length && dst + p * MR + L <= ap.length; p++, src += lda) {
                    FloatVector.fromArray(S, a, src, rows).mul(alpha).intoArray(ap, dst + p * MR, PANEL_LANES);
                }
                for (; p < kc; p++, src += lda) {
                    for (int r = 0; r < MR; r++) ap[dst + p * MR + r] = r < mr ? alpha * a[src + r] : 0f;
                }
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
        if (MR == 12) micro12(kc, a, ai, b, bi, c, ci, ldc, beta);
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

    // Few rows against a transposed B: C^T = B A^T without packing B

    /**
     * C = alpha * op(A) * B^T + beta * C for a few rows (4 .. {@link #NARROW_M}), B stored [n, k] as a Linear's weight.
     * {@link #blocked} would transpose all of B into panels for every call, which at a dozen rows costs as much as the
     * product itself. Here the roles swap: A^T (times alpha) is packed, one or two vectors of rows wide, and each B
     * row's elements are broadcast straight from where they lie, 8 B rows at a time: the same fused products summed in
     * the same order (per k-slice of {@link #KC}, slices added onto C) as blocked's micro-kernel, so every entry is
     * bit for bit what blocked gives (for beta other than 0 and 1, what its full tiles give). Groups of up to 2L rows
     * of A run one after another; B rows are split across cores in blocks of 8.
     */
    private static void narrow(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int blocks = (n + NARROW_COLS - 1) / NARROW_COLS;
        boolean parallel = (long) m * n * k >= FEW_ROWS_PARALLEL_THRESHOLD && blocks >= 2 && Parallel.threads() > 1;
        Buffers buf = BUFFERS.get();
        for (int i0 = 0; i0 < m; i0 += NR) {
            int rows = Math.min(NR, m - i0), width = rows <= L ? L : NR;
            float[] at = buf.a(k * width);
            packTransposedA(transA, a, aOff, lda, i0, rows, k, alpha, at, width);
            NarrowTask task = NARROW_TASKS.get();
            task.set(rows, n, k, at, width, b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
            try {
                if (parallel) Parallel.forRange(blocks, 1, task);
                else task.run(0, blocks);
            } finally {
                task.clear();
            }
        }
    }

    /** at[p * width + r] = alpha * op(A)[i0 + r, p] for r < rows, zero up to width. */
    private static void packTransposedA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int k, float alpha,
                                        float[] at, int width) {
        int rowStep = transA ? 1 : lda, colStep = transA ? lda : 1;
        for (int p = 0, dst = 0; p < k; p++) {
            int src = aOff + i0 * rowStep + p * colStep, r = 0;
            for (; r < rows; r++, src += rowStep) at[dst++] = alpha * a[src];
            for (; r < width; r++) at[dst++] = 0f;
        }
    }

    /** The arguments of one {@link #narrow} row group, reused per calling thread so that calls allocate nothing. */
    private static final class NarrowTask implements Parallel.IntRangeBody {
        int rows, n, k, width, bOff, ldb, cOff, ldc;
        float beta;
        float[] at, b, c;

        void set(int rows, int n, int k, float[] at, int width, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            this.rows = rows; this.n = n; this.k = k; this.at = at; this.width = width;
            this.b = b; this.bOff = bOff; this.ldb = ldb; this.beta = beta; this.c = c; this.cOff = cOff; this.ldc = ldc;
        }

        void clear() {
            at = b = c = null;
        }

        /** B rows [from * 8, to * 8): per k-slice, 8 rows' products into the tile, then onto C's 8 columns. */
        @Override
        public void run(int from, int to) {
            float[] tile = BUFFERS.get().tile;
            for (int blk = from; blk < to; blk++) {
                int j0 = blk * NARROW_COLS, cols = Math.min(NARROW_COLS, n - j0);
                // Missing rows of a last partial block repeat row j0; their results are not stored.
                int r0 = bOff + j0 * ldb, step = ldb;
                int r1 = cols > 1 ? r0 + step : r0, r2 = cols > 2 ? r0 + 2 * step : r0, r3 = cols > 3 ? r0 + 3 * step : r0;
                int r4 = cols > 4 ? r0 + 4 * step : r0, r5 = cols > 5 ? r0 + 5 * step : r0, r6 = cols > 6 ? r0 + 6 * step : r0;
                int r7 = cols > 7 ? r0 + 7 * step : r0;
                // The k-slices of blocked(), so that each entry is summed exactly as in a taller product.
                for (int pc = 0, ks = kSlice(k); pc < k; pc += ks) {
                    int kc = Math.min(ks, k - pc);
                    if (width == L) narrow8x1(kc, at, pc * width, b, r0 + pc, r1 + pc, r2 + pc, r3 + pc, r4 + pc, r5 + pc, r6 + pc, r7 + pc, tile);
                    else narrow8x2(kc, at, pc * width, b, r0 + pc, r1 + pc, r2 + pc, r3 + pc, r4 + pc, r5 + pc, r6 + pc, r7 + pc, tile);
                    mergeTransposedTile(tile, width, rows, cols, pc == 0 ? beta : 1f, c, cOff + j0, ldc);
                }
            }
        }
    }

    private static final ThreadLocal<NarrowTask> NARROW_TASKS = ThreadLocal.withInitial(NarrowTask::new);

    /** C[i, j] = tile[j * width + i] + betaK * C[i, j], rounded as blocked's tiles round it (betaK 0: C not read). */
    private static void mergeTransposedTile(float[] tile, int width, int rows, int cols, float betaK, float[] c, int cOff, int ldc) {
        for (int i = 0; i < rows; i++) {
            int ci = cOff + i * ldc;
            if (betaK == 0f) {
                for (int j = 0; j < cols; j++) c[ci + j] = tile[j * width + i];
            } else if (betaK == 1f) {
                for (int j = 0; j < cols; j++) c[ci + j] += tile[j * width + i];
            } else {
                for (int j = 0; j < cols; j++) c[ci + j] = Math.fma(c[ci + j], betaK, tile[j * width + i]);
            }
        }
    }

    /**
     * tile[r * L + lane] = sum over p of at[p * L + lane] * b[row r + p], the 8 B rows' products with one vector of A^T.
     * Written out as {@link #micro12} is, for the same reason (no vectors in arrays or helpers).
     */
    private static void narrow8x1(int kc, float[] at, int ai, float[] b, int b0, int b1, int b2, int b3, int b4, int b5, int b6, int b7,
                                  float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
        for (int p = 0; p < kc; p++, ai += L) {
            FloatVector x = FloatVector.fromArray(S, at, ai);
            c0 = x.fma(FloatVector.broadcast(S, b[b0 + p]), c0);
            c1 = x.fma(FloatVector.broadcast(S, b[b1 + p]), c1);
            c2 = x.fma(FloatVector.broadcast(S, b[b2 + p]), c2);
            c3 = x.fma(FloatVector.broadcast(S, b[b3 + p]), c3);
            c4 = x.fma(FloatVector.broadcast(S, b[b4 + p]), c4);
            c5 = x.fma(FloatVector.broadcast(S, b[b5 + p]), c5);
            c6 = x.fma(FloatVector.broadcast(S, b[b6 + p]), c6);
            c7 = x.fma(FloatVector.broadcast(S, b[b7 + p]), c7);
        }
        c0.intoArray(tile, 0); c1.intoArray(tile, L); c2.intoArray(tile, 2 * L); c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L); c5.intoArray(tile, 5 * L); c6.intoArray(tile, 6 * L); c7.intoArray(tile, 7 * L);
    }

    /** As {@link #narrow8x1} with two vectors of A^T (up to 2L rows of A): tile[r * 2L + lane]. */
    private static void narrow8x2(int kc, float[] at, int ai, float[] b, int b0, int b1, int b2, int b3, int b4, int b5, int b6, int b7,
                                  float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, ai += NR) {
            FloatVector x0 = FloatVector.fromArray(S, at, ai), x1 = FloatVector.fromArray(S, at, ai + L);
            FloatVector w0 = FloatVector.broadcast(S, b[b0 + p]);
            c00 = x0.fma(w0, c00); c01 = x1.fma(w0, c01);
            FloatVector w1 = FloatVector.broadcast(S, b[b1 + p]);
            c10 = x0.fma(w1, c10); c11 = x1.fma(w1, c11);
            FloatVector w2 = FloatVector.broadcast(S, b[b2 + p]);
            c20 = x0.fma(w2, c20); c21 = x1.fma(w2, c21);
            FloatVector w3 = FloatVector.broadcast(S, b[b3 + p]);
            c30 = x0.fma(w3, c30); c31 = x1.fma(w3, c31);
            FloatVector w4 = FloatVector.broadcast(S, b[b4 + p]);
            c40 = x0.fma(w4, c40); c41 = x1.fma(w4, c41);
            FloatVector w5 = FloatVector.broadcast(S, b[b5 + p]);
            c50 = x0.fma(w5, c50); c51 = x1.fma(w5, c51);
            FloatVector w6 = FloatVector.broadcast(S, b[b6 + p]);
            c60 = x0.fma(w6, c60); c61 = x1.fma(w6, c61);
            FloatVector w7 = FloatVector.broadcast(S, b[b7 + p]);
            c70 = x0.fma(w7, c70); c71 = x1.fma(w7, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L); c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L); c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L); c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L); c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
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
            int ci = cOff + i * ldc, j = 0;
            if (L == 16) {
                for (; j < n; j += 16) {
                    dots16(k, rowsA, offA + i * strideA, colsB, offB + j * strideB, strideB, Math.min(16, n - j), buf.dots, buf.sums);
                    for (int r = 0, cols = Math.min(16, n - j); r < cols; r++) {
                        float v = alpha * buf.sums[r];
                        c[ci + j + r] = beta == 0f ? v : v + beta * c[ci + j + r];
                    }
                }
            }
            for (; j < n; j++) {
                float v = alpha * VectorElementwiseKernels.dotImpl(rowsA, offA + i * strideA, colsB, offB + j * strideB, k);
                c[ci + j] = beta == 0f ? v : v + beta * c[ci + j];
            }
        }
    }

    /**
     * sums[r] = dotImpl(x, xOff, y, yOff + r * ldy, k) for r below cols (at most 16), bit for bit, sixteen at a time: four
     * y rows share each load of x and keep dotImpl's two accumulators each; dotImpl's lane sum (lane 0 first) becomes one
     * vector add per lane after a 16 x 16 transpose, instead of sixteen lane extractions per dot. Rows from cols on
     * repeat the last one and are ignored. Only with 16-lane vectors (the transpose's).
     */
    private static void dots16(int k, float[] x, int xOff, float[] y, int yOff, int ldy, int cols, float[] partial, float[] sums) {
        for (int r = 0; r < 16; r += 4) {
            int y0 = yOff + Math.min(r, cols - 1) * ldy, y1 = yOff + Math.min(r + 1, cols - 1) * ldy;
            int y2 = yOff + Math.min(r + 2, cols - 1) * ldy, y3 = yOff + Math.min(r + 3, cols - 1) * ldy;
            dots4(k, x, xOff, y, y0, y1, y2, y3, partial, r * 16);
        }
        transpose16(partial, 0, 16, partial, 16 * 16);
        FloatVector s = FloatVector.zero(S);
        for (int t = 0; t < 16; t++) s = s.add(FloatVector.fromArray(S, partial, 16 * 16 + t * NR));
        s.intoArray(sums, 0);
        for (int p = k / 16 * 16; p < k; p++) {
            for (int r = 0; r < cols; r++) sums[r] += x[xOff + p] * y[yOff + r * ldy + p];
        }
    }

    /** partial[at + r * 16 ..] = dotImpl's s0 + s1 for the four y rows: the same fused products in the same order. */
    private static void dots4(int k, float[] x, int xOff, float[] y, int y0, int y1, int y2, int y3, float[] partial, int at) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, b0 = z, a1 = z, b1 = z, a2 = z, b2 = z, a3 = z, b3 = z;
        int i = 0;
        for (int end = k - 2 * L; i <= end; i += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(S, x, xOff + i), x1 = FloatVector.fromArray(S, x, xOff + i + L);
            a0 = x0.fma(FloatVector.fromArray(S, y, y0 + i), a0); b0 = x1.fma(FloatVector.fromArray(S, y, y0 + i + L), b0);
            a1 = x0.fma(FloatVector.fromArray(S, y, y1 + i), a1); b1 = x1.fma(FloatVector.fromArray(S, y, y1 + i + L), b1);
            a2 = x0.fma(FloatVector.fromArray(S, y, y2 + i), a2); b2 = x1.fma(FloatVector.fromArray(S, y, y2 + i + L), b2);
            a3 = x0.fma(FloatVector.fromArray(S, y, y3 + i), a3); b3 = x1.fma(FloatVector.fromArray(S, y, y3 + i + L), b3);
        }
        if (i + L <= k) {
            FloatVector x0 = FloatVector.fromArray(S, x, xOff + i);
            a0 = x0.fma(FloatVector.fromArray(S, y, y0 + i), a0);
            a1 = x0.fma(FloatVector.fromArray(S, y, y1 + i), a1);
            a2 = x0.fma(FloatVector.fromArray(S, y, y2 + i), a2);
            a3 = x0.fma(FloatVector.fromArray(S, y, y3 + i), a3);
        }
        a0.add(b0).intoArray(partial, at);
        a1.add(b1).intoArray(partial, at + L);
        a2.add(b2).intoArray(partial, at + 2 * L);
        a3.add(b3).intoArray(partial, at + 3 * L);
    }
    // Products with one operand given by row offsets: convolutions without a column matrix

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
        int[] gather = BUFFERS.get().gather;
        for (int pc = 0; pc < k; pc += ks) {
            packA(transA, a, aOff, lda, 0, m, pc, Math.min(ks, k - pc), alpha, packed, pOff + pc * mPad, gather);
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
        if (MR == 12) microRows12(kc, a, r, b, bi, c, ci, ldc, beta);
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

    /** As {@link #micro4} with 12 rows: 24 accumulators of the 32 AVX-512 registers. */
    private static void micro12(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc, float beta) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        FloatVector c80 = z, c81 = z, c90 = z, c91 = z, c100 = z, c101 = z, c110 = z, c111 = z;
        for (int p = 0; p < kc; p++, ai += 12, bi += NR) {
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
            FloatVector a8 = FloatVector.broadcast(S, a[ai + 8]);
            c80 = a8.fma(b0, c80); c81 = a8.fma(b1, c81);
            FloatVector a9 = FloatVector.broadcast(S, a[ai + 9]);
            c90 = a9.fma(b0, c90); c91 = a9.fma(b1, c91);
            FloatVector a10 = FloatVector.broadcast(S, a[ai + 10]);
            c100 = a10.fma(b0, c100); c101 = a10.fma(b1, c101);
            FloatVector a11 = FloatVector.broadcast(S, a[ai + 11]);
            c110 = a11.fma(b0, c110); c111 = a11.fma(b1, c111);
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
            c80.intoArray(c, ci + 8 * ldc); c81.intoArray(c, ci + 8 * ldc + L);
            c90.intoArray(c, ci + 9 * ldc); c91.intoArray(c, ci + 9 * ldc + L);
            c100.intoArray(c, ci + 10 * ldc); c101.intoArray(c, ci + 10 * ldc + L);
            c110.intoArray(c, ci + 11 * ldc); c111.intoArray(c, ci + 11 * ldc + L);
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
            FloatVector.fromArray(S, c, ci + 8 * ldc).fma(bv, c80).intoArray(c, ci + 8 * ldc);
            FloatVector.fromArray(S, c, ci + 8 * ldc + L).fma(bv, c81).intoArray(c, ci + 8 * ldc + L);
            FloatVector.fromArray(S, c, ci + 9 * ldc).fma(bv, c90).intoArray(c, ci + 9 * ldc);
            FloatVector.fromArray(S, c, ci + 9 * ldc + L).fma(bv, c91).intoArray(c, ci + 9 * ldc + L);
            FloatVector.fromArray(S, c, ci + 10 * ldc).fma(bv, c100).intoArray(c, ci + 10 * ldc);
            FloatVector.fromArray(S, c, ci + 10 * ldc + L).fma(bv, c101).intoArray(c, ci + 10 * ldc + L);
            FloatVector.fromArray(S, c, ci + 11 * ldc).fma(bv, c110).intoArray(c, ci + 11 * ldc);
            FloatVector.fromArray(S, c, ci + 11 * ldc + L).fma(bv, c111).intoArray(c, ci + 11 * ldc + L);
        }
    }

    /** As {@link #microRows4} with 12 rows. */
    private static void microRows12(int kc, float[] a, int[] r, float[] b, int bi, float[] c, int ci, int ldc, float beta) {
        int r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3], r4 = r[4], r5 = r[5], r6 = r[6], r7 = r[7], r8 = r[8], r9 = r[9], r10 = r[10], r11 = r[11];
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        FloatVector c80 = z, c81 = z, c90 = z, c91 = z, c100 = z, c101 = z, c110 = z, c111 = z;
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
            FloatVector a8 = FloatVector.broadcast(S, a[r8 + p]);
            c80 = a8.fma(b0, c80); c81 = a8.fma(b1, c81);
            FloatVector a9 = FloatVector.broadcast(S, a[r9 + p]);
            c90 = a9.fma(b0, c90); c91 = a9.fma(b1, c91);
            FloatVector a10 = FloatVector.broadcast(S, a[r10 + p]);
            c100 = a10.fma(b0, c100); c101 = a10.fma(b1, c101);
            FloatVector a11 = FloatVector.broadcast(S, a[r11 + p]);
            c110 = a11.fma(b0, c110); c111 = a11.fma(b1, c111);
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
            c80.intoArray(c, ci + 8 * ldc); c81.intoArray(c, ci + 8 * ldc + L);
            c90.intoArray(c, ci + 9 * ldc); c91.intoArray(c, ci + 9 * ldc + L);
            c100.intoArray(c, ci + 10 * ldc); c101.intoArray(c, ci + 10 * ldc + L);
            c110.intoArray(c, ci + 11 * ldc); c111.intoArray(c, ci + 11 * ldc + L);
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
            FloatVector.fromArray(S, c, ci + 8 * ldc).fma(bv, c80).intoArray(c, ci + 8 * ldc);
            FloatVector.fromArray(S, c, ci + 8 * ldc + L).fma(bv, c81).intoArray(c, ci + 8 * ldc + L);
            FloatVector.fromArray(S, c, ci + 9 * ldc).fma(bv, c90).intoArray(c, ci + 9 * ldc);
            FloatVector.fromArray(S, c, ci + 9 * ldc + L).fma(bv, c91).intoArray(c, ci + 9 * ldc + L);
            FloatVector.fromArray(S, c, ci + 10 * ldc).fma(bv, c100).intoArray(c, ci + 10 * ldc);
            FloatVector.fromArray(S, c, ci + 10 * ldc + L).fma(bv, c101).intoArray(c, ci + 10 * ldc + L);
            FloatVector.fromArray(S, c, ci + 11 * ldc).fma(bv, c110).intoArray(c, ci + 11 * ldc);
            FloatVector.fromArray(S, c, ci + 11 * ldc + L).fma(bv, c111).intoArray(c, ci + 11 * ldc + L);
        }
    }
}
