package dev.jgrad.ops;

import dev.jgrad.kernels.ElementwiseKernels;
import dev.jgrad.kernels.GemmKernels;
import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * One recurrent layer in one direction over a whole sequence, as a single autograd op.
 *
 * <p>The input projection x W_ih^T + b_ih of all time steps arrives precomputed (one GEMM, outside);
 * here each step costs one GEMM for h W_hh^T and one fused pass of the {@link StepFunction}. The backward
 * pass is backprop through time written out: one GEMM per step for dL/dh_prev, and the gradients of the
 * shared W_hh and b_hh summed over all steps at the end, in one GEMM.
 *
 * <p>Variable lengths: a sequence b is active at step t while {@code t < lengths[b]}. After its end its state is
 * carried unchanged, so the final state is the one at its last real token, and its outputs are zero, as with
 * PyTorch's packed sequences. Padding never changes the result for the real tokens.
 */
public final class Recurrence {
    private Recurrence() {}

    private static final ElementwiseKernels K = Kernels.get().elementwise();

    private static final GemmKernels GEMM = Kernels.get().gemm();
    /** Columns (steps x batch) of dL/dhg gathered before they update dW_hh: one k-slice of the GEMM. */
    private static final int GRADIENT_BLOCK = 512;

    /**
     * Forward over all steps; the backward pass (backprop through time) is recorded with it.
     *
     * @param step    the cell's arithmetic
     * @param xproj   [T, B, G*H] input projections, b_ih included
     * @param wHh     [G*H, H]
     * @param bHh     [G*H] or null
     * @param h0      [B, H]
     * @param c0      [B, H] for the LSTM, else null
     * @param lengths per sequence, or null when all have length T
     * @return [T + 1 (+ 1 with a cell state), B, H]: the outputs of steps 0..T-1, then the final h, then the final c
     */
    public static Tensor run(StepFunction step, Tensor xproj, Tensor wHh, Tensor bHh, Tensor h0, Tensor c0, int[] lengths) {
        int T = xproj.size(0), B = xproj.size(1), GH = xproj.size(2);
        int H = wHh.size(1), G = step.gates();
        if (GH != G * H || wHh.size(0) != GH) {
            throw new IllegalArgumentException("recurrence: input projection " + Shape.str(xproj.shape()) + " and weight_hh "
                    + Shape.str(wHh.shape()) + " do not fit " + G + " gates of hidden size " + H);
        }
        checkState("h0", h0, B, H);
        boolean cell = step.hasCellState();
        if (cell) checkState("c0", c0, B, H);
        boolean[] active = activeMask(lengths, T, B);

        float[] xg = Dense.values(xproj), w = Dense.values(wHh), bias = bHh == null ? null : Dense.values(bHh);
        int BH = B * H, BG = B * GH, CW = step.cacheWidth(H);
        float[] hs = new float[(T + 1) * BH];               // h_0 .. h_T (h_0 the initial state)
        float[] cs = cell ? new float[(T + 1) * BH] : null;
        System.arraycopy(Dense.values(h0), 0, hs, 0, BH);
        if (cell) System.arraycopy(Dense.values(c0), 0, cs, 0, BH);
        float[] cache = new float[T * B * CW];
        float[] hg = new float[BG];
        PackedWeight packed = PackedWeight.worthIt(T, B) ? new PackedWeight(false, GH, H, w) : null;
        float[] hT = packed == null ? null : new float[BH], hgT = packed == null ? null : new float[BG];

        for (int t = 0; t < T; t++) {
            int prev = t * BH, next = prev + BH;
            if (packed == null) {
                recurrentProjection(hs, prev, w, bias, hg, B, GH, H);
            } else { // hg^T = W_hh h^T, with W_hh packed once for all steps
                transpose(hs, prev, B, H, H, hT, 0, B);
                packed.multiply(B, hT, 0, B, hgT);
                transposeAddBias(hgT, GH, B, bias, hg);
            }
            step.forward(B, H, xg, t * BG, hg, 0, hs, prev, cs, prev, hs, next, cs, next, cache, t * B * CW);
            if (active != null) {
                for (int b = 0; b < B; b++) {
                    if (active[t * B + b]) continue;
                    System.arraycopy(hs, prev + b * H, hs, next + b * H, H);
                    if (cell) System.arraycopy(cs, prev + b * H, cs, next + b * H, H);
                }
            }
        }

        int rows = T + 1 + (cell ? 1 : 0);
        float[] y = new float[rows * BH];
        System.arraycopy(hs, BH, y, 0, T * BH);
        if (active != null) {
            for (int t = 0; t < T; t++) for (int b = 0; b < B; b++) if (!active[t * B + b]) Arrays.fill(y, t * BH + b * H, t * BH + (b + 1) * H, 0f);
        }
        System.arraycopy(hs, T * BH, y, T * BH, BH);
        if (cell) System.arraycopy(cs, T * BH, y, (T + 1) * BH, BH);
        Tensor out = Tensor.of(y, rows, B, H);

        Tensor[] inputs = {xproj, wHh, bHh, h0, c0};
        return Tensor.result(out, step.name(), inputs, new Tensor[0], (g, s) -> backward(
                step, g.toArray(), T, B, H, w, hs, cs, cache, active, bHh != null, inputs));
    }

