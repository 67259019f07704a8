package dev.jgrad.cli;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.models.EncoderClassifier;
import dev.jgrad.models.ImageEncoder;
import dev.jgrad.models.LinearProbe;
import dev.jgrad.nn.Functional;
import dev.jgrad.optim.Adam;
import dev.jgrad.nn.Module;
import dev.jgrad.optim.CosineAnnealingLR;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.FitResult;
import dev.jgrad.train.Optimization;
import dev.jgrad.train.StepOutput;
import dev.jgrad.train.Trainer;
import dev.jgrad.train.TaskState;
import dev.jgrad.train.TrainingTask;
import dev.jgrad.vision.Augment;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Mnist;
import dev.jgrad.vision.Normalize;
import dev.jgrad.vision.RandomHorizontalFlip;
import dev.jgrad.vision.RandomResizedCrop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jgrad supervised}: the baseline for self-supervised pretraining, the same encoder and a linear head
 * trained end to end from scratch on a class-balanced fraction of the labels (the same subset as
 * {@code jgrad linear-probe --label-fraction} with the same seed), then scored on the test set. The model
 * is saved as one atomic safetensors file that linear-probe and visualize also read.
 */
@Command(name = "supervised",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Trains an encoder and a linear head from scratch on (a fraction of) the labels and reports test accuracy.",
                "It is the baseline for 'jgrad simclr' + 'jgrad linear-probe'; --checkpoint DIR copies the encoder "
                        + "architecture of a simclr run. Continue a stopped run with --resume."})
