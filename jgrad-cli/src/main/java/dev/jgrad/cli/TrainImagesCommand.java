package dev.jgrad.cli;

import dev.jgrad.models.ImageClassifierCheckpoint;
import dev.jgrad.models.ResNet;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.SGD;
import dev.jgrad.tensor.Generator;
import dev.jgrad.train.Shard;
import dev.jgrad.train.TrainingStrategy;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Normalize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jgrad train images}: a ResNet image classifier trained from scratch (MNIST by default), saved as one
 * safetensors checkpoint that {@code jgrad finetune} takes as its starting point.
 *
 * <p>With {@code --spark MASTER} the steps are data-parallel on Apache Spark ({@link DataParallelOptions}): worker i of
 * N trains a replica ({@link ImageReplicas}) on rows i*B/N to (i+1)*B/N of every global batch of B images, its batch
 * norms normalising by the statistics of its own rows (see {@link ImageClassifierTask}).
 */
@Command(name = "images",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Trains a ResNet image classifier from scratch (by default a small ResNet on MNIST).",
                "Saves it with its class names and input normalisation as model.safetensors in --out; "
                        + "'jgrad finetune' starts from such a model. Continue a stopped run with --resume.",
                "With --spark MASTER: data-parallel training on Apache Spark, each worker taking its share of every batch."})
final class TrainImagesCommand implements Callable<Integer> {

