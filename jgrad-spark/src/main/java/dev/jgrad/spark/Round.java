package dev.jgrad.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One round of data-parallel training: what the driver sends ({@link Plan}, broadcast, and a {@link ShardWork} per
 * worker) and what comes back ({@link Result}, merged by a tree reduce).
 */
final class Round {
    private Round() {}

    /**
     * What every worker of the round needs.
     *
     * @param runId          names the fit, so that executors keep its replicas apart from other fits'
     * @param localSgd       take {@code count} optimizer steps on the shard (local SGD), or compute one step's gradient
     * @param firstStep      the round's first step, counting from 0
     * @param count          steps in the round (1 for synchronous gradients)
     * @param totalSteps     the run's length, which the replicas' schedules are built for
     * @param gradientClip   the trainer's clipping bound (0: none), for local steps
     * @param model          the model's state dict
     * @param optimizer      the optimizer's state dict (local SGD)
     * @param scheduler      the schedule's state dict (local SGD; empty without a schedule)
     */
    record Plan(String runId, boolean localSgd, long firstStep, int count, long totalSteps, double gradientClip, StateBlob model,
                StateBlob optimizer, StateBlob scheduler) implements Serializable {}

    /**
     * One worker's part of the round.
     *
     * @param shard  the worker's number
     * @param shards the number of workers
     * @param state  the replica's resume state after the previous round; null before the first
     */
    record ShardWork(int shard, int shards, StateBlob state) implements Serializable {}

    /** The workers' results, merged. */
    static final class Result implements Serializable {
        /** Gradients (synchronous) or weights and buffers (local SGD), weighted by units. */
        Aggregate model = new Aggregate();
        /** Buffers after a synchronous step's forward pass (batch-norm statistics), weighted by units. */
        Aggregate buffers = new Aggregate();
        /** Optimizer state after local steps, weighted by units. */
        Aggregate optimizer = new Aggregate();
        /** The schedule's state after local steps (the same on every worker). */
        StateBlob scheduler;
        /** Per step of the round: sum over workers of units x loss, of units, of gradient norms; the learning rate. */
        double[] lossSum, normSum, lr;
        long[] units;
        /** Per step, the sum over workers of units x each metric. */
        Map<String, double[]> metricSums = new LinkedHashMap<>();
        /** Each worker's resume state after the round. */
        TreeMap<Integer, StateBlob> states = new TreeMap<>();
        /** The slowest worker's computing time, in seconds, and the bytes the workers sent. */
        double computeSeconds;
        long bytes;
        int workers;

        Result merge(Result o) {
            if (o.workers == 0) return this;
            if (workers == 0) return o;
            model.merge(o.model);
            buffers.merge(o.buffers);
            optimizer.merge(o.optimizer);
            if (scheduler == null) scheduler = o.scheduler;
            for (int s = 0; s < lossSum.length; s++) {
                lossSum[s] += o.lossSum[s];
                normSum[s] += o.normSum[s];
                units[s] += o.units[s];
            }
            for (Map.Entry<String, double[]> e : o.metricSums.entrySet()) {
                double[] mine = metricSums.computeIfAbsent(e.getKey(), k -> new double[lossSum.length]);
                for (int s = 0; s < mine.length; s++) mine[s] += e.getValue()[s];
            }
            states.putAll(o.states);
            computeSeconds = Math.max(computeSeconds, o.computeSeconds);
            bytes += o.bytes;
            workers += o.workers;
            return this;
        }
    }
}
