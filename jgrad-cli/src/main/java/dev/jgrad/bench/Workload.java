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
}