    @Mixin
    ImageDataOptions data;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "resnet-small",
            description = "resnet18, resnet34, resnet50, resnet101, resnet152 (torchvision's), or resnet-small: BasicBlocks [1,1,1,1], "
                    + "width 16, small-input stem (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--width", paramLabel = "N", defaultValue = "0",
            description = "Channels of the stem and layer1, doubled at each later stage; 0 keeps the model's (64, or 16 for resnet-small).")
    int width;

    @Option(names = "--small-input", negatable = true,
            description = "3x3 stride-1 stem without max-pool (default: on for images of at most 64 pixels a side).")
    Boolean smallInput;

    @Option(names = "--zero-init-residual", description = "Start every residual branch at zero (the last batch norm's weight).")
    boolean zeroInitResidual;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "sgd", description = "sgd (with momentum) or adam (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.05", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "5e-4", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "cosine",
            description = "cosine (annealed to 0 over the run, per batch) or constant (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "2", description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--eval-every-epochs", paramLabel = "N", defaultValue = "1",
            description = "Test after every N epochs, 0 only after the last (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--augment", paramLabel = "KIND", defaultValue = "none",
            description = "Training augmentation: none, flip, crop (random shifts of up to 2 pixels) or flip-crop (default: ${DEFAULT-VALUE}).")
    String augment;

    @Option(names = "--batch", converter = PositiveInt.class, paramLabel = "N", defaultValue = "64", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1234", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/images",
            description = "Run directory: model.safetensors at the end (written atomically), and checkpoint/ to --resume from "
                    + "(default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    ResumeOptions run;

    @Mixin
    DataParallelOptions parallel;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PrintStream console = System.out;
        RunDirectory.ModelRun files = RunDirectory.ModelRun.of(out, spec.commandLine());
        Setup s = setup(Shard.WHOLE, console);
        files.checkStart(run); // before the first step, but after everything that can be wrong with the data
        parallel.checkResume(files.checkpoints(), run.resume);
        TrainingStrategy strategy = parallel.strategy(ImageReplicas.of(DataParallelOptions.argsOf(spec), data));
        ImageTraining.Result r = ImageTraining.fit(s.task(), files.trainerOptions(run).epochs(epochs).evalEveryEpochs(evalEvery)
                .checkpointEverySteps(parallel.checkpointEvery()).build(), strategy, console);
        if (files.stopped(r.fit(), console)) return 0;

        Map<String, String> info = new LinkedHashMap<>();
        info.put("command", "train images");
        info.put("data", s.loaded().name());
        info.put("train_images", Integer.toString(s.loaded().train().size()));
        info.put("epochs", Integer.toString(epochs));
        info.put("augment", augment);
        info.put("test_accuracy", Double.toString(r.testAccuracy()));
        info.put("seed", Long.toString(seed));
        save(new ImageClassifierCheckpoint(s.net(), s.loaded().train().classes(), s.norm(), info), files.model());
        console.printf(Locale.ROOT, "test accuracy %.4f (%,d images); %s wall time, %.0f training images/s; saved %s%n", r.testAccuracy(),
                s.loaded().test().size(), ConsoleFormat.duration(r.seconds()), r.imagesPerSecond(), files.model());
        return 0;
    }

    private void checkOptions() {
        ImageTraining.augmentation(augment);
        checkPositive("--epochs", epochs);
        checkPositive("--batch", batch);
        parseSchedule(schedule);
        checkEvalEvery(evalEvery);
    }

    /**
     * What the options train: the data as read, the network, the input normalisation fitted on the training images, and
     * the task that trains on {@code shard} of every batch.
     */
    record Setup(ImageDataOptions.Loaded loaded, ResNet net, Normalize norm, ImageClassifierTask task) {}

    /**
     * Reads the data and builds the network and its task, saying what it found on {@code console}: the same, from the
     * same options, in the single process and in each data-parallel worker ({@link ImageReplicas}).
     */
    Setup setup(Shard shard, PrintStream console) throws IOException {
        ImageDataOptions.Loaded loaded = data.load(seed, console);
        int[] shape = loaded.train().imageShape();
        boolean small = smallInput != null ? smallInput : Math.max(shape[1], shape[2]) <= 64;
        ResNet.Config config = modelConfig(model, loaded.train().numClasses())
                .withInChannels(shape[0]).withSmallInput(small).withZeroInitResidual(zeroInitResidual);
        if (width > 0) config = config.withWidth(width);
        Generator gen = new Generator(seed);
        ResNet net = new ResNet(config, gen);

        Normalize norm = Normalize.fit(loaded.train().images());
        LabeledImages train = ImageTraining.prepare(loaded.train(), shape[0], norm, "training");
        LabeledImages test = ImageTraining.prepare(loaded.test(), shape[0], norm, "test");
        Optimizer<?, ?> opt = optimizer(optimizer, net.parameters(), lr, momentum, weightDecay);
        boolean cosine = parseSchedule(schedule);
        console.printf(Locale.ROOT, "model: %s, %,d parameters; %s lr %s%s, weight decay %s, %s schedule, batch %d, %d epochs; normalise %s%n",
                config.describe(), net.numParameters(), optimizer, lr, optimizer.equals("sgd") ? " momentum " + momentum : "", weightDecay,
                cosine ? "cosine" : "constant", batch, epochs, norm);

        Map<String, String> settings = data.settings(loaded, train.size(), seed);
        settings.put("model", config.describe());
        for (Object[] kv : new Object[][] {{"optimizer", optimizer}, {"lr", lr}, {"momentum", momentum}, {"weight-decay", weightDecay},
                {"schedule", schedule}, {"epochs", epochs}, {"augment", augment}, {"batch", batch}}) {
            settings.put((String) kv[0], String.valueOf(kv[1]));
        }
        ImageClassifierTask.Recipe recipe = new ImageClassifierTask.Recipe(cosine, false, batch, ImageTraining.augmentation(augment), seed);
        return new Setup(loaded, net, norm, new ImageClassifierTask(net, opt, train, test, recipe, settings, shard));
    }

    static ResNet.Config modelConfig(String name, int numClasses) {
        if (name.equalsIgnoreCase("resnet-small")) {
            return ResNet.Config.of(ResNet.Block.BASIC, List.of(1, 1, 1, 1), numClasses).withWidth(16).withSmallInput(true);
        }
        try {
            return ResNet.Config.named(name, numClasses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--model: " + e.getMessage() + ", or resnet-small");
        }
    }

    static Optimizer<?, ?> optimizer(String name, List<? extends dev.jgrad.tensor.Tensor> params, double lr, double momentum, double wd) {
        return switch (name) {
            case "sgd" -> new SGD(params, SGD.options(lr).withMomentum(momentum).withWeightDecay(wd));
            case "adam" -> new Adam(params, Adam.options(lr).withWeightDecay(wd));
            default -> throw new IllegalArgumentException("--optimizer must be sgd or adam, got '" + name + "'");
        };
    }

    static boolean parseSchedule(String s) {
        return switch (s) {
            case "cosine" -> true;
            case "constant" -> false;
            default -> throw new IllegalArgumentException("--schedule must be cosine or constant, got '" + s + "'");
        };
    }

    static void checkEvalEvery(int epochs) {
        if (epochs < 0) throw new IllegalArgumentException("--eval-every-epochs must be >= 0 (0 = only after the last epoch), got " + epochs);
    }

    static void checkPositive(String option, int value) {
        if (value < 1) throw new IllegalArgumentException(option + " must be positive, got " + value);
    }

    static void save(ImageClassifierCheckpoint ckpt, Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        ckpt.save(out);
    }
}
