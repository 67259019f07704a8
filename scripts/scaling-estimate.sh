#!/usr/bin/env bash
# Expected data-parallel scaling to N machines, from per-round costs measured on this machine.
# Every input is an argument-free constant below, each with where it was measured; change them to
# your own measurements (scripts/spark-scaling.sh prints the communication time per round).
#
# Model of one round, at the busiest node (the driver, and each of the sqrt(N) aggregators of Spark's
# two-level treeAggregate, receive about sqrt(N) messages; the broadcast leaves the driver about once):
#   round(N) = FIXED + (2 * sqrt(N) + 1) * MB * COST_PER_MB
# Weak scaling: every machine keeps the single machine's batch, so a synchronous step moves the same
# bytes as a round and N machines process N batches per step; local SGD moves 3x the bytes (weights and
# Adam's two moments) once every K steps.
set -euo pipefail

FIXED=0.173        # s: a Spark job's fixed cost per round, fitted to the two charlm rounds measured in local[2]
SER_PER_MB=0.0096  # s/MB: (376 ms - 240 ms) / (21.1 MB - 7.0 MB), the same two rounds (serialization on these cores)
NET_PER_MB=0.008   # s/MB: 1 Gbit/s Ethernet between machines (local[2] has no network)

estimate() { # name, model MB, step seconds on one machine, tokens per step
    awk -v name="$1" -v mb="$2" -v step="$3" -v tok="$4" -v fixed="$FIXED" -v c="$(awk -v a=$SER_PER_MB -v b=$NET_PER_MB 'BEGIN{print a+b}')" 'BEGIN {
        one = tok / step
        printf "| %s | 1 machine | %.2f s | - | %.0f | 1.0x |\n", name, step, one
        split("8 64", ns, " ")
        for (i = 1; i <= 2; i++) {
            n = ns[i]; r = fixed + (2 * sqrt(n) + 1) * mb * c
            s = step + r
            printf "| %s | %d, synchronous | %.2f s | %.2f s | %.0f | %.1fx |\n", name, n, s, r, n * tok / s, n * tok / s / one
            r3 = fixed + (2 * sqrt(n) + 1) * 3 * mb * c; k = 32
            s = step + r3 / k
            printf "| %s | %d, local SGD K=32 | %.2f s | %.2f s | %.0f | %.1fx |\n", name, n, s, r3, n * tok / s, n * tok / s / one
        }
    }'
}

echo "| model | machines, mode | time per step | round | tokens/s | vs 1 machine |"
echo "|---|---|---:|---:|---:|---:|"
# charlm: 876,929 parameters = 3.5 MB; 32 x 64 tokens a step at 10,486 tokens/s (single process, 2 threads, README table)
estimate "char LM" 3.51 0.195 2048
# translation Transformer: 7,586,624 parameters = 30.3 MB; ~1,415 target tokens a step at ~1,520 target tokens/s
# (the transformer_train workload's rate on this machine, 2 threads)
estimate "Transformer" 30.35 0.93 1415
