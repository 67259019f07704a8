package dev.jgrad.bench;

/**
 * One benchmark workload, matching a workload of the PyTorch peer script torch_bench.py by name and shapes.
 * It prints lines through {@link Bench#emit} in the peer's form: {@code workload=<name> metric=<value> unit=<unit>}.
 */
public interface Workload {
    /** The peer's sub-command name, e.g. "sgemm" or "lstm_lm_train". */
    String name();

    /** Runs the workload; {@code quick} means fewer iterations, for smoke tests only. */
    void run(boolean quick);

    /**
     * The floating-point operations behind one unit of this workload's first metric (the first line it
     * emits): per token for tokens/s, per image for images/s, 1e9 for GFLOP/s. {@code jgrad bench} turns it
     * into GFLOP/s and a fraction of the machine's FMA peak. Counted from the shapes, as {@link FlopCounts}
     * says what it counts.
     *
     * @return FLOPs per unit, or 0 when the workload has no FLOP count
     */
    default double flopsPerUnit() {
        return 0;
    }
}
