package dev.jgrad.cli;

import dev.jgrad.data.LabeledText;
import dev.jgrad.data.SequenceBatch;
import dev.jgrad.data.SequenceBatcher;
import dev.jgrad.metrics.Accuracy;
import dev.jgrad.models.LSTMClassifier;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.Optimization;
import dev.jgrad.train.StepOutput;
import dev.jgrad.train.TaskState;
import dev.jgrad.train.TrainingTask;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code jgrad train classify} trains: a sentence classifier by cross-entropy on batches of similar lengths
 * (shuffled within pools of {@link #POOL_BATCHES} batches, then as batches), validated by accuracy.
 */
final class ClassifierTask implements TrainingTask {
    /** Batches per length-sorted pool when bucketing: big enough to group lengths well, small enough to stay random. */
    static final int POOL_BATCHES = 50;
    static final int EVAL_BATCH = 256;

    private final LSTMClassifier model;
    private final Optimizer<?, ?> optimizer;
    private final SequenceBatcher trainBatches, validBatches;
    private final int[] validLabels;
    private final int batch, examples;
    private final Generator gen;
    // The generator before this epoch's shuffle, so that a run resumed inside the epoch draws the same batches.
    private final Generator epochStart = new Generator(0);
    private final Map<String, String> config;
    private List<SequenceBatch> epoch;
    private Accuracy trainAcc, validAcc;

    /**
     * @param gen    the generator that initialised the model, which goes on to shuffle the batches and draw dropout masks
     * @param config the settings a resumed run must repeat
     */
    ClassifierTask(LSTMClassifier model, Optimizer<?, ?> optimizer, SequenceBatcher trainBatches, int examples, int batch, SequenceBatcher validBatches,
                   int[] validLabels, Generator gen, Map<String, String> config) {
        this.model = model;
        this.optimizer = optimizer;
        this.trainBatches = trainBatches;
        this.examples = examples;
        this.batch = batch;
        this.validBatches = validBatches;
        this.validLabels = validLabels;
        this.gen = gen;
        this.config = config;
    }

    @Override public Module model() { return model; }
    @Override public Optimization configureOptimizers(long totalSteps) { return Optimization.of(optimizer); }
    @Override public Map<String, String> config() { return config; }

    /** The batches of one epoch: each pool of sorted sentences cut into batches, the last of each pool maybe smaller. */
    @Override
    public long stepsPerEpoch() {
        long steps = 0, pool = (long) batch * POOL_BATCHES;
        for (long start = 0; start < examples; start += pool) steps += (Math.min(pool, examples - start) + batch - 1) / batch;
        return steps;
    }

    @Override
    public void onEpochStart(long e) {
        epochStart.setState(gen.state());
        epoch = trainBatches.shuffled(batch, POOL_BATCHES, gen);
        trainAcc = new Accuracy();
    }

    @Override
    public void saveState(TaskState state) {
        state.putGenerator("rng", gen);
        state.putGenerator("rng.epoch_start", epochStart);
    }

    /** Inside an epoch, its batches are drawn again from the generator as it was at the epoch's start. */
    @Override
    public void loadState(TaskState state, long step) {
        if (step % stepsPerEpoch() != 0) {
            state.restoreGenerator("rng.epoch_start", gen);
            onEpochStart(step / stepsPerEpoch());
        }
        state.restoreGenerator("rng", gen);
    }

    @Override
    public StepOutput trainingStep(long step) {
        SequenceBatch b = epoch.get((int) (step % epoch.size()));
        Tensor logits = model.forward(b.ids(), b.lengths());
        trainAcc.update(logits, b.labels());
        return new StepOutput(Functional.crossEntropy(logits, b.labels()), b.size(), Map.of("acc", trainAcc.value()));
    }

    @Override
    public Map<String, Double> validate() {
        validAcc = new Accuracy();
        validAcc.update(model.predict(validBatches, EVAL_BATCH), validLabels);
        return Map.of("accuracy", validAcc.value());
    }

    /** The counts behind the last validation accuracy. */
    Accuracy validAccuracy() {
        return validAcc;
    }

    /** A random {@code fraction} of the examples (at least one) as validation, the rest for training, both in file order. */
    static List<List<LabeledText>> holdOut(List<LabeledText> examples, double fraction, Generator gen) {
        int n = examples.size();
        int k = (int) Math.round(n * fraction);
        if (k < 1 || k >= n) {
            throw new IllegalArgumentException("cannot hold out " + fraction + " of " + n + " examples for validation and keep some to train on; pass --valid FILE");
        }
        boolean[] held = new boolean[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < k; i++) held[order[i]] = true;
        List<LabeledText> trainPart = new ArrayList<>(n - k), validPart = new ArrayList<>(k);
        for (int i = 0; i < n; i++) (held[i] ? validPart : trainPart).add(examples.get(i));
        return List.of(trainPart, validPart);
    }
}