final class SupervisedCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "NAME|DIR", defaultValue = "fashion-mnist", description = RepresentationData.DATA_HELP)
    String data;

    @Option(names = "--label-fraction", paramLabel = "F", defaultValue = "0.01",
            description = "Share of the training labels, class-balanced and seeded as in linear-probe (default: ${DEFAULT-VALUE}).")
    double labelFraction;

    @Option(names = "--checkpoint", paramLabel = "DIR|FILE",
            description = "Use the encoder architecture of this checkpoint of 'jgrad simclr' or 'jgrad supervised' (not its weights).")
    Path checkpoint;

    @Option(names = "--arch", paramLabel = "NAME", defaultValue = "resnet", description = "resnet or cnn, without --checkpoint (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--width", paramLabel = "N", defaultValue = "16", description = "First stage's channels, without --checkpoint (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--layers", paramLabel = "N,N,..", defaultValue = "1,1,1,1", description = "Blocks per stage, without --checkpoint (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "60", description = "Passes over the labelled images (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", converter = PositiveInt.class, paramLabel = "N", defaultValue = "64", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "2e-3", description = "Peak Adam learning rate, cosine-decayed (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "5e-4", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Random crops (scale 0.5-1) and flips of the training images (default: ${DEFAULT-VALUE}).")
    boolean augment;

    @Option(names = "--limit-test", paramLabel = "N", defaultValue = "0", description = "Use only the first N test images, 0 for all.")
    int limitTest;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of the label subset, initialisation and order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/supervised",
            description = "Run directory: model.safetensors at the end, and checkpoint/ to --resume from (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    ResumeOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PrintStream console = System.out;
        long started = System.nanoTime();
        RunDirectory.ModelRun files = RunDirectory.ModelRun.of(out, spec.commandLine());
        LabeledImages train = RepresentationData.load(data, Mnist.Split.TRAIN);
        LabeledImages test = RepresentationData.limit(RepresentationData.load(data, Mnist.Split.TEST), limitTest);
        Normalize normalize = RepresentationData.normalizer(data, train.images());
        int[] subset = LinearProbe.balancedSubset(train.labels().data(), train.numClasses(), labelFraction, new Generator(seed));
        Tensor images = train.images().indexSelect(0, IntTensor.of(subset, subset.length)).contiguous();
        int[] labels = new int[subset.length];
        for (int i = 0; i < subset.length; i++) labels[i] = train.labels().data()[subset[i]];
        ImageEncoder.Spec encoder = checkpoint != null ? RepresentationData.loadEncoder(checkpoint).encoder().spec()
                : new ImageEncoder.Spec(arch, train.imageShape()[0], width, ImageEncoder.Spec.parseLayers(layers));
        EncoderClassifier model = new EncoderClassifier(new ImageEncoder(encoder, new Generator(seed + 1)), train.numClasses(), new Generator(seed + 2));
        int n = subset.length, b = Math.min(batch, n);
        int perEpoch = (n + b - 1) / b, total = perEpoch * epochs;
        Adam opt = new Adam(model.parameters(), Adam.options(lr).withWeightDecay(weightDecay));
        CosineAnnealingLR schedule = new CosineAnnealingLR(opt, total);
        Augment aug = Augment.of(new RandomResizedCrop(train.imageShape()[1], train.imageShape()[2], 0.5, 1.0, 3.0 / 4.0, 4.0 / 3.0),
                new RandomHorizontalFlip());
        console.printf(Locale.ROOT, "data: %s, %,d labelled training images (%s of %,d, class-balanced, seed %d), %,d test images%n", data, n,
                labelFraction, train.size(), seed, test.size());
        console.printf(Locale.ROOT, "model: encoder %s + linear head, %,d parameters; %d epochs of %d steps (batch %d), Adam lr %s cosine, weight decay %s, %s%n",
                encoder.describe(), model.numParameters(), epochs, perEpoch, b, lr, weightDecay, augment ? "crop+flip augmentation" : "no augmentation");
        Generator gen = new Generator(seed + 3);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        TrainingTask task = new TrainingTask() {
            @Override public Module model() { return model; }
            @Override public Optimization configureOptimizers(long totalSteps) { return new Optimization(opt, schedule); }
            // Batch norm needs two images: a last batch of one is skipped.
            @Override public long stepsPerEpoch() { return n / b + (n % b >= 2 ? 1 : 0); }
            @Override public Map<String, String> config() { return settings(encoder, n); }

            // The order is shuffled in place from epoch to epoch, and the generator also draws the augmentations.
            @Override
            public void saveState(TaskState state) {
                float[] saved = new float[n];
                for (int i = 0; i < n; i++) saved[i] = order[i];
                state.putTensor("order", Tensor.of(saved, n));
                state.putGenerator("rng", gen);
            }

            @Override
            public void loadState(TaskState state, long step) {
                float[] saved = state.tensor("order").toArray();
                for (int i = 0; i < n; i++) order[i] = (int) saved[i];
                state.restoreGenerator("rng", gen);
            }

            @Override
            public void onEpochStart(long epoch) {
                for (int i = n - 1; i > 0; i--) {
                    int j = gen.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }

            @Override
            public StepOutput trainingStep(long step) {
                int from = (int) (step % stepsPerEpoch()) * b, len = Math.min(b, n - from);
                int[] idx = java.util.Arrays.copyOfRange(order, from, from + len);
                Tensor x = images.indexSelect(0, IntTensor.of(idx, len)).contiguous();
                if (augment) x = aug.apply(x, gen);
                int[] y = new int[len];
                for (int k = 0; k < len; k++) y[k] = labels[idx[k]];
                return StepOutput.of(Functional.crossEntropy(model.forward(normalize.apply(x)), IntTensor.of(y, len)), len);
            }
        };
        files.checkStart(run); // before the first step, but after everything that can be wrong with the data
        FitResult r = Trainer.fit(task, files.trainerOptions(run).epochs(epochs).build(),
                new TrainingConsole("supervised", "img", new PrintWriter(console, true)).lossOnly());
        if (files.stopped(r, console)) return 0;
        Tensor logits = LinearProbe.extract(model, normalize.apply(test.images()), 500, null);
        int[] pred = logits.argmax(1, false).data(), testY = test.labels().data();
        int correct = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == testY[i]) correct++;
        double acc = (double) correct / pred.length;
        Map<String, String> meta = new LinkedHashMap<>(encoder.toMetadata());
        meta.put("model", "supervised");
        meta.put("num_classes", Integer.toString(train.numClasses()));
        meta.put("label_fraction", Double.toString(labelFraction));
        meta.put("labels", Integer.toString(n));
        meta.put("seed", Long.toString(seed));
        meta.put("test_accuracy", Double.toString(acc));
        meta.putAll(normalize.toMetadata());
        Path file = files.model();
        Files.createDirectories(file.toAbsolutePath().getParent());
        SafeTensors.save(file, model.stateDict(), meta);
        console.printf(Locale.ROOT, "supervised from scratch on %,d labels: final train loss %.4f, test accuracy %.4f (%d/%d); %s; model: %s%n",
                n, r.losses().size() == 0 ? 0 : r.losses().tailMean(r.losses().size()), acc, correct, pred.length, ConsoleFormat.duration((System.nanoTime() - started) / 1e9), file);
        console.flush();
        return 0;
    }

    /** The settings a resumed run must repeat. */
    private Map<String, String> settings(ImageEncoder.Spec encoder, int labelled) {
        Map<String, String> c = new LinkedHashMap<>(encoder.toMetadata());
        String dataset = DefaultData.imageDataset(data);
        c.put("data", dataset != null ? dataset : Path.of(data).toAbsolutePath().normalize().toString());
        c.put("labels", Integer.toString(labelled));
        for (Object[] kv : new Object[][] {{"label-fraction", labelFraction}, {"epochs", epochs}, {"batch", batch}, {"lr", lr},
                {"weight-decay", weightDecay}, {"augment", augment}, {"seed", seed}}) {
            c.put((String) kv[0], String.valueOf(kv[1]));
        }
        return c;
    }

    private void checkOptions() {
        if (!(labelFraction > 0 && labelFraction <= 1)) throw new IllegalArgumentException("--label-fraction must be in (0, 1], got " + labelFraction);
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be positive, got " + epochs);
        if (batch < 2) throw new IllegalArgumentException("--batch must be at least 2 (batch norm), got " + batch);
        if (width < 1) throw new IllegalArgumentException("--width must be positive, got " + width);
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        if (limitTest < 0) throw new IllegalArgumentException("--limit-test must be >= 0 (0: all)");
    }
}
