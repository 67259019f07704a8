package dev.jgrad.cli;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.metrics.Accuracy;
import dev.jgrad.models.ResNet;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.FitResult;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.TrainerOptions;
import dev.jgrad.train.TrainingStrategy;
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
import java.util.Locale;

/** The fit ({@link ImageClassifierTask} by the {@link Trainer}) and the evaluation that {@code jgrad train images} and {@code jgrad finetune} share. */
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
     * Trains {@code task} as {@code options} say (epochs, test every so many epochs, run directory), its steps taken by
     * {@code strategy}, reporting train loss and accuracy on a progress bar and a line per epoch.
     */
    static Result fit(ImageClassifierTask task, TrainerOptions options, TrainingStrategy strategy, PrintStream console) throws IOException {
        EpochLines lines = new EpochLines(console, (epoch, e) -> String.format(Locale.ROOT, "epoch %d: train loss %.4f, train accuracy %.4f%s; %.0f s, %.0f images/s",
                epoch, e.meanLoss(), e.metric("acc"), e.evaluation() != null ? String.format(Locale.ROOT, ", test accuracy %.4f", e.evaluation().metric("accuracy")) : "",
                e.seconds(), e.perSecond()));
        FitResult r = new Trainer(options).strategy(strategy)
                .addListener(new TrainingConsole("", "img", new PrintWriter(console, true)).perEpoch().lossOnly()).addListener(lines).fit(task);
        return new Result(r, lines.meanLoss(), lines.overallPerSecond());
    }
}
