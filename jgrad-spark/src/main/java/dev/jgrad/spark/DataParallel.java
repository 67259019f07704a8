package dev.jgrad.spark;

import dev.jgrad.nn.Module;
import dev.jgrad.nn.Parameter;
import dev.jgrad.optim.LRScheduler;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.Optimization;
import dev.jgrad.train.Shard;
import dev.jgrad.train.StepOutcome;
import dev.jgrad.train.TaskFactory;
import dev.jgrad.train.TaskState;
import dev.jgrad.train.TrainerOptions;
import dev.jgrad.train.TrainingStep;
import dev.jgrad.train.TrainingStrategy;
import dev.jgrad.train.TrainingTask;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Data-parallel training on Spark, as a {@link TrainingStrategy} of jgrad-core's {@link dev.jgrad.train.Trainer}: the
 * trainer keeps the run (evaluation, checkpoints in its run directory, resume, listeners) on the driver; each round is
 * one Spark job over N workers, worker i training a replica of the task ({@link TaskFactory}) on its {@link
 * dev.jgrad.train.Shard} of every global batch. Two modes ({@link Options#syncEvery()}):
 * <ul>
 * <li><b>synchronous</b> (0): a round is one step. The driver broadcasts the weights; every worker computes the
 *     gradient of its shard; the gradients are summed by a tree reduce, weighted by the shards' units; the driver
 *     clips them and takes the optimizer step. The parameters follow single-process training on the same global
 *     batch to float32 rounding.</li>
 * <li><b>local SGD</b> (K &ge; 1): a round is K steps. The driver broadcasts weights, optimizer moments and schedule;
 *     every worker takes K optimizer steps on its shard; weights and moments are averaged (weighted by units). One
 *     round's communication then serves K steps.</li>
 * </ul>
 * A worker's replica starts each round from what the driver sends, including its own resume state from the round
 * before (an LSTM's carried state, a data generator), which the driver also writes into the run's checkpoints: a
 * task that fails is retried by Spark and computes the same result, and a killed driver resumes exactly.
 *
 * <p>Dropout masks on the workers come from each executor's default generator, so with dropout a distributed run
 * is not the single-process run, nor repeatable; without dropout it is both (up to rounding). Batch norm normalises
 * each worker's rows by their own batch statistics (as PyTorch's DistributedDataParallel without SyncBatchNorm), and
 * its running statistics, like every buffer, are the workers' averaged, weighted by units.
 */
public final class DataParallel implements TrainingStrategy {

    /**
     * How the work is spread.
     *
     * @param workers   data-parallel workers, each one shard of every batch; 0: one per executor core (Spark's default
     *                  parallelism)
     * @param syncEvery 0: synchronous gradients at every step; K &ge; 1: local SGD, averaging after K local steps
     */
    public record Options(int workers, int syncEvery) {
        public Options {
            if (workers < 0) throw new IllegalArgumentException("DataParallel: workers must be >= 0 (0: one per executor core), got " + workers);
            if (syncEvery < 0) throw new IllegalArgumentException("DataParallel: syncEvery must be >= 0 (0: synchronous gradients), got " + syncEvery);
        }

        /** One worker per executor core, synchronous gradients. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder named after the record's components. */
        public static final class Builder {
            private int workers, syncEvery;

            private Builder() {}

            /** See {@link Options#workers()}. */
            public Builder workers(int workers) { this.workers = workers; return this; }
            /** See {@link Options#syncEvery()}. */
            public Builder syncEvery(int steps) { this.syncEvery = steps; return this; }
            /** The options, checked. */
            public Options build() { return new Options(workers, syncEvery); }
        }
    }

    /**
     * Where the time of the rounds so far went.
     *
     * @param rounds          Spark jobs run
     * @param seconds         their wall time on the driver, from the broadcast to the applied result
     * @param computeSeconds  the sum over rounds of the slowest worker's own computing time
     * @param bytesPerRound   what the workers of one round sent back (gradients, or weights and moments)
     */
    public record Timings(long rounds, double seconds, double computeSeconds, long bytesPerRound) {
        /** Time not spent computing on the slowest worker: scheduling, serialization, transfer, reduction. */
        public double communicationSeconds() {
            return Math.max(0, seconds - computeSeconds);
        }
    }

    private final SparkSession session;
    private final boolean ownsSession;
    private final Options options;
    private final TaskFactory replicas;
    private JavaSparkContext sc;
    private Broadcast<TaskFactory> factory;
    private String runId;
    private int workers;
    private TrainingTask task;
    private Optimization optimization;
    private double gradientClip;
    private long totalSteps;
    private StateBlob[] states;
    private long rounds, bytesPerRound;
    private double seconds, computeSeconds;
    private java.util.function.Consumer<Timings> report = t -> {};

    /** Trains on {@code session}'s executors (the session stays open after the fit). */
    public DataParallel(SparkSession session, Options options, TaskFactory replicas) {
        this(session, false, options, replicas);
    }

    /** As above; {@code ownsSession}: stop the session when the fit ends (the command line's own application). */
    public DataParallel(SparkSession session, boolean ownsSession, Options options, TaskFactory replicas) {
        if (session == null || options == null || replicas == null) throw new IllegalArgumentException("DataParallel: session, options and replicas must not be null");
        this.session = session;
        this.ownsSession = ownsSession;
        this.options = options;
        this.replicas = replicas;
    }

    /** The number of workers: the given one, or one per executor core. */
    public int workers() {
        return SparkConnector.workers(session.sparkContext(), options.workers());
    }

    @Override
    public int stepsPerRound() {
        return Math.max(1, options.syncEvery());
    }

    /** Hands the fit's {@link Timings} to {@code report} when the fit ends (the command line prints them). */
    public DataParallel onClose(java.util.function.Consumer<Timings> report) {
        this.report = report == null ? t -> {} : report;
        return this;
    }

    /** Where the time went, so far. */
    public Timings timings() {
        return new Timings(rounds, seconds, computeSeconds, bytesPerRound);
    }

    @Override
    public void setup(TrainingTask task, Optimization optimization, TrainerOptions trainerOptions, long totalSteps) {
        this.task = task;
        this.optimization = optimization;
        this.gradientClip = trainerOptions.gradientClip();
        this.totalSteps = totalSteps;
        this.sc = JavaSparkContext.fromSparkContext(session.sparkContext());
        this.workers = workers();
        this.runId = UUID.randomUUID().toString();
        this.factory = sc.broadcast(replicas);
        this.states = new StateBlob[workers];
        rounds = bytesPerRound = 0;
        seconds = computeSeconds = 0;
    }

    @Override
    public List<StepOutcome> run(long firstStep, int count) {
        long t0 = System.nanoTime();
        Module model = task.model();
        boolean localSgd = options.syncEvery() > 0;
        LRScheduler scheduler = optimization.scheduler();
        Round.Plan plan = new Round.Plan(runId, localSgd, firstStep, count, totalSteps, gradientClip, StateBlob.of(model.stateDict(), Map.of()),
                localSgd ? StateBlob.of(optimization.optimizer().stateDict(), Map.of()) : null,
                localSgd ? StateBlob.of(scheduler == null ? Map.of() : scheduler.stateDict(), Map.of()) : null);
        Broadcast<Round.Plan> shared = sc.broadcast(plan);
        List<Round.ShardWork> work = new ArrayList<>();
        for (int i = 0; i < workers; i++) work.add(new Round.ShardWork(i, workers, states[i]));
        Broadcast<TaskFactory> f = factory;
        Round.Result r;
        try {
            JavaRDD<Round.ShardWork> shards = sc.parallelize(work, workers);
            r = shards.treeAggregate(new Round.Result(), (acc, w) -> acc.merge(Replicas.run(f.value(), shared.value(), w)), Round.Result::merge);
        } catch (Exception e) { // Spark's own exceptions are checked ones, thrown undeclared
            throw SparkErrors.userError(e);
        } finally {
            shared.destroy();
        }
        if (r.workers != workers) throw new IllegalStateException("the round had results of " + r.workers + " workers, expected " + workers);
        for (Map.Entry<Integer, StateBlob> e : r.states.entrySet()) states[e.getKey()] = e.getValue();

        List<StepOutcome> out = new ArrayList<>(count);
        if (localSgd) {
            model.loadStateDict(r.model.mean());
            optimization.optimizer().loadStateDict(r.optimizer.mean());
            for (int i = 0; i < count; i++) {
                if (scheduler != null) scheduler.step();
                out.add(new StepOutcome((float) (r.lossSum[i] / r.units[i]), r.normSum[i] / workers, r.lr[i],
                        r.units[i], metrics(r, i)));
            }
        } else {
            Map<String, Tensor> grads = r.model.mean();
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) e.getValue().setGrad(grads.get(e.getKey()));
            Map<String, Tensor> buffers = r.buffers.mean();
            if (!buffers.isEmpty()) {
                Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
                state.putAll(buffers);
                model.loadStateDict(state);
            }
            out.add(TrainingStep.apply(model, optimization, gradientClip, firstStep, (float) (r.lossSum[0] / r.units[0]), r.units[0], metrics(r, 0)));
        }
        rounds++;
        seconds += (System.nanoTime() - t0) / 1e9;
        computeSeconds += r.computeSeconds;
        bytesPerRound = r.bytes;
        return out;
    }

    private static Map<String, Double> metrics(Round.Result r, int step) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : r.metricSums.entrySet()) out.put(e.getKey(), e.getValue()[step] / r.units[step]);
        return out;
    }

    /** The workers' resume states, each under its shard's prefix, and their number. */
    @Override
    public void saveState(TaskState state) {
        state.put(Shard.WORKERS_KEY, Integer.toString(workers));
        for (int i = 0; i < workers; i++) {
            if (states[i] == null) continue;
            String prefix = new Shard(i, workers).statePrefix();
            for (Map.Entry<String, Tensor> e : states[i].tensors().entrySet()) state.putTensor(prefix + e.getKey(), e.getValue());
            for (Map.Entry<String, String> e : states[i].strings().entrySet()) state.put(prefix + e.getKey(), e.getValue());
        }
    }

    @Override
    public void loadState(TaskState state, long step) {
        String saved = state.get(Shard.WORKERS_KEY);
        if (saved == null) {
            if (step == 0) return;
            throw new IllegalArgumentException("the checkpoint was written by a single process, not by data-parallel workers; resume it without --spark");
        }
        if (Integer.parseInt(saved) != workers) {
            throw new IllegalArgumentException("the checkpoint was written by " + saved + " data-parallel workers, and this run has " + workers
                    + "; resume with --workers " + saved);
        }
        for (int i = 0; i < workers; i++) {
            String prefix = new Shard(i, workers).statePrefix();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> strings = new LinkedHashMap<>();
            state.tensors().forEach((k, v) -> { if (k.startsWith(prefix)) tensors.put(k.substring(prefix.length()), v); });
            state.strings().forEach((k, v) -> { if (k.startsWith(prefix)) strings.put(k.substring(prefix.length()), v); });
            states[i] = tensors.isEmpty() && strings.isEmpty() ? null : StateBlob.of(tensors, strings);
        }
    }

    @Override
    public void close() {
        if (rounds > 0) report.accept(timings());
        if (runId != null) {
            Replicas.forget(runId); // executors in this JVM (local[N]); a cluster's go with the application
            if (factory != null) factory.destroy();
        }
        if (ownsSession) session.stop();
    }
}
