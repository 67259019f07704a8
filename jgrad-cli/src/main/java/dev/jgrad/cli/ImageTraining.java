package dev.jgrad.cli;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.metrics.Accuracy;
import dev.jgrad.models.ResNet;
import dev.jgrad.models.Transfer;
import dev.jgrad.nn.Functional;
import dev.jgrad.optim.CosineAnnealingLR;
import dev.jgrad.optim.LRScheduler;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.Augment;
import dev.jgrad.vision.ImageBatch;
import dev.jgrad.vision.ImageBatcher;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Normalize;
import dev.jgrad.vision.RandomCrop;
import dev.jgrad.vision.RandomHorizontalFlip;

import java.io.PrintStream;
import java.util.Locale;

/** The training loop and evaluation that {@code jgrad train images} and {@code jgrad finetune} share. */
final class ImageTraining {
    private ImageTraining() {}

    static final int EVAL_BATCH = 500;

    /** What a run achieved. */
    record Result(double testAccuracy, double trainLoss, double seconds, double imagesPerSecond) {}

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
     * Trains for {@code epochs} with a cosine-annealed (or constant) learning rate stepped every batch,
     * reporting train loss and accuracy on a progress bar, and test accuracy every {@code evalEvery} epochs
     * (0: only after the last; the test set is often much larger than a small training set).
     */
    static Result fit(ResNet model, Optimizer<?, ?> opt, boolean cosine, boolean frozenBatchNormInEval, LabeledImages train,
                      LabeledImages test, int epochs, int evalEvery, int batch, Augment augment, long seed, PrintStream console) {
        if (evalEvery < 0) throw new IllegalArgumentException("--eval-every must be >= 0 (0 = only after the last epoch), got " + evalEvery);
        ImageBatcher batches = new ImageBatcher(train, batch, true, false, seed);
        // A generator of its own, so switching augmentation on or off leaves the batch order as it was.
        Generator augmentGen = new Generator(seed ^ 0x5DEECE66DL);
        LRScheduler sched = cosine ? new CosineAnnealingLR(opt, epochs * batches.numBatches()) : null;
        long start = System.nanoTime();
        double trainSeconds = 0, lastLoss = Double.NaN, testAcc = Double.NaN;
        long images = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            Transfer.train(model, frozenBatchNormInEval);
            Accuracy trainAcc = new Accuracy();
            double lossSum = 0;
            int seen = 0;
            long t0 = System.nanoTime();
            try (ProgressBar bar = new ProgressBar(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), batches.numBatches(), "img")) {
                for (ImageBatch b : batches) {
                    Tensor input = augment == null ? b.images() : augment.apply(b.images(), augmentGen);
                    Tensor logits = model.forward(input);
                    Tensor loss = Functional.crossEntropy(logits, b.labels());
                    opt.zeroGrad();
                    loss.backward();
                    opt.step();
                    if (sched != null) sched.step();
                    lossSum += loss.item() * b.size();
                    seen += b.size();
                    trainAcc.update(logits.detach(), b.labels());
                    bar.metric("loss", lossSum / seen);
                    bar.metric("acc", trainAcc.value());
                    bar.step(b.size());
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            trainSeconds += secs;
            images += seen;
            lastLoss = lossSum / seen;
            boolean eval = epoch == epochs || evalEvery > 0 && epoch % evalEvery == 0;
            if (eval) testAcc = evaluate(model, test);
            console.printf(Locale.ROOT, "epoch %d: train loss %.4f, train accuracy %.4f%s; %.0f s, %.0f images/s%n", epoch, lastLoss, trainAcc.value(),
                    eval ? String.format(Locale.ROOT, ", test accuracy %.4f", testAcc) : "", secs, seen / secs);
        }
        return new Result(testAcc, lastLoss, (System.nanoTime() - start) / 1e9, images / trainSeconds);
    }
}
