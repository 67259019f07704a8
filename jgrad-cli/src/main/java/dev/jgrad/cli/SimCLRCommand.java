package dev.jgrad.cli;

import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.ImageEncoder;
import dev.jgrad.models.SimCLR;
import dev.jgrad.train.FitResult;
import dev.jgrad.train.StopReason;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.TrainerOptions;
import dev.jgrad.vision.Augment;
import dev.jgrad.vision.ColorJitter;
import dev.jgrad.vision.GaussianBlur;
import dev.jgrad.vision.GaussianNoise;
import dev.jgrad.vision.ImageTransform;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Mnist;
import dev.jgrad.vision.Normalize;
import dev.jgrad.vision.RandomApply;
import dev.jgrad.vision.RandomHorizontalFlip;
import dev.jgrad.vision.RandomResizedCrop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jgrad simclr}: self-supervised pretraining of an image encoder with SimCLR (Chen et al., 2020) on
 * unlabelled images (Fashion-MNIST's training images by default; the labels are never read).
 *
 * <p>Each step takes a batch of B images, draws two random augmentations of each (crop, flip, brightness /
 * contrast, blur, noise), encodes the 2B views, projects them with the head and minimises NT-Xent. The run
 * directory ({@code --out}) holds a {@link TrainingCheckpoint} written every {@code --checkpoint-every}
 * steps and at the end (model.safetensors: the encoder and head with the architecture in the metadata;
 * training.safetensors: optimiser, schedule, loss history, progress), and loss.png. Everything random is
 * derived from the seed and the step, so {@code --resume} continues exactly where a run stopped. The task is
 * {@link SimCLRTask}, trained by the {@link Trainer}.
 */
@Command(name = "simclr",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Pretrains an image encoder with SimCLR on unlabelled images.",
                "The images are Fashion-MNIST's training set by default (labels are ignored).",
                "Evaluate it with 'jgrad linear-probe --checkpoint DIR', look at it with "
                        + "'jgrad visualize --checkpoint DIR'. Continue a stopped run with --resume."})
