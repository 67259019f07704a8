package dev.jgrad.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ConvKernels} on the Vector API (jdk.incubator.vector), in the machine's preferred vector width: the same
 * additions in the same order as {@link ScalarConvKernels}, so the results are identical.
 */
public final class VectorConvKernels implements ConvKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Columns per panel of the GEMM's packed B, the layout winogradInputPanels writes. */
    private static final int NR = VectorGemmKernels.NR;

    /**
     * Creates the kernels; they keep no per-instance state, so one instance (the {@link VectorKernels} set's) serves
     * every caller. Needs the jdk.incubator.vector module.
     */
    public VectorConvKernels() {}

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
    // Winograd F(2x2, 3x3) transforms: lanes are tiles (or kernels), tiles of a row two columns apart,
    // so a tile's columns come from unzipping two vectors of the input row, and the two output columns
    // of a tile are zipped back. Every vector access is a plain load or store: rows that reach past an
    // edge are staged through small zero-padded buffers first, and a ragged last group of tiles goes
    // through a staging block. No helper takes or returns a vector: once compiled on its own, C2 may
    // decline to inline it and would then box the vectors.

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
        int inRows = 2 * tyCount + 2, half = VectorGemmKernels.roundUp(tilesX + 1, L) + L, iy0 = 2 * ty0 - padTop;
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
        if (e < n) new ScalarConvKernels().winogradWeights(w, wOff + e, ldw, u, uOff + e, ldu, n - e);
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
        if (e < n) new ScalarConvKernels().winogradWeightsGrad(du, duOff + e, ldu, w, wOff + e, ldw, n - e);
    }
    // Strided copies (im2col / col2im of strided convolutions): stride 2 by unzipping / zipping vectors

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
}