    /** hg = b_hh + h W_hh^T for all rows of the batch. */
    private static void recurrentProjection(float[] hs, int hOff, float[] w, float[] bias, float[] hg, int B, int GH, int H) {
        if (bias != null) for (int b = 0; b < B; b++) System.arraycopy(bias, 0, hg, b * GH, GH);
        GEMM.sgemm(false, true, B, GH, H, 1f, hs, hOff, H, w, 0, H, bias != null ? 1f : 0f, hg, 0, GH);
    }

    private static Tensor[] backward(StepFunction step, float[] dY, int T, int B, int H, float[] w, float[] hs, float[] cs,
                                     float[] cache, boolean[] active, boolean hasBias, Tensor[] inputs) {
        int G = step.gates(), GH = G * H, BH = B * H, BG = B * GH, CW = step.cacheWidth(H);
        boolean cell = step.hasCellState();
        float[] dh = Arrays.copyOfRange(dY, T * BH, (T + 1) * BH);       // dL/dh_T from the final state
        float[] dc = cell ? Arrays.copyOfRange(dY, (T + 1) * BH, (T + 2) * BH) : null;
        float[] dhPrev = new float[BH], dcPrev = cell ? new float[BH] : null;
        float[] dxg = new float[T * BG];
        float[] dhg = step.sharedGateGradient() ? dxg : new float[T * BG];
        float[] dw = inputs[1].requiresGrad() ? new float[GH * H] : null;
        float[] db = hasBias && inputs[2].requiresGrad() ? new float[GH] : null;
        PackedWeight packedT = PackedWeight.worthIt(T, B) ? new PackedWeight(true, H, GH, w) : null;
        // dL/dhg of a block of steps, transposed: [GH, S*B], step t's columns at (t - t0)*B. Each column block is
        // the right-hand side of its step's product; a full block then adds its share of dW_hh and db_hh with
        // contiguous rows (no transposed packing). A block, not all T steps: the transposes then write within a
        // few MB instead of scattering over tens. The row stride is padded off a multiple of 4 KiB, where
        // consecutive rows would compete for the same L1 cache set.
        int S = Math.max(1, GRADIENT_BLOCK / B), ldT = S * B + 16;
        float[] dhgT = packedT == null ? null : new float[GH * ldT], dhT = packedT == null ? null : new float[BH];

        for (int t = T - 1; t >= 0; t--) {
            // the output at step t is h_{t+1}; padding outputs are constants
            if (active == null) K.add(dh, 0, dY, t * BH, dh, 0, BH);
            else for (int b = 0; b < B; b++) if (active[t * B + b]) K.add(dh, b * H, dY, t * BH + b * H, dh, b * H, H);
            step.backward(B, H, dh, 0, dc, 0, hs, t * BH, cs, t * BH, cs, (t + 1) * BH, cache, t * B * CW,
                    dxg, t * BG, dhg, t * BG, dhPrev, 0, dcPrev, 0);
            if (active != null) {
                for (int b = 0; b < B; b++) {
                    if (active[t * B + b]) continue; // a finished sequence passes its gradient straight through
                    Arrays.fill(dxg, t * BG + b * GH, t * BG + (b + 1) * GH, 0f);
                    if (dhg != dxg) Arrays.fill(dhg, t * BG + b * GH, t * BG + (b + 1) * GH, 0f);
                    System.arraycopy(dh, b * H, dhPrev, b * H, H);
                    if (cell) System.arraycopy(dc, b * H, dcPrev, b * H, H);
                }
            }
            // dL/dh_t += dL/dhg_t W_hh
            if (packedT == null) {
                GEMM.sgemm(false, false, B, H, GH, 1f, dhg, t * BG, GH, w, 0, H, 1f, dhPrev, 0, H);
            } else { // transposed, with W_hh^T packed once for all steps: (dL/dh_t)^T += W_hh^T (dL/dhg_t)^T
                int t0 = t / S * S, col = (t - t0) * B;
                transpose(dhg, t * BG, B, GH, GH, dhgT, col, ldT);
                packedT.multiply(B, dhgT, col, ldT, dhT);
                transposeAdd(dhT, H, B, dhPrev);
                if (t == t0) { // the block of steps [t0, t0 + S) is complete
                    int cols = (Math.min(T, t0 + S) - t0) * B;
                    if (dw != null) GEMM.sgemm(false, false, GH, H, cols, 1f, dhgT, 0, ldT, hs, t0 * BH, H, 1f, dw, 0, H);
                    if (db != null) for (int j = 0; j < GH; j++) db[j] += K.sum(dhgT, j * ldT, cols);
                }
            }
            float[] swap = dh;
            dh = dhPrev;
            dhPrev = swap;
            if (cell) {
                swap = dc;
                dc = dcPrev;
                dcPrev = swap;
            }
        }

        Tensor[] grads = new Tensor[5];
        grads[0] = Tensor.of(dxg, T, B, GH);
        // W_hh and b_hh are shared by all steps: their gradients are sums over them (here one GEMM, when not by blocks)
        if (dw != null) {
            if (dhgT == null && T * B > 0) GEMM.sgemm(true, false, GH, H, T * B, 1f, dhg, 0, GH, hs, 0, H, 0f, dw, 0, H);
            grads[1] = Tensor.of(dw, GH, H);
        }
        if (db != null) {
            if (dhgT == null) for (int r = 0; r < T * B; r++) K.add(db, 0, dhg, r * GH, db, 0, GH);
            grads[2] = Tensor.of(db, GH);
        }
        grads[3] = Tensor.of(dh, B, H);
        if (cell) grads[4] = Tensor.of(dc, B, H);
        return grads;
    }

