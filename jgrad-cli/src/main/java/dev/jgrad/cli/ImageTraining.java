package dev.jgrad.cli;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.metrics.Accuracy;
import dev.jgrad.models.ResNet;
import dev.jgrad.models.Transfer;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.CosineAnnealingLR;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.FitResult;
import dev.jgrad.train.Optimization;
import dev.jgrad.train.StepOutput;
import dev.jgrad.train.TaskState;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.TrainerOptions;
import dev.jgrad.train.TrainingTask;
import dev.jgrad.vision.Augment;
import dev.jgrad.vision.ImageBatch;
import dev.jgrad.vision.ImageBatcher;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Normalize;
import dev.jgrad.vision.RandomCrop;
import dev.jgrad.vision.RandomHorizontalFlip;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** The task, trained by the {@link Trainer}, and the evaluation that {@code jgrad train images} and {@code jgrad finetune} share. */
final class ImageTraining {
    private ImageTraining() {}

    static final int EVAL_BATCH = 500;

    /** What a run achieved: the trainer's result, and this session's mean training loss and speed. */
    record Result(FitResult fit, double trainLoss, double imagesPerSecond) {
        /** The accuracy of the last evaluation, which is at the run's last step. */
        double testAccuracy() {
            return fit.last().metric("accuracy");
        }

        double seconds() {
            return fit.seconds();
        }
    }

    /**
     * Images as the network wants them: grey images repeated to 3 channels for an RGB network, then
     * normalised. An RGB image set for a grey network is an error (read it with --grayscale).
     */
    static LabeledImages prepare(LabeledImages d, int modelChannels, Normalize norm, String role) {
        Tensor x = d.images();
        int c = x.size(1);
        if (c != modelChannels) {
            if (c == 1 && modelChannels == 3) {
                x = x.expand(x.size(0), 3, x.size(2), x.size(3)).contiguous();
            } else {
                throw new IllegalArgumentException(role + " images have " + c + " channels but the network takes " + modelChannels
                        + (modelChannels == 1 ? " (read folder images with --grayscale)" : ""));
            }
        }
        return d.withImages(norm.apply(x));
    }

    /**
     * The training-time augmentation named by {@code --augment}: none, flip, crop (shifts of up to 2 pixels,
     * edges repeated), or flip-crop; null for none.
     */
    static Augment augmentation(String name) {
        return switch (name) {
            case "none" -> null;
            case "flip" -> Augment.of(new RandomHorizontalFlip());
            case "crop" -> Augment.of(new RandomCrop(2));
            case "flip-crop" -> Augment.of(new RandomCrop(2), new RandomHorizontalFlip());
            default -> throw new IllegalArgumentException("--augment must be none, flip, crop or flip-crop, got '" + name + "'");
        };
    }

    /** Top-1 accuracy in eval mode, without building a graph. */
    static double evaluate(ResNet model, LabeledImages d) {
        model.eval();
        Accuracy acc = new Accuracy();
        try (var _ = GradMode.noGrad()) {
            for (ImageBatch b : new ImageBatcher(d, EVAL_BATCH, false, false, 0)) acc.update(model.forward(b.images()), b.labels());
        }
        return acc.value();
    }

    /**
     * Trains as {@code options} say (epochs, test every so many epochs, run directory) with a cosine-annealed (or
     * constant) learning rate stepped every batch, reporting train loss and accuracy on a progress bar.
     *
     * @param config the settings a resumed run must repeat
     */
    static Result fit(ResNet model, Optimizer<?, ?> opt, boolean cosine, boolean frozenBatchNormInEval, LabeledImages train,
                      LabeledImages test, TrainerOptions options, Map<String, String> config, int batch, Augment augment, long seed,
                      PrintStream console) throws IOException {
        Task task = new Task(model, opt, cosine, frozenBatchNormInEval, new ImageBatcher(train, batch, true, false, seed), test, augment, seed, config);
        EpochLines lines = new EpochLines(console, (epoch, e) -> String.format(Locale.ROOT, "epoch %d: train loss %.4f, train accuracy %.4f%s; %.0f s, %.0f images/s",
                epoch, e.meanLoss(), e.metric("acc"), e.evaluation() != null ? String.format(Locale.ROOT, ", test accuracy %.4f", e.evaluation().metric("accuracy")) : "",
                e.seconds(), e.perSecond()));
        FitResult r = Trainer.fit(task, options, new TrainingConsole("", "img", new PrintWriter(console, true)).perEpoch().lossOnly(), lines);
        return new Result(r, lines.meanLoss(), lines.overallPerSecond());
    }

