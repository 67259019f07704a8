package dev.jgrad.cli;

import dev.jgrad.metrics.Accuracy;
import dev.jgrad.models.ResNet;
import dev.jgrad.models.Transfer;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.CosineAnnealingLR;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.Optimization;
import dev.jgrad.train.Shard;
import dev.jgrad.train.StepOutput;
import dev.jgrad.train.TaskState;
import dev.jgrad.train.TrainingTask;
import dev.jgrad.vision.Augment;
import dev.jgrad.vision.ImageBatch;
import dev.jgrad.vision.ImageBatcher;
import dev.jgrad.vision.LabeledImages;

import java.util.Iterator;
import java.util.Map;

/**
 * What {@code jgrad train images} and {@code jgrad finetune} train: a ResNet classifier by cross-entropy on shuffled,
 * optionally augmented batches, validated by test accuracy.
 *
 * <p>A data-parallel worker's replica ({@link Shard}) draws the same global batch as the single process, augments all
 * of it with the same generator, and trains on its rows: the batch order and the augmentation are the single
 * process's, whichever worker computes them, and a retried task draws them again. Batch norm then normalises each
 * worker's rows by their own statistics, as PyTorch's DistributedDataParallel does without SyncBatchNorm.
 */
final class ImageClassifierTask implements TrainingTask {

    /**
     * How the classifier is trained.
     *
     * @param cosine                a cosine-annealed learning rate stepped every batch, else constant
     * @param frozenBatchNormInEval batch norms of frozen layers stay in eval mode (fine-tuning)
     * @param batch                 images per global batch
     * @param augment               the training augmentation, or null for none
     * @param seed                  seeds the batch order and the augmentation
     */
    record Recipe(boolean cosine, boolean frozenBatchNormInEval, int batch, Augment augment, long seed) {}

    private final ResNet model;
    private final Optimizer<?, ?> opt;
    private final Recipe recipe;
    private final ImageBatcher batches;
    private final LabeledImages test;
    private final Map<String, String> config;
    private final Shard shard;
    // A generator of its own, so switching augmentation on or off leaves the batch order as it was.
    private final Generator augmentGen;
    // The batch order's generator before this epoch's shuffle, so that a run resumed inside the epoch draws the same order.
    private final Generator epochStart = new Generator(0);
    private Iterator<ImageBatch> epoch;
    // The epoch's running training accuracy; part of the resume state, as a data-parallel worker resumes every round.
    private long correct, seen;

    /**
     * @param config the settings a resumed run must repeat
     * @param shard  the rows of every global batch this task trains on ({@link Shard#WHOLE} in a single process)
     */
    ImageClassifierTask(ResNet model, Optimizer<?, ?> opt, LabeledImages train, LabeledImages test, Recipe recipe, Map<String, String> config,
                        Shard shard) {
        shard.requireRows(recipe.batch(), "--batch");
        int last = train.size() % recipe.batch();
        if (last != 0 && last < shard.count()) {
            throw new IllegalArgumentException("the last batch of each epoch holds " + last + " of the " + train.size() + " training images, fewer than the "
                    + shard.count() + " data-parallel workers; choose a --batch that leaves none or at least " + shard.count());
        }
        this.model = model;
        this.opt = opt;
        this.recipe = recipe;
        this.batches = new ImageBatcher(train, recipe.batch(), true, false, recipe.seed());
        this.test = test;
        this.config = config;
        this.shard = shard;
        augmentGen = new Generator(recipe.seed() ^ 0x5DEECE66DL);
    }

    @Override public Map<String, String> config() { return config; }
    @Override public Module model() { return model; }
    @Override public long stepsPerEpoch() { return batches.numBatches(); }

    @Override
    public Optimization configureOptimizers(long totalSteps) {
        return new Optimization(opt, recipe.cosine() ? new CosineAnnealingLR(opt, (int) totalSteps) : null);
    }

    @Override
    public void trainMode() {
        Transfer.train(model, recipe.frozenBatchNormInEval());
    }

    @Override
    public void onEpochStart(long e) {
        epochStart.setState(batches.generator().state());
        epoch = batches.iterator();
        correct = seen = 0;
    }

    @Override
    public void saveState(TaskState state) {
        state.putGenerator("rng.batches", batches.generator());
        state.putGenerator("rng.batches.epoch_start", epochStart);
        state.putGenerator("rng.augment", augmentGen);
        state.put("train_accuracy", correct + "/" + seen);
    }

    /** Inside an epoch, its order is drawn again from the generator as it was at the epoch's start, and the batches done are skipped. */
    @Override
    public void loadState(TaskState state, long step) {
        long done = step % stepsPerEpoch();
        if (done != 0) {
            state.restoreGenerator("rng.batches.epoch_start", batches.generator());
            onEpochStart(step / stepsPerEpoch());
            for (long i = 0; i < done; i++) epoch.next();
            String accuracy = state.get("train_accuracy"); // absent from checkpoints written before it was kept
            if (accuracy != null) {
                String[] counts = accuracy.split("/");
                correct = Long.parseLong(counts[0]);
                seen = Long.parseLong(counts[1]);
            }
        }
        state.restoreGenerator("rng.batches", batches.generator());
        state.restoreGenerator("rng.augment", augmentGen);
    }

    @Override
    public StepOutput trainingStep(long step) {
        ImageBatch b = epoch.next();
        Tensor images = recipe.augment() == null ? b.images() : recipe.augment().apply(b.images(), augmentGen);
        Tensor input = shard.rows(images);
        IntTensor labels = shard.rows(b.labels());
        Tensor logits = model.forward(input);
        correct += new Accuracy().update(logits.detach(), labels);
        seen += labels.size(0);
        return new StepOutput(Functional.crossEntropy(logits, labels), labels.size(0), Map.of("acc", (double) correct / seen));
    }

    @Override
    public Map<String, Double> validate() {
        return Map.of("accuracy", ImageTraining.evaluate(model, test));
    }
}