    /**
     * A weight matrix op(W) (m x k) packed once for the products of all time steps, op(W) times a [k, n] matrix.
     *
     * <p>Why: a step's product is small (batch rows) but reads all of W_hh. Through plain sgemm, W_hh is the
     * B operand and gets packed again at every step: a strided copy of 4 MB per step at hidden size 512, which
     * cost more than the arithmetic. Transposed, W_hh is the A operand, which {@link GemmKernels#packA} packs once
     * per sequence; the transposes of h and of the result are batch x hidden, a small fraction of W_hh.
     * The rows are packed in one chunk per core, so the product splits across cores without re-packing.
     */
    private static final class PackedWeight {
        /** Below this batch, the zero-padded columns of the packed micro-kernel waste more than packing saves. */
        private static final int MIN_BATCH = 8;

        final int m, k;
        final int[] start;       // chunk c covers rows [start[c], start[c + 1])
        final float[][] chunks;
        int[] rows = new int[0];  // row offsets of the right-hand matrix, cached for its row stride
        int rowsStride = -1;

        static boolean worthIt(int T, int B) {
            return T > 1 && B >= MIN_BATCH;
        }

        PackedWeight(boolean trans, int m, int k, float[] w) {
            this.m = m;
            this.k = k;
            int parts = Math.max(1, Math.min(Parallel.threads(), m / 64));
            start = new int[parts + 1];
            for (int c = 1; c <= parts; c++) start[c] = c == parts ? m : (int) ((long) m * c / parts) / 16 * 16;
            chunks = new float[parts][];
            int lda = trans ? m : k;
            for (int c = 0; c < parts; c++) {
                int rows = start[c + 1] - start[c];
                chunks[c] = new float[GEMM.packedASize(rows, k)];
                // op(W) rows [start, end): W's rows when not transposed, its columns when transposed
                GEMM.packA(trans, rows, k, 1f, w, trans ? start[c] : start[c] * lda, lda, chunks[c], 0);
            }
        }

