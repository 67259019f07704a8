package dev.jgrad.spark;

import dev.jgrad.nn.Module;
import dev.jgrad.nn.Parameter;
import dev.jgrad.optim.LRScheduler;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.Optimization;
import dev.jgrad.train.Shard;
import dev.jgrad.train.StepOutcome;
import dev.jgrad.train.StepOutput;
import dev.jgrad.train.TaskFactory;
import dev.jgrad.train.TaskState;
import dev.jgrad.train.TrainingStep;
import dev.jgrad.train.TrainingTask;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The executor side of data-parallel training: each executor JVM builds a worker's task replica once per fit and
 * keeps it, but every round starts it afresh from what the driver sends (weights, optimizer state, the replica's
 * resume state), so a retried task, on this executor or another, computes exactly what the failed one would have.
 */
final class Replicas {
    /** A worker's task, its optimization, and its resume state as built (the state of its first round). */
    private record Replica(TrainingTask task, Optimization optimization, StateBlob initialState) {}

    private static final ConcurrentMap<String, Replica> REPLICAS = new ConcurrentHashMap<>();

    private Replicas() {}

    /** Forgets the replicas of fit {@code runId} in this JVM. */
    static void forget(String runId) {
        REPLICAS.keySet().removeIf(k -> k.startsWith(runId + "/"));
    }

    /** Worker {@code work.shard()}'s part of round {@code plan}: its gradients, or its weights after local steps. */
    static Round.Result run(TaskFactory factory, Round.Plan plan, Round.ShardWork work) {
        long t0 = System.nanoTime();
        Replica r = REPLICAS.computeIfAbsent(plan.runId() + "/" + work.shard(), k -> create(factory, new Shard(work.shard(), work.shards()), plan.totalSteps()));
        TrainingTask task = r.task();
        Module model = task.model();
        model.loadStateDict(plan.model().tensors());
        if (plan.localSgd()) {
            r.optimization().optimizer().loadStateDict(plan.optimizer().tensors());
            LRScheduler scheduler = r.optimization().scheduler();
            if (scheduler != null) scheduler.loadStateDict(plan.scheduler().tensors());
        }
        task.loadState((work.state() != null ? work.state() : r.initialState()).taskState(), plan.firstStep());
        task.trainMode();

        Round.Result out = new Round.Result();
        out.workers = 1;
        int n = plan.count();
        out.lossSum = new double[n];
        out.normSum = new double[n];
        out.lr = new double[n];
        out.units = new long[n];
        long perEpoch = task.stepsPerEpoch(), totalUnits = 0;
        for (int i = 0; i < n; i++) {
            long step = plan.firstStep() + i;
            if (step % perEpoch == 0) task.onEpochStart(step / perEpoch);
            StepOutput o = TrainingStep.computeGradients(task, r.optimization().optimizer(), step);
            float loss = o.loss().item();
            Map<String, Double> metrics = o.metrics();
            if (plan.localSgd()) {
                StepOutcome done = TrainingStep.apply(model, r.optimization(), plan.gradientClip(), step, loss, o.units(), metrics);
                out.normSum[i] = done.gradNorm();
                out.lr[i] = done.lr();
            }
            out.lossSum[i] = (double) loss * o.units();
            out.units[i] = o.units();
            totalUnits += o.units();
            for (Map.Entry<String, Double> m : metrics.entrySet()) {
                out.metricSums.computeIfAbsent(m.getKey(), k -> new double[n])[i] = m.getValue() * o.units();
            }
        }
        if (plan.localSgd()) {
            out.model.add(StateBlob.of(model.stateDict(), Map.of()), totalUnits);
            out.optimizer.add(StateBlob.of(r.optimization().optimizer().stateDict(), Map.of()), totalUnits);
            LRScheduler scheduler = r.optimization().scheduler();
            out.scheduler = StateBlob.of(scheduler == null ? Map.of() : scheduler.stateDict(), Map.of());
        } else {
            out.model.add(StateBlob.of(gradients(model), Map.of()), totalUnits);
            out.buffers.add(StateBlob.of(buffers(model), Map.of()), totalUnits);
        }
        TaskState state = TaskState.of(Map.of(), Map.of());
        task.saveState(state);
        out.states.put(work.shard(), StateBlob.of(state));
        out.computeSeconds = (System.nanoTime() - t0) / 1e9;
        out.bytes = 4L * (out.model.length() + out.buffers.length() + out.optimizer.length());
        return out;
    }

    private static Replica create(TaskFactory factory, Shard shard, long totalSteps) {
        TrainingTask task;
        try {
            task = factory.create(shard);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the task of " + shard + ": " + e.getMessage(), e);
        }
        Optimization optimization = task.configureOptimizers(totalSteps);
        TaskState initial = TaskState.of(Map.of(), Map.of());
        task.saveState(initial);
        return new Replica(task, optimization, StateBlob.of(initial));
    }

    /** Each parameter's gradient, by name (zeros for a parameter the step did not reach). */
    static Map<String, Tensor> gradients(Module model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Tensor g = e.getValue().grad();
            out.put(e.getKey(), g == null ? Tensor.zeros(e.getValue().shape()) : g);
        }
        return out;
    }

    /** The model's state entries that are not parameters: buffers such as batch-norm statistics. */
    static Map<String, Tensor> buffers(Module model) {
        Map<String, Tensor> out = new LinkedHashMap<>(model.stateDict());
        out.keySet().removeAll(model.namedParameters().keySet());
        return out;
    }
}