    /** A ResNet classifier trained by cross-entropy on (augmented) shuffled batches, validated by test accuracy. */
    private static final class Task implements TrainingTask {
        private final ResNet model;
        private final Optimizer<?, ?> opt;
        private final boolean cosine, frozenBatchNormInEval;
        private final ImageBatcher batches;
        private final LabeledImages test;
        private final Augment augment;
        // A generator of its own, so switching augmentation on or off leaves the batch order as it was.
        private final Generator augmentGen;
        // The batch order's generator before this epoch's shuffle, so that a run resumed inside the epoch draws the same order.
        private final Generator epochStart = new Generator(0);
        private final Map<String, String> config;
        private Iterator<ImageBatch> epoch;
        private Accuracy trainAcc;

        Task(ResNet model, Optimizer<?, ?> opt, boolean cosine, boolean frozenBatchNormInEval, ImageBatcher batches, LabeledImages test,
             Augment augment, long seed, Map<String, String> config) {
            this.model = model;
            this.opt = opt;
            this.cosine = cosine;
            this.frozenBatchNormInEval = frozenBatchNormInEval;
            this.batches = batches;
            this.test = test;
            this.augment = augment;
            augmentGen = new Generator(seed ^ 0x5DEECE66DL);
            this.config = config;
        }

        @Override public Map<String, String> config() { return config; }

        @Override public Module model() { return model; }
        @Override public long stepsPerEpoch() { return batches.numBatches(); }

        @Override
        public Optimization configureOptimizers(long totalSteps) {
            return new Optimization(opt, cosine ? new CosineAnnealingLR(opt, (int) totalSteps) : null);
        }

        @Override
        public void trainMode() {
            Transfer.train(model, frozenBatchNormInEval);
        }

        @Override
        public void onEpochStart(long e) {
            epochStart.setState(batches.generator().state());
            epoch = batches.iterator();
            trainAcc = new Accuracy();
        }

        @Override
        public void saveState(TaskState state) {
            state.putGenerator("rng.batches", batches.generator());
            state.putGenerator("rng.batches.epoch_start", epochStart);
            state.putGenerator("rng.augment", augmentGen);
        }

        /** Inside an epoch, its order is drawn again from the generator as it was at the epoch's start, and the batches done are skipped. */
        @Override
        public void loadState(TaskState state, long step) {
            long done = step % stepsPerEpoch();
            if (done != 0) {
                state.restoreGenerator("rng.batches.epoch_start", batches.generator());
                onEpochStart(step / stepsPerEpoch());
                for (long i = 0; i < done; i++) epoch.next();
            }
            state.restoreGenerator("rng.batches", batches.generator());
            state.restoreGenerator("rng.augment", augmentGen);
        }

        @Override
        public StepOutput trainingStep(long step) {
            ImageBatch b = epoch.next();
            Tensor input = augment == null ? b.images() : augment.apply(b.images(), augmentGen);
            Tensor logits = model.forward(input);
            trainAcc.update(logits.detach(), b.labels());
            return new StepOutput(Functional.crossEntropy(logits, b.labels()), b.size(), Map.of("acc", trainAcc.value()));
        }

        @Override
        public Map<String, Double> validate() {
            return Map.of("accuracy", evaluate(model, test));
        }
    }
}