        /** c[m, n] = op(W) b, with b [k, n] at b[bOff + p * ldb + j], and c [m, n] dense row-major. */
        void multiply(int n, float[] b, int bOff, int ldb, float[] c) {
            if (rowsStride != ldb) {
                rows = new int[k];
                for (int p = 0; p < k; p++) rows[p] = p * ldb;
                rowsStride = ldb;
            }
            int[] r = rows;
            Parallel.forRange(chunks.length, 1, (from, to) -> {
                for (int ch = from; ch < to; ch++) {
                    GEMM.sgemmPackedRows(start[ch + 1] - start[ch], n, k, chunks[ch], 0, b, bOff, r, 0f, c, start[ch] * n, n);
                }
            });
        }
    }

    // The transposes below go in 16 x 16 tiles, each inner loop reading or writing one contiguous 64-byte line.
    // Batch-major rows are hidden or 4*hidden floats apart, a multiple of 4 KiB at the usual sizes: a plain
    // loop that walks down such a column keeps 32 lines of one L1 set alive and misses on every access.

    /** out[j * ldo + i] = x[xOff + i * ldx + j] for i < r, j < cols. */
    private static void transpose(float[] x, int xOff, int r, int cols, int ldx, float[] out, int outOff, int ldo) {
        for (int j0 = 0; j0 < cols; j0 += 16) {
            int j1 = Math.min(cols, j0 + 16);
            for (int i = 0; i < r; i++) {
                int src = xOff + i * ldx, dst = outOff + i;
                for (int j = j0; j < j1; j++) out[dst + j * ldo] = x[src + j];
            }
        }
    }

    /** hg[b, j] = hgT[j, b] + bias[j] (bias may be null): the recurrent pre-activations back in batch-major order. */
    private static void transposeAddBias(float[] hgT, int GH, int B, float[] bias, float[] hg) {
        for (int j0 = 0; j0 < GH; j0 += 16) {
            int j1 = Math.min(GH, j0 + 16);
            for (int b = 0; b < B; b++) {
                int dst = b * GH;
                if (bias == null) for (int j = j0; j < j1; j++) hg[dst + j] = hgT[j * B + b];
                else for (int j = j0; j < j1; j++) hg[dst + j] = hgT[j * B + b] + bias[j];
            }
        }
    }

    /** dh[b, j] += dhT[j, b]. */
    private static void transposeAdd(float[] dhT, int H, int B, float[] dh) {
        for (int j0 = 0; j0 < H; j0 += 16) {
            int j1 = Math.min(H, j0 + 16);
            for (int b = 0; b < B; b++) {
                int dst = b * H;
                for (int j = j0; j < j1; j++) dh[dst + j] += dhT[j * B + b];
            }
        }
    }

    private static boolean[] activeMask(int[] lengths, int T, int B) {
        if (lengths == null) return null;
        if (lengths.length != B) {
            throw new IllegalArgumentException("recurrence: " + lengths.length + " lengths given for a batch of " + B);
        }
        boolean[] active = new boolean[T * B];
        for (int b = 0; b < B; b++) {
            if (lengths[b] < 1 || lengths[b] > T) {
                throw new IllegalArgumentException("recurrence: length " + lengths[b] + " of sequence " + b + " is outside [1, " + T + "]");
            }
            for (int t = 0; t < lengths[b]; t++) active[t * B + b] = true;
        }
        return active;
    }

    private static void checkState(String name, Tensor s, int B, int H) {
        if (s == null || s.dim() != 2 || s.size(0) != B || s.size(1) != H) {
            throw new IllegalArgumentException("recurrence: " + name + " must have shape [" + B + ", " + H + "], got "
                    + (s == null ? "null" : Shape.str(s.shape())));
        }
    }
}
