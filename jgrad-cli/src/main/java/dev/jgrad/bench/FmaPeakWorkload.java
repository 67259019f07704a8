package dev.jgrad.bench;

import dev.jgrad.kernels.Parallel;
import java.util.Locale;

/**
 * {@code fma_peak}: this machine's FMA peak as jgrad reaches it, on 1 thread and on all of jgrad's threads
 * ({@link FmaPeak}), in the form of ../shared/peers/fma_peak512.c ({@code workload=fma_peak_T<threads>}). Not a
 * workload of the PyTorch peer: it is the yardstick for the others.
 */
public final class FmaPeakWorkload implements Workload {
    @Override
    public String name() {
        return "fma_peak";
    }

    @Override
    public void run(boolean quick) {
        FmaPeak.Result one = FmaPeak.measure(1, quick);
        FmaPeak.Result all = Parallel.threads() > 1 ? FmaPeak.measure(Parallel.threads(), quick) : one;
        Bench.info(String.format(Locale.ROOT, "fma_peak FloatVector %d-bit (%d lanes), %d independent FMA chains per thread,"
                + " best of %s timed runs; checksums %.4f %.4f", one.vectorBits(), one.lanes(), FmaChains.CHAINS,
                quick ? "2 short" : "5", one.checksum(), all.checksum()));
        Bench.emit("fma_peak_T1", one.gflops(), "GFLOP/s");
        if (all != one) Bench.emit("fma_peak_T" + all.threads(), all.gflops(), "GFLOP/s");
    }
}