final class SimCLRCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "NAME|DIR", defaultValue = "fashion-mnist", description = RepresentationData.DATA_HELP)
    String data;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N training images, 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--arch", paramLabel = "NAME", defaultValue = "resnet", description = "Encoder: resnet (torchvision ResNet, small-input stem) or cnn (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--width", paramLabel = "N", defaultValue = "16", description = "Channels of the first stage; each later stage doubles them (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--layers", paramLabel = "N,N,..", defaultValue = "1,1,1,1", description = "Residual blocks (resnet) or convolutions (cnn) per stage (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--proj-hidden", paramLabel = "N", defaultValue = "256", description = "Hidden size of the projection head (default: ${DEFAULT-VALUE}).")
    int projHidden;

    @Option(names = "--proj-dim", paramLabel = "N", defaultValue = "128", description = "Output size of the projection head (default: ${DEFAULT-VALUE}).")
    int projDim;

    @Option(names = "--proj-bn", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "BatchNorm1d in the projection head (default: ${DEFAULT-VALUE}).")
    boolean projBn;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.5", description = "NT-Xent temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--batch", converter = PositiveInt.class, paramLabel = "N", defaultValue = "128", description = "Images per step; each gives two views (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Passes over the images (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "0", description = "Stop the schedule after N steps, 0 for epochs x steps per epoch (default: ${DEFAULT-VALUE}).")
    int maxSteps;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "2e-3", description = "Peak learning rate of Adam (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "1e-6", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--warmup", paramLabel = "F", defaultValue = "0.05", description = "Share of the steps with a linear warm-up; then cosine decay to 0 (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--min-scale", paramLabel = "S", defaultValue = "0.2", description = "Smallest crop, as a share of the image area (default: ${DEFAULT-VALUE}).")
    double minScale;

    @Option(names = "--jitter", paramLabel = "S", defaultValue = "0.4", description = "Brightness and contrast jitter strength, applied with probability 0.8 (default: ${DEFAULT-VALUE}).")
    double jitter;

    @Option(names = "--blur", paramLabel = "P", defaultValue = "0.5", description = "Probability of a 3x3 Gaussian blur, sigma in [0.1, 1] (default: ${DEFAULT-VALUE}).")
    double blur;

    @Option(names = "--noise", paramLabel = "SIGMA", defaultValue = "0.02", description = "Standard deviation of added Gaussian noise, 0 for none (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1234", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/simclr", description = "Run directory: checkpoint and loss.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "50", description = "Write the checkpoint every N steps, and at the end (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--resume", description = "Continue the run in --out where it stopped (same options required).")
    boolean resume;

    @Option(names = "--overwrite", description = "Replace a checkpoint already in --out.")
    boolean overwrite;

    @Option(names = "--stop-at", paramLabel = "STEP", defaultValue = "0", description = "Checkpoint and stop at this step, to be continued with --resume; 0: run to the end.")
    int stopAt;

    @Option(names = "--time-limit", paramLabel = "MIN", defaultValue = "0",
            description = "Checkpoint and stop after this many minutes of training, to be continued with --resume; 0: no limit.")
    double timeLimit;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PrintStream console = System.out;
        LabeledImages train = RepresentationData.limit(RepresentationData.load(data, Mnist.Split.TRAIN), limit);
        int n = train.size();
        if (n < 2) throw new IllegalArgumentException("--data " + data + ": SimCLR needs at least 2 images, got " + n);
        int b = Math.min(batch, n);
        if (b < 2) throw new IllegalArgumentException("--batch must be at least 2 (each image needs other images as negatives), got " + batch);
        Normalize normalize = RepresentationData.normalizer(data, train.images());
        ImageEncoder.Spec spec = new ImageEncoder.Spec(arch, train.imageShape()[0], width, ImageEncoder.Spec.parseLayers(layers));
        RunDirectory.checkStart(out, resume, overwrite, stopAt);
        Augment augment = augmentation(train.imageShape()[1], train.imageShape()[2]);
        SimCLRTask task = new SimCLRTask(this, train, normalize, spec, b, augment);
        TrainerOptions options = TrainerOptions.builder().runDirectory(out).resume(resume).overwrite(overwrite).epochs(epochs).maxSteps(maxSteps)
                .stopAt(stopAt).timeLimit(timeLimit > 0 ? Duration.ofNanos((long) (timeLimit * 60e9)) : null).checkpointEverySteps(checkpointEvery).build();
        long perEpoch = task.stepsPerEpoch(), totalSteps = options.totalSteps(perEpoch);
        SimCLR model = task.simclr();

        console.printf(Locale.ROOT, "data: %s, %,d unlabelled images %dx%dx%d, %s%n", data, train.size(), train.imageShape()[0], train.imageShape()[1],
                train.imageShape()[2], normalize);
        console.printf(Locale.ROOT, "model: encoder %s, %,d parameters; projection head %d -> %d%s -> %d; %,d parameters in all%n", spec.describe(),
                model.encoder().numParameters(), spec.numFeatures(), projHidden, projBn ? " (BatchNorm1d)" : "", projDim, model.numParameters());
        console.printf(Locale.ROOT, "training: batch %d (%d views), %d steps per epoch, %d steps; Adam lr %s, weight decay %s, warm-up %d steps then cosine; "
                + "NT-Xent temperature %s%n", b, 2 * b, perEpoch, totalSteps, lr, weightDecay, task.warmupSteps(totalSteps), temperature);
        console.printf(Locale.ROOT, "augmentation: %s%n", augment);
        console.flush();
        PrintWriter resumeOut = new PrintWriter(console, true);
        TrainingConsole progress = new TrainingConsole("simclr", "img", resumeOut)
                .onResume(p -> String.format(Locale.ROOT, "resuming at step %d of %d", p.step(), p.totalSteps()));
        FitResult r = Trainer.fit(task, options, progress, new LossPlot("SimCLR on " + data + ": " + spec.describe(), "NT-Xent loss", null));

        long done = r.stepsThisSession();
        if (done > 0) {
            console.printf(Locale.ROOT, "%d steps in %s (%.1f images/s, %.1f views/s)%n", done, ConsoleFormat.duration(r.seconds()),
                    done * (double) b / r.seconds(), 2.0 * done * b / r.seconds());
        }
        if (r.interrupted()) {
            console.printf(Locale.ROOT, "stopped at step %d of %d (%s); checkpoint in %s, continue with --resume%n", r.step(), totalSteps,
                    r.reason() == StopReason.STOP_AT ? "--stop-at" : "--time-limit", out);
        } else {
            if (r.losses().size() > 0) {
                console.printf(Locale.ROOT, "final loss %.4f (mean of the last %d steps; chance level is log(2B - 1) = %.3f)%n", r.losses().tailMean(20),
                        Math.min(r.losses().size(), 20), Math.log(2.0 * b - 1));
            }
            console.println("checkpoint: " + out.resolve(TrainingCheckpoint.MODEL_FILE) + ", loss curve: " + out.resolve(LossPlot.FILE));
            console.println("next: jgrad linear-probe --checkpoint " + out);
        }
        console.flush();
        return 0;
    }

    private Augment augmentation(int h, int w) {
        List<ImageTransform> t = new ArrayList<>();
        t.add(new RandomResizedCrop(h, w, minScale, 1.0, 3.0 / 4.0, 4.0 / 3.0));
        t.add(new RandomHorizontalFlip());
        if (jitter > 0) t.add(new RandomApply(new ColorJitter(jitter, jitter), 0.8));
        if (blur > 0) t.add(new RandomApply(new GaussianBlur(3, 0.1, 1.0), blur));
        if (noise > 0) t.add(new GaussianNoise(noise));
        return Augment.of(t);
    }

    private void checkOptions() {
        positive("--width", width);
        positive("--proj-hidden", projHidden);
        positive("--proj-dim", projDim);
        positive("--batch", batch);
        positive("--epochs", epochs);
        positive("--checkpoint-every", checkpointEvery);
        if (limit < 0) throw new IllegalArgumentException("--limit must be >= 0 (0: all images), got " + limit);
        if (maxSteps < 0) throw new IllegalArgumentException("--max-steps must be >= 0 (0: no limit), got " + maxSteps);
        if (stopAt < 0) throw new IllegalArgumentException("--stop-at must be >= 0, got " + stopAt);
        if (!(timeLimit >= 0)) throw new IllegalArgumentException("--time-limit must be >= 0 minutes, got " + timeLimit);
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("--temperature must be positive, got " + temperature);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        if (!(warmup >= 0 && warmup < 1)) throw new IllegalArgumentException("--warmup must be in [0, 1), got " + warmup);
        if (!(minScale > 0 && minScale <= 1)) throw new IllegalArgumentException("--min-scale must be in (0, 1], got " + minScale);
        if (!(jitter >= 0)) throw new IllegalArgumentException("--jitter must be >= 0, got " + jitter);
        if (!(blur >= 0 && blur <= 1)) throw new IllegalArgumentException("--blur must be a probability in [0, 1], got " + blur);
        if (!(noise >= 0)) throw new IllegalArgumentException("--noise must be >= 0, got " + noise);
        ImageEncoder.Spec.parseLayers(layers);
    }

    private static void positive(String option, int value) {
        if (value < 1) throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
}
