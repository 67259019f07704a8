package dev.jgrad.train;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.LambdaLR;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

    @TempDir
    Path tmp;

    /** A linear model behind dropout, so the default generator matters. */
    @SuppressWarnings("this-escape")
    static final class Toy extends Module {
        final Linear linear;

        Toy(long seed) {
            linear = registerModule("linear", new Linear(4, 1, true, new Generator(seed)));
        }

        Tensor forward(Tensor x) {
            return linear.forward(Functional.dropout(x, 0.25, isTraining()));
        }
    }

    /**
     * Regression onto a fixed linear target from random inputs drawn by the task's own generator (saved for resume),
     * evaluated on a fixed set. {@code validation} replaces the measured loss with a scripted value per evaluation.
     */
    static final class ToyTask implements TrainingTask {
        final Toy model = new Toy(7);
        final Generator data = new Generator(11);
        final long perEpoch;
        LongFunction<Double> validation;
        long nanAt = -1;
        String metric = "loss";
        int evaluations;
        double lr = 0.05;

        ToyTask(long perEpoch) {
            this.perEpoch = perEpoch;
        }

        @Override public Module model() { return model; }
        @Override public long stepsPerEpoch() { return perEpoch; }

        @Override
        public Optimization configureOptimizers(long totalSteps) {
            Adam adam = new Adam(model.parameters(), Adam.options(lr));
            return new Optimization(adam, new LambdaLR(adam, LrSchedules.warmupCosine(2, totalSteps, 0.1)));
        }

        private Tensor batch(Generator g, int n) {
            float[] x = new float[n * 4];
            for (int i = 0; i < x.length; i++) x[i] = (float) g.nextGaussian();
            return Tensor.of(x, n, 4);
        }

        private Tensor target(Tensor x) {
            return x.matmul(Tensor.of(new float[] {1, -2, 0.5f, 3}, 4, 1));
        }

        @Override
        public StepOutput trainingStep(long step) {
            Tensor x = batch(data, 8);
            Tensor loss = Functional.mseLoss(model.forward(x), target(x));
            if (step == nanAt) loss = loss.mul(Float.NaN);
            return StepOutput.of(loss, 8);
        }

        @Override
        public Map<String, Double> validate() {
            evaluations++;
            if (validation != null) return Map.of(metric, validation.apply(evaluations));
            model.eval();
            Tensor x = batch(new Generator(99), 32);
            return Map.of(metric, (double) Functional.mseLoss(model.forward(x), target(x)).item());
        }

        @Override
        public Map<String, String> config() {
            return Map.of("lr", Double.toString(lr));
        }

        @Override
        public Map<String, String> modelMetadata() {
            return Map.of("model", "toy");
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

    /** A task whose scripted validation metric is called accuracy. */
    private static ToyTask accuracy(ToyTask t) {
        t.metric = "accuracy";
        return t;
    }

    private static TrainerOptions.Builder options(Path dir) {
        return TrainerOptions.builder().runDirectory(dir).epochs(3).evalEverySteps(4).gradientClip(1.0);
    }

    @Test
    void aStoppedAndResumedRunEqualsAnUninterruptedOneBitForBit() throws IOException {
        Generator.manualSeed(1);
        FitResult straight = new Trainer(options(tmp.resolve("straight")).build()).fit(new ToyTask(5));
        assertEquals(StopReason.COMPLETED, straight.reason());
        assertEquals(15, straight.step());

        Generator.manualSeed(1);
        Path dir = tmp.resolve("resumed");
        assertEquals(StopReason.STOP_AT, new Trainer(options(dir).stopAt(7).build()).fit(new ToyTask(5)).reason());
        Generator.manualSeed(12345); // as a new process would: nothing but the checkpoint carries over
        FitResult second = new Trainer(options(dir).resume(true).build()).fit(new ToyTask(5));
        assertEquals(StopReason.COMPLETED, second.reason());
        assertEquals(8, second.stepsThisSession());

        TrainingCheckpoint a = TrainingCheckpoint.load(tmp.resolve("straight")), b = TrainingCheckpoint.load(dir);
        for (String k : a.model().keySet()) assertArrayEquals(a.model().get(k).toArray(), b.model().get(k).toArray(), 0f, k);
        for (String k : a.optimizer().keySet()) assertArrayEquals(a.optimizer().get(k).toArray(), b.optimizer().get(k).toArray(), 0f, k);
        assertArrayEquals(a.tensors().get("train_loss").toArray(), b.tensors().get("train_loss").toArray(), 0f);
        assertArrayEquals(a.tensors().get("validation").toArray(), b.tensors().get("validation").toArray(), 0f);
        assertEquals(a.progress(), b.progress());

        // Resumed again, the run has nothing left to do; with other settings it is refused, naming the difference.
        assertEquals(StopReason.ALREADY_COMPLETE, new Trainer(options(dir).resume(true).build()).fit(new ToyTask(5)).reason());
        ToyTask other = new ToyTask(5);
        other.lr = 0.1;
        var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(options(dir).resume(true).build()).fit(other));
        assertTrue(e.getMessage().contains("lr: 0.05 in the checkpoint, 0.1 now"), e.getMessage());
    }

    @Test
    void keepsTheLastEpochModelsAndTheBestByTheMonitoredMetric() throws IOException {
        Path dir = tmp.resolve("files");
        double[] scripted = {3, 1, 2, 0.5, 0.7, 0.9};
        ToyTask task = new ToyTask(4);
        task.validation = i -> scripted[(int) i - 1];
        FitResult r = new Trainer(TrainerOptions.builder().runDirectory(dir).epochs(6).monitor("loss", TrainerOptions.Goal.MINIMIZE)
                .saveBest(true).saveEpochModels(2).build()).fit(task);
        assertEquals(24, r.step());
        assertEquals(16, r.best().step());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(".lock", "best.safetensors", "epoch-005.safetensors", "epoch-006.safetensors", "model.safetensors", "training.safetensors"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Map<String, String> best = SafeTensors.loadMetadata(dir.resolve("best.safetensors"));
        assertEquals("16", best.get("step"));
        assertEquals("4", best.get("epoch"));
        assertEquals("0.5", best.get("valid_loss"));
        assertEquals("toy", best.get("model"));
        assertEquals("24", SafeTensors.loadMetadata(dir.resolve("epoch-006.safetensors")).get("step"));
    }

    @Test
    void stopsEarlyWhenTheMonitoredMetricStopsImprovingAlsoAcrossAResume() throws IOException {
        double[] scripted = {0.5, 0.4, 0.45, 0.9, 0.9, 0.9, 0.9, 0.9};
        TrainerOptions.Builder b = TrainerOptions.builder().epochs(8).monitor("accuracy", TrainerOptions.Goal.MAXIMIZE).patience(2);
        ToyTask accuracy = accuracy(new ToyTask(3));
        accuracy.validation = i -> scripted[(int) i - 1];
        FitResult r = new Trainer(b.build()).fit(accuracy);
        assertEquals(StopReason.EARLY_STOPPING, r.reason());
        assertEquals(9, r.step(), "the 2nd and 3rd evaluations do not beat the 1st");
        assertEquals(3, r.best().step());

        // Stopped after the 2nd evaluation and resumed: the count of evaluations without improvement carries over.
        Path dir = tmp.resolve("early");
        ToyTask first = accuracy(new ToyTask(3));
        first.validation = i -> scripted[(int) i - 1];
        new Trainer(b.runDirectory(dir).stopAt(6).build()).fit(first);
        ToyTask second = accuracy(new ToyTask(3));
        second.validation = i -> scripted[(int) i + 1];
        FitResult resumed = new Trainer(b.stopAt(0).resume(true).build()).fit(second);
        assertEquals(StopReason.EARLY_STOPPING, resumed.reason());
        assertEquals(9, resumed.step());
    }

    @Test
    void aNonFiniteLossStopsTheRunNamingTheStepAndKeepsTheLastCheckpoint() throws IOException {
        Path dir = tmp.resolve("nan");
        ToyTask task = new ToyTask(100);
        task.nanAt = 6; // the 7th step
        TrainerOptions options = TrainerOptions.builder().runDirectory(dir).checkpointEverySteps(5).build();
        List<String> events = new ArrayList<>();
        byte[][] saved = new byte[2][];
        TrainingListener spy = new TrainingListener() {
            @Override
            public void onCheckpoint(TrainingProgress p, Path d) {
                try {
                    saved[0] = Files.readAllBytes(d.resolve(TrainingCheckpoint.MODEL_FILE));
                    saved[1] = Files.readAllBytes(d.resolve(TrainingCheckpoint.TRAINING_FILE));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }

            @Override
            public void onException(TrainingProgress p, Throwable error) {
                events.add("exception at " + p.step());
            }
        };
        var e = assertThrows(TrainingDivergedException.class, () -> new Trainer(options).addListener(spy).fit(task));
        assertEquals(7, e.step());
        assertTrue(e.getMessage().startsWith("step 7: the training loss is NaN"), e.getMessage());
        assertTrue(e.getMessage().contains("the checkpoint in " + dir + " (step 5) is the last good state"), e.getMessage());
        assertEquals(List.of("exception at 6"), events);
        assertArrayEquals(saved[0], Files.readAllBytes(dir.resolve(TrainingCheckpoint.MODEL_FILE)));
        assertArrayEquals(saved[1], Files.readAllBytes(dir.resolve(TrainingCheckpoint.TRAINING_FILE)));
        assertEquals(5, TrainingCheckpoint.load(dir).progressLong("step"));
    }

    @Test
    void aRunDirectoryInUseOrAlreadyHoldingARunIsRefused() throws Exception {
        Path dir = tmp.resolve("busy");
        try (AutoCloseable held = TrainingCheckpoint.lock(dir)) {
            var e = assertThrows(IllegalStateException.class, () -> new Trainer(options(dir).build()).fit(new ToyTask(2)));
            assertTrue(e.getMessage().contains("in use by another training run"), e.getMessage());
        }
        assertFalse(TrainingCheckpoint.exists(dir), "nothing was written");
        new Trainer(options(dir).epochs(1).build()).fit(new ToyTask(2));
        var again = assertThrows(IllegalArgumentException.class, () -> new Trainer(options(dir).build()).fit(new ToyTask(2)));
        assertTrue(again.getMessage().contains("already holds a checkpoint"), again.getMessage());
        var none = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(options(tmp.resolve("none")).resume(true).build()).fit(new ToyTask(2)));
        assertTrue(none.getMessage().contains("no checkpoint in " + tmp.resolve("none")), none.getMessage());
        assertEquals(StopReason.COMPLETED, new Trainer(options(dir).overwrite(true).build()).fit(new ToyTask(2)).reason());
    }

    /** Steps in this process, but saves its state as a data-parallel strategy of two workers would (their count, shard.i.*). */
    static final class TwoWorkersOnPaper implements TrainingStrategy {
        final LocalStrategy local = new LocalStrategy();
        TrainingTask task;

        @Override
        public void setup(TrainingTask task, Optimization optimization, TrainerOptions options, long totalSteps) {
            this.task = task;
            local.setup(task, optimization, options, totalSteps);
        }

        @Override public List<StepOutcome> run(long firstStep, int count) { return local.run(firstStep, count); }
        @Override public void loadState(TaskState state, long step) { throw new UnsupportedOperationException("not resumed in this test"); }

        @Override
        public void saveState(TaskState state) {
            state.put(Shard.WORKERS_KEY, "2");
            for (int i = 0; i < 2; i++) state.putGenerator(new Shard(i, 2).statePrefix() + "rng.data", ((ToyTask) task).data);
        }
    }

    @Test
    void aDataParallelCheckpointIsNotResumedInOneProcess() throws IOException {
        Path dir = tmp.resolve("two");
        new Trainer(options(dir).stopAt(4).build()).strategy(new TwoWorkersOnPaper()).fit(new ToyTask(5));
        var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(options(dir).resume(true).build()).fit(new ToyTask(5)));
        assertEquals("the checkpoint holds the resume state of 2 data-parallel workers (shard.* entries), not of one process; resume it with a "
                + "data-parallel strategy of 2 workers, or start a new run", e.getMessage());
    }

    @Test
    void listenersAreCalledInOrder() throws IOException {
        List<String> events = new ArrayList<>();
        class Recorder implements TrainingListener {
            final String name;

            Recorder(String name) {
                this.name = name;
            }

            @Override public void onFitStart(TrainingProgress p) { events.add(name + " start " + p.step()); }
            @Override public void onEpochStart(TrainingProgress p, long epoch) { events.add(name + " epoch " + epoch); }
            @Override public void onStepEnd(TrainingProgress p, StepResult s) { events.add(name + " step " + s.step()); }
            @Override public void onEvaluation(TrainingProgress p, Evaluation e) { events.add(name + " eval " + e.step()); }
            @Override public void onCheckpoint(TrainingProgress p, Path d) { events.add(name + " checkpoint " + p.step()); }
            @Override public void onEpochEnd(TrainingProgress p, long epoch) { events.add(name + " end " + epoch); }
            @Override public void onFitEnd(TrainingProgress p, FitResult r) { events.add(name + " done " + r.reason()); }
        }
        Path dir = tmp.resolve("events");
        new Trainer(TrainerOptions.builder().runDirectory(dir).epochs(2).evalEveryEpochs(2).build())
                .addListener(new Recorder("a")).addListener(new Recorder("b")).fit(new ToyTask(2));
        assertEquals(List.of("a start 0", "b start 0",
                "a epoch 0", "b epoch 0", "a step 1", "b step 1", "a step 2", "b step 2", "a end 0", "b end 0",
                "a epoch 1", "b epoch 1", "a step 3", "b step 3", "a step 4", "b step 4", "a eval 4", "b eval 4",
                "a checkpoint 4", "b checkpoint 4", "a end 1", "b end 1", "a done COMPLETED", "b done COMPLETED"), events);
    }

    @Test
    void withoutARunDirectoryNothingIsWrittenAndTheLossHistoryIsSmoothedOneWay() throws IOException {
        List<StepResult> steps = new ArrayList<>();
        FitResult r = new Trainer(TrainerOptions.builder().maxSteps(6).build()).addListener(new TrainingListener() {
            @Override
            public void onStepEnd(TrainingProgress p, StepResult s) {
                steps.add(s);
            }
        }).fit(new ToyTask(10));
        assertEquals(6, r.step());
        assertNull(r.best());
        double ema = 0, weight = 0;
        for (StepResult s : steps) {
            ema = LossHistory.BETA * ema + (1 - LossHistory.BETA) * s.loss();
            weight = LossHistory.BETA * weight + (1 - LossHistory.BETA);
            assertEquals(ema / weight, s.smoothed(), 0);
            assertTrue(s.gradNorm() > 0 && s.lr() > 0);
        }
        assertEquals(0.05 / 2, steps.getFirst().lr(), 1e-12, "the first warm-up step");
        var bad = assertThrows(IllegalArgumentException.class, () -> TrainerOptions.builder().saveBest(true).runDirectory(tmp).build());
        assertTrue(bad.getMessage().contains("monitor"), bad.getMessage());
    }
}
