package dev.jgrad.spark;

import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.LambdaLR;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.FitResult;
import dev.jgrad.train.LocalStrategy;
import dev.jgrad.train.LrSchedules;
import dev.jgrad.train.Optimization;
import dev.jgrad.train.Shard;
import dev.jgrad.train.StepOutput;
import dev.jgrad.train.TaskFactory;
import dev.jgrad.train.TaskState;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.TrainerOptions;
import dev.jgrad.train.TrainingStrategy;
import dev.jgrad.train.TrainingTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data-parallel training through the Trainer on Spark local[2] (with task retries): both modes, a failed task, resume. */
class DataParallelTest {
    static SparkConnector.Connection spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkConnector.open("local[2,3]", "jgrad data-parallel tests", SparkConnector.DEFAULT_TIMEOUT, List.of());
    }

    @AfterAll
    static void stop() {
        spark.close();
    }

    /** Set to make shard 1's replica throw once, at step {@link #FAIL_STEP}: a task failure in the middle of a run. */
    static final AtomicBoolean FAIL_ONCE = new AtomicBoolean();
    static final long FAIL_STEP = 3;

    /**
     * Regression of a small MLP onto a fixed nonlinear target: each step draws a global batch of 8 rows from the task's
     * generator (its resume state) and trains on its shard's rows.
     */
    static class Regression implements TrainingTask {
        final Shard shard;
        final Module model;
        final Linear hidden, out;
        final Generator data = new Generator(11);

        @SuppressWarnings("this-escape")
        Regression(Shard shard) {
            this.shard = shard;
            Generator init = new Generator(5);
            hidden = new Linear(4, 16, true, init);
            out = new Linear(16, 1, true, init);
            model = new Module() {};
            model.registerModule("hidden", hidden);
            model.registerModule("out", out);
        }

        Tensor forward(Tensor x) {
            return out.forward(hidden.forward(x).tanh());
        }

        static Tensor target(Tensor x) {
            return x.matmul(Tensor.of(new float[] {1, -2, 0.5f, 3}, 4, 1)).tanh();
        }

        static Tensor batch(Generator g, int n) {
            float[] x = new float[n * 4];
            for (int i = 0; i < x.length; i++) x[i] = (float) g.nextGaussian();
            return Tensor.of(x, n, 4);
        }

        @Override public Module model() { return model; }
        @Override public long stepsPerEpoch() { return 5; }

        @Override
        public Optimization configureOptimizers(long totalSteps) {
            Adam adam = new Adam(model.parameters(), Adam.options(0.02));
            return new Optimization(adam, new LambdaLR(adam, LrSchedules.warmupCosine(2, totalSteps, 0.1)));
        }

        @Override
        public StepOutput trainingStep(long step) {
            if (step == FAIL_STEP && shard.index() == 1 && FAIL_ONCE.compareAndSet(true, false)) {
                throw new IllegalStateException("an executor lost mid-round (injected by the test)");
            }
            Tensor x = shard.rows(batch(data, 8));
            return StepOutput.of(Functional.mseLoss(forward(x), target(x)), x.size(0));
        }

        @Override
        public Map<String, Double> validate() {
            Tensor x = batch(new Generator(99), 64);
            return Map.of("loss", (double) Functional.mseLoss(forward(x), target(x)).item());
        }

        @Override
        public void saveState(TaskState state) {
            state.putGenerator("rng.data", data);
        }

        @Override
        public void loadState(TaskState state, long step) {
            state.restoreGenerator("rng.data", data);
        }
    }

    /**
     * {@link Regression} with batch norm after the hidden layer. Its {@link Shard#WHOLE} task with {@code perShard} set
     * is what N synchronous workers promise to compute in one process: each shard's rows normalised by their own batch
     * statistics (PyTorch's DistributedDataParallel without SyncBatchNorm), the loss the rows-weighted mean of the
     * shards', and the running statistics the rows-weighted mean of the shards' updates.
     */
    static final class Normed extends Regression {
        final BatchNorm1d norm = new BatchNorm1d(16);
        final int perShard;

        @SuppressWarnings("this-escape")
        Normed(Shard shard, int perShard) {
            super(shard);
            this.perShard = perShard;
            model.registerModule("norm", norm);
        }

        @Override
        Tensor forward(Tensor x) {
            return out.forward(norm.forward(hidden.forward(x)).tanh());
        }

        @Override
        public StepOutput trainingStep(long step) {
            if (perShard == 0) return super.trainingStep(step);
            Tensor x = batch(data, 8), loss = null;
            Map<String, Tensor> before = new LinkedHashMap<>(), stats = new LinkedHashMap<>();
            Replicas.buffers(model).forEach((name, t) -> before.put(name, t.clone())); // the live buffers change with each forward
            for (int k = 0; k < perShard; k++) {
                model.loadStateDict(before, false);
                Tensor rows = new Shard(k, perShard).rows(x);
                float weight = rows.size(0) / 8f;
                Tensor part = Functional.mseLoss(forward(rows), target(rows)).mul(weight);
                loss = loss == null ? part : loss.add(part);
                Replicas.buffers(model).forEach((name, t) -> stats.merge(name, t.mul(weight), Tensor::add));
            }
            model.loadStateDict(stats, false);
            return StepOutput.of(loss, 8);
        }
    }

    static final TaskFactory REPLICAS = Regression::new;

    static TrainerOptions.Builder options(int steps) {
        return TrainerOptions.builder().epochs(100).maxSteps(steps).gradientClip(1.0);
    }

    static Regression fit(TrainingStrategy strategy, TrainerOptions options) throws IOException {
        Regression task = new Regression(Shard.WHOLE);
        new Trainer(options).strategy(strategy).fit(task);
        return task;
    }

    static DataParallel parallel(int syncEvery) {
        return new DataParallel(spark.session(), DataParallel.Options.builder().workers(2).syncEvery(syncEvery).build(), REPLICAS);
    }

    static void assertClose(Regression expected, Regression actual, float tolerance) {
        Map<String, Tensor> a = expected.model.stateDict(), b = actual.model.stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            float[] x = a.get(k).toArray(), y = b.get(k).toArray();
            for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], tolerance * (1 + Math.abs(x[i])), k + "[" + i + "]");
        }
    }

    @Test
    void synchronousGradientsFollowSingleProcessTraining() throws IOException {
        Regression single = fit(new LocalStrategy(), options(12).build());
        DataParallel dp = parallel(0);
        Regression spread = fit(dp, options(12).build());
        assertClose(single, spread, 1e-5f);
        assertEquals(12, dp.timings().rounds());
        assertTrue(dp.timings().bytesPerRound() > 0);
    }

    @Test
    void synchronousBatchNormNormalisesEachShardByItsOwnStatisticsAndAveragesTheRunningOnes() throws IOException {
        Normed reference = new Normed(Shard.WHOLE, 2);
        new Trainer(options(8).build()).fit(reference);
        Normed spread = new Normed(Shard.WHOLE, 0);
        new Trainer(options(8).build()).strategy(new DataParallel(spark.session(), DataParallel.Options.builder().workers(2).build(),
                shard -> new Normed(shard, 0))).fit(spread);
        assertClose(reference, spread, 1e-5f); // the weights, and the running statistics and batch count of the norm
        // Not the single process with statistics over the whole batch:
        Normed whole = new Normed(Shard.WHOLE, 0);
        new Trainer(options(8).build()).fit(whole);
        float[] a = whole.model.stateDict().get("norm.running_var").toArray(), b = spread.model.stateDict().get("norm.running_var").toArray();
        assertFalse(java.util.Arrays.equals(a, b));
    }

    @Test
    void localSgdAveragesEveryKStepsAndLearns() throws IOException {
        DataParallel dp = parallel(4);
        Regression task = new Regression(Shard.WHOLE);
        double before = task.validate().get("loss");
        FitResult r = new Trainer(options(20).build()).strategy(dp).fit(task);
        assertEquals(20, r.step());
        assertEquals(20, r.losses().size());
        // Rounds end at epoch ends (every 5 steps): 4 + 1 per epoch.
        assertEquals(8, dp.timings().rounds());
        assertTrue(r.last().metric("loss") < 0.5 * before, before + " -> " + r.last().metric("loss"));
    }

    @Test
    void aTaskThatFailsMidRoundIsRetriedAndTheRunEndsAsIfNot() throws IOException {
        Regression clean = fit(parallel(0), options(6).build());
        FAIL_ONCE.set(true);
        Regression retried = fit(parallel(0), options(6).build());
        assertFalse(FAIL_ONCE.get(), "the injected failure happened");
        for (String k : clean.model.stateDict().keySet()) {
            assertArrayEquals(clean.model.stateDict().get(k).toArray(), retried.model.stateDict().get(k).toArray(), k);
        }
    }

    @Test
    void aStoppedDriverResumesFromTheRunDirectoryExactly() throws IOException {
        Regression whole = fit(parallel(2), options(10).build());
        Path dir = tmp.resolve("run");
        fit(parallel(2), options(10).runDirectory(dir).stopAt(5).build());
        Regression resumed = fit(parallel(2), options(10).runDirectory(dir).resume(true).build());
        for (String k : whole.model.stateDict().keySet()) {
            assertArrayEquals(whole.model.stateDict().get(k).toArray(), resumed.model.stateDict().get(k).toArray(), k);
        }
    }
}
