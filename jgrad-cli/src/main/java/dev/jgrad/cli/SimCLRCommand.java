package dev.jgrad.cli;

import dev.jgrad.io.TrainingCheckpoint;
import dev.jgrad.models.ImageEncoder;
import dev.jgrad.models.SimCLR;
import dev.jgrad.nn.NTXentLoss;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.LambdaLR;
import dev.jgrad.plot.LinePlot;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.Augment;
import dev.jgrad.vision.ColorJitter;
import dev.jgrad.vision.GaussianBlur;
import dev.jgrad.vision.GaussianNoise;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Mnist;
import dev.jgrad.vision.Normalize;
import dev.jgrad.vision.RandomApply;
import dev.jgrad.vision.RandomHorizontalFlip;
import dev.jgrad.vision.RandomResizedCrop;
import dev.jgrad.vision.ImageTransform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * derived from the seed and the step, so {@code --resume} continues exactly where a run stopped.
 */
@Command(name = "simclr",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Pretrains an image encoder with SimCLR on unlabelled images",
                "(Fashion-MNIST's training set by default; labels are ignored).",
                "Evaluate it with 'jgrad linear-probe --encoder DIR', look at it with",
                "'jgrad visualize --encoder DIR'. Continue a stopped run with --resume."})
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

    @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Images per step; each gives two views (default: ${DEFAULT-VALUE}).")
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

    private SimCLR model;
    private Adam optimizer;
    private LambdaLR scheduler;
    private final List<Float> losses = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PrintStream console = System.out;
        LabeledImages train = RepresentationData.limit(RepresentationData.load(data, Mnist.Split.TRAIN), limit);
        int n = train.size();
        if (n < 2) throw new IllegalArgumentException("--data " + data + ": SimCLR needs at least 2 images, got " + n);
        int b = Math.min(batch, n);
        if (b < 2) throw new IllegalArgumentException("--batch must be at least 2 (each image needs other images as negatives), got " + batch);
        int perEpoch = n / b; // the incomplete last batch is dropped: NT-Xent's difficulty depends on the batch size
        int totalSteps = maxSteps > 0 ? Math.min(maxSteps, epochs * perEpoch) : epochs * perEpoch;
        Normalize normalize = RepresentationData.normalizer(data, train.images());
        ImageEncoder.Spec spec = new ImageEncoder.Spec(arch, train.imageShape()[0], width, ImageEncoder.Spec.parseLayers(layers));
        Map<String, String> config = config(spec, n, b);

        if (resume && !TrainingCheckpoint.exists(out)) {
            throw new IllegalArgumentException("--resume: no checkpoint in " + out + " (" + out.resolve(TrainingCheckpoint.TRAINING_FILE)
                    + " does not exist); run without --resume to start, or point --out at the run to continue");
        }
        if (!resume && TrainingCheckpoint.exists(out) && !overwrite) {
            throw new IllegalArgumentException(out + " already holds a checkpoint; continue it with --resume, replace it with --overwrite, or choose another --out");
        }
        try (AutoCloseable ignored = TrainingCheckpoint.lock(out)) { // a second run on the same --out fails at once
            return run(console, train, normalize, spec, b, perEpoch, totalSteps, config);
        }
    }

    private int run(PrintStream console, LabeledImages train, Normalize normalize, ImageEncoder.Spec spec, int b, int perEpoch, int totalSteps,
                    Map<String, String> config) throws IOException {
        TrainingCheckpoint checkpoint = null;
        if (resume) {
            checkpoint = TrainingCheckpoint.load(out);
            try {
                checkpoint.requireSameConfig(config);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--resume: " + out + ": " + e.getMessage() + "; resume with the checkpoint's settings, or start a new run with another --out");
            }
        }
        model = new SimCLR(new ImageEncoder(spec, new Generator(seed)), projHidden, projDim, projBn, new Generator(seed + 1));
        optimizer = new Adam(model.parameters(), Adam.options(lr).withWeightDecay(weightDecay));
        int warmupSteps = (int) Math.round(warmup * totalSteps);
        scheduler = new LambdaLR(optimizer, s -> s < warmupSteps ? (s + 1.0) / (warmupSteps + 1.0)
                : 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, (s - warmupSteps) / (double) Math.max(1, totalSteps - warmupSteps)))));
        int step = 0;
        if (checkpoint != null) step = restore(checkpoint);
        if (stopAt > 0 && stopAt <= step) {
            throw new IllegalArgumentException("--stop-at " + stopAt + " is not after the checkpoint's step " + step + "; drop it or give a later step");
        }
        Augment augment = augmentation(train.imageShape()[1], train.imageShape()[2]);
        console.printf(Locale.ROOT, "data: %s, %,d unlabelled images %dx%dx%d, %s%n", data, train.size(), train.imageShape()[0], train.imageShape()[1],
                train.imageShape()[2], normalize);
        console.printf(Locale.ROOT, "model: encoder %s, %,d parameters; projection head %d -> %d%s -> %d; %,d parameters in all%n", spec.describe(),
                model.encoder().numParameters(), spec.numFeatures(), projHidden, projBn ? " (BatchNorm1d)" : "", projDim, model.numParameters());
        console.printf(Locale.ROOT, "training: batch %d (%d views), %d steps per epoch, %d steps; Adam lr %s, weight decay %s, warm-up %d steps then cosine; "
                + "NT-Xent temperature %s%n", b, 2 * b, perEpoch, totalSteps, lr, weightDecay, warmupSteps, temperature);
        console.printf(Locale.ROOT, "augmentation: %s%n", augment);
        if (checkpoint != null) console.printf(Locale.ROOT, "resuming at step %d of %d%n", step, totalSteps);
        console.flush();

        Tensor images = train.images();
        int[] order = null;
        int orderEpoch = -1;
        long started = System.nanoTime();
        long limitNanos = timeLimit > 0 ? (long) (timeLimit * 60e9) : Long.MAX_VALUE;
        int first = step;
        boolean stopped = false;
        try (ProgressBar bar = new ProgressBar("simclr", totalSteps, "img")) {
            bar.set(step);
            while (step < totalSteps) {
                int epoch = step / perEpoch, pos = step % perEpoch;
                if (epoch != orderEpoch) {
                    order = permutation(train.size(), new Generator(mix(seed, 0x0E0C4L, epoch)));
                    orderEpoch = epoch;
                }
                int[] idx = java.util.Arrays.copyOfRange(order, pos * b, (pos + 1) * b);
                Tensor x = images.indexSelect(0, IntTensor.of(idx, b)).contiguous();
                Generator gen = new Generator(mix(seed, 0xA06L, step));
                Tensor views = Tensor.cat(List.of(augment.apply(x, gen), augment.apply(x, gen)), 0);
                Tensor z = model.forward(normalize.apply(views));
                Tensor loss = NTXentLoss.ntXent(z, temperature);
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                scheduler.step();
                step++;
                float value = loss.item();
                if (!Float.isFinite(value)) {
                    throw new IllegalStateException("the loss became " + value + " at step " + step + "; lower --lr (now " + lr + ") or raise --temperature");
                }
                losses.add(value);
                bar.metric("loss", value);
                bar.metric("lr", scheduler.lastLr().getFirst());
                bar.step(b);
                boolean stopNow = step == stopAt || System.nanoTime() - started > limitNanos;
                if (step % checkpointEvery == 0 || step == totalSteps || stopNow) {
                    save(spec, normalize, step, totalSteps, config);
                }
                if (stopNow && step < totalSteps) {
                    stopped = true;
                    break;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int done = step - first;
        if (done > 0) {
            console.printf(Locale.ROOT, "%d steps in %s (%.1f images/s, %.1f views/s)%n", done, ProgressBar.formatDuration(seconds),
                    done * (double) b / seconds, 2.0 * done * b / seconds);
        }
        if (stopped) {
            console.printf(Locale.ROOT, "stopped at step %d of %d (%s); checkpoint in %s, continue with --resume%n", step, totalSteps,
                    step == stopAt ? "--stop-at" : "--time-limit", out);
        } else {
            if (!losses.isEmpty()) {
                console.printf(Locale.ROOT, "final loss %.4f (mean of the last %d steps; chance level is log(2B - 1) = %.3f)%n", tailMean(),
                        Math.min(losses.size(), 20), Math.log(2.0 * b - 1));
            }
            console.println("checkpoint: " + out.resolve(TrainingCheckpoint.MODEL_FILE) + ", loss curve: " + out.resolve("loss.png"));
            console.println("next: jgrad linear-probe --encoder " + out);
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

    /** A seed for one purpose and one index, so that every random choice is a function of (seed, step). */
    static long mix(long seed, long purpose, long index) {
        return new Generator(seed * 0x9E3779B97F4A7C15L + purpose * 0xBF58476D1CE4E5B9L + index).nextLong();
    }

    private static int[] permutation(int n, Generator gen) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private double tailMean() {
        int k = Math.min(losses.size(), 20);
        double s = 0;
        for (int i = losses.size() - k; i < losses.size(); i++) s += losses.get(i);
        return s / k;
    }

    /** The settings a resumed run must repeat (everything that changes the computation). */
    private Map<String, String> config(ImageEncoder.Spec spec, int n, int b) {
        Map<String, String> c = new LinkedHashMap<>(spec.toMetadata());
        c.put("data", RepresentationData.dataDir(data).toAbsolutePath().normalize().toString());
        c.put("images", Integer.toString(n));
        c.put("proj_hidden", Integer.toString(projHidden));
        c.put("proj_dim", Integer.toString(projDim));
        c.put("proj_bn", Boolean.toString(projBn));
        c.put("temperature", Double.toString(temperature));
        c.put("batch", Integer.toString(b));
        c.put("epochs", Integer.toString(epochs));
        c.put("max_steps", Integer.toString(maxSteps));
        c.put("lr", Double.toString(lr));
        c.put("weight_decay", Double.toString(weightDecay));
        c.put("warmup", Double.toString(warmup));
        c.put("min_scale", Double.toString(minScale));
        c.put("jitter", Double.toString(jitter));
        c.put("blur", Double.toString(blur));
        c.put("noise", Double.toString(noise));
        c.put("seed", Long.toString(seed));
        return c;
    }

    private void save(ImageEncoder.Spec spec, Normalize normalize, int step, int totalSteps, Map<String, String> config) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(spec.toMetadata());
        meta.put("model", "simclr");
        meta.put("proj_hidden", Integer.toString(projHidden));
        meta.put("proj_dim", Integer.toString(projDim));
        meta.put("proj_bn", Boolean.toString(projBn));
        meta.put("normalize.mean", join(normalize.mean()));
        meta.put("normalize.std", join(normalize.std()));
        meta.put("step", Integer.toString(step));
        float[] l = new float[losses.size()];
        for (int i = 0; i < l.length; i++) l[i] = losses.get(i);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("train_loss", Tensor.of(l, l.length));
        Map<String, String> progress = new LinkedHashMap<>();
        progress.put("step", Integer.toString(step));
        progress.put("total_steps", Integer.toString(totalSteps));
        new TrainingCheckpoint(model.stateDict(), meta, optimizer.stateDict(), scheduler.stateDict(), tensors, progress, config).save(out);
        plot(spec);
    }

    private int restore(TrainingCheckpoint c) {
        try {
            model.loadStateDict(c.model());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--resume: " + out.resolve(TrainingCheckpoint.MODEL_FILE) + " does not fit the model: " + e.getMessage());
        }
        optimizer.loadStateDict(c.optimizer());
        scheduler.loadStateDict(c.scheduler());
        int step = (int) c.progressLong("step");
        Tensor l = c.tensors().get("train_loss");
        if (l == null || l.numel() != step) {
            throw new IllegalArgumentException("--resume: " + out.resolve(TrainingCheckpoint.TRAINING_FILE) + " has no loss history for its " + step + " steps");
        }
        for (float v : l.toArray()) losses.add(v);
        return step;
    }

    private void plot(ImageEncoder.Spec spec) throws IOException {
        if (losses.isEmpty()) return;
        double[] x = new double[losses.size()], y = new double[losses.size()], s = new double[losses.size()];
        double ema = losses.getFirst();
        for (int i = 0; i < y.length; i++) {
            x[i] = i + 1;
            y[i] = losses.get(i);
            ema = i == 0 ? y[i] : 0.95 * ema + 0.05 * y[i];
            s[i] = ema;
        }
        new LinePlot("SimCLR on " + data + ": " + spec.describe(), "step", "NT-Xent loss")
                .add("loss", x, y)
                .add("smoothed (EMA 0.95)", x, s)
                .savePng(out.resolve("loss.png"));
    }

    private static String join(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ",").append(v[i]);
        return sb.toString();
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
        if (resume && overwrite) throw new IllegalArgumentException("--resume and --overwrite contradict each other: choose one");
        ImageEncoder.Spec.parseLayers(layers);
    }

    private static void positive(String option, int value) {
        if (value < 1) throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
}
