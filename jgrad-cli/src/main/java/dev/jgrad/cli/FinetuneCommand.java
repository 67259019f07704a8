package dev.jgrad.cli;

import dev.jgrad.models.ImageClassifierCheckpoint;
import dev.jgrad.models.ResNet;
import dev.jgrad.models.Transfer;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.Optimizer;
import dev.jgrad.optim.SGD;
import dev.jgrad.tensor.Generator;
import dev.jgrad.train.LocalStrategy;
import dev.jgrad.train.Shard;
import dev.jgrad.vision.Augment;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Normalize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jgrad finetune}: transfer learning from a ResNet checkpoint (ours, or a torchvision ResNet exported
 * to safetensors) to a new labelled image set: a new classifier head, the last K stages trained (the rest
 * frozen, their batch norms in eval mode), earlier stages with geometrically smaller learning rates.
 */
@Command(name = "finetune",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Fine-tunes a pretrained ResNet on new labelled images.",
                "The network comes from 'jgrad train images' or 'jgrad finetune', or is a torchvision ResNet state_dict "
                        + "saved as safetensors; it gets a new head for the new classes, its last --train-blocks stages are trained, "
                        + "the rest frozen. Continue a stopped run with --resume."})
final class FinetuneCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR|FILE",
            description = "The pretrained network: a run directory of 'jgrad train images' or 'jgrad finetune', or a .safetensors file.")
    Path checkpoint;

    @Mixin
    ImageDataOptions data;

    @Option(names = "--num-classes", paramLabel = "N", defaultValue = "0",
            description = "Classes of the new head; 0 takes the data's (default), another value must agree with it.")
    int numClasses;

    @Option(names = "--train-blocks", paramLabel = "K|all", defaultValue = "all",
            description = "How many of the last stages to train besides the head: 0 trains only the head (a linear probe), "
                    + "4 all of a ResNet's stages but the stem, all everything (default: ${DEFAULT-VALUE}).")
    String trainBlocks;

    @Option(names = "--keep-head", description = "Keep the checkpoint's classifier (same classes) instead of a new one.")
    boolean keepHead;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "sgd", description = "sgd (with momentum) or adam (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "0.01", description = "Learning rate of the head (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-decay", paramLabel = "F", defaultValue = "1",
            description = "Each stage further from the head gets F times the learning rate of the next one, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double lrDecay;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "5e-4", description = "Weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--schedule", paramLabel = "NAME", defaultValue = "cosine", description = "cosine or constant (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--train-frozen-bn", description = "Let frozen stages' batch norms use and update batch statistics (default: they stay in eval mode).")
    boolean trainFrozenBn;

    @Option(names = "--normalize", paramLabel = "KIND", defaultValue = "auto",
            description = "Input normalisation: checkpoint (the pretraining's), data (the new training images'), imagenet, "
                    + "or auto: the checkpoint's when it has one, else ImageNet's for a 3-channel network, else the data's (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5", description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/finetune",
            description = "Run directory: the fine-tuned model.safetensors at the end (written atomically), and checkpoint/ to --resume from "
                    + "(default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    ResumeOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Augment augmentation = ImageTraining.augmentation(augment);
        TrainImagesCommand.checkPositive("--epochs", epochs);
        TrainImagesCommand.checkPositive("--batch", batch);
        boolean cosine = TrainImagesCommand.parseSchedule(schedule);
        int blocks = parseBlocks(trainBlocks);
        TrainImagesCommand.checkEvalEvery(evalEvery);
        PrintStream console = System.out;
        RunDirectory.ModelRun files = RunDirectory.ModelRun.of(out, spec.commandLine());

        ImageClassifierCheckpoint pre = ImageClassifierCheckpoint.load(RunDirectory.modelFile(checkpoint));
        ResNet net = pre.model();
        console.printf(Locale.ROOT, "checkpoint: %s, %s, %,d parameters%s%n", checkpoint, net.config().describe(), net.numParameters(),
                pre.info().containsKey("test_accuracy") ? ", test accuracy " + pre.info().get("test_accuracy") + " on " + pre.info().get("data") : "");
        ImageDataOptions.Loaded loaded = data.load(seed, console);
        int classes = loaded.train().numClasses();
        if (numClasses != 0 && numClasses != classes) {
            throw new IllegalArgumentException("--num-classes " + numClasses + " but the data has " + classes + " classes " + loaded.train().classes());
        }
        Generator gen = new Generator(seed);
        if (keepHead) {
            if (net.config().numClasses() != classes) {
                throw new IllegalArgumentException("--keep-head: the checkpoint's head has " + net.config().numClasses() + " classes but the data "
                        + classes);
            }
        } else {
            net.replaceHead(classes, gen);
        }
        int channels = net.config().inChannels();
        Normalize norm = chooseNormalize(normalize, pre.normalize(), channels, loaded.train());
        LabeledImages train = ImageTraining.prepare(loaded.train(), channels, norm, "training");
        LabeledImages test = ImageTraining.prepare(loaded.test(), channels, norm, "test");

        Transfer.trainableBlocks(net, blocks);
        double zeroShot = keepHead ? ImageTraining.evaluate(net, test) : Double.NaN;
        Optimizer<?, ?> opt = switch (optimizer) {
            case "sgd" -> new SGD(Transfer.layerwiseGroups(net, SGD.options(lr).withMomentum(momentum).withWeightDecay(weightDecay), lrDecay));
            case "adam" -> new Adam(Transfer.layerwiseGroups(net, Adam.options(lr).withWeightDecay(weightDecay), lrDecay));
            default -> throw new IllegalArgumentException("--optimizer must be sgd or adam, got '" + optimizer + "'");
        };
        StringBuilder lrs = new StringBuilder();
        for (var g : opt.paramGroups()) lrs.append(lrs.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.3g", g.lr()));
        console.printf(Locale.ROOT, "fine-tuning: %s, %,d of %,d parameters trainable; %s learning rates from the head down: %s; %s schedule, "
                        + "batch %d, %d epochs; normalise %s%s%n",
                blocks == Transfer.ALL ? "all layers" : blocks == 0 ? "head only" : "head and the last " + blocks + " stage" + (blocks == 1 ? "" : "s"),
                net.numParameters(true), net.numParameters(), optimizer, lrs, cosine ? "cosine" : "constant", batch, epochs, norm,
                Double.isNaN(zeroShot) ? "" : String.format(Locale.ROOT, "; test accuracy before: %.4f", zeroShot));

        Map<String, String> settings = data.settings(loaded, train.size(), seed);
        for (Object[] kv : new Object[][] {{"train-blocks", trainBlocks}, {"keep-head", keepHead}, {"optimizer", optimizer}, {"lr", lr},
                {"lr-decay", lrDecay}, {"momentum", momentum}, {"weight-decay", weightDecay}, {"schedule", schedule}, {"train-frozen-bn", trainFrozenBn},
                {"normalize", norm}, {"epochs", epochs}, {"augment", augment}, {"batch", batch}}) {
            settings.put((String) kv[0], String.valueOf(kv[1]));
        }
        files.checkStart(run); // before the first step, but after everything that can be wrong with the data
        ImageClassifierTask task = new ImageClassifierTask(net, opt, train, test,
                new ImageClassifierTask.Recipe(cosine, !trainFrozenBn, batch, augmentation, seed), settings, Shard.WHOLE);
        ImageTraining.Result r = ImageTraining.fit(task, files.trainerOptions(run).epochs(epochs).evalEveryEpochs(evalEvery).build(),
                new LocalStrategy(), console);
        if (files.stopped(r.fit(), console)) return 0;

        net.requiresGrad(true); // the saved model is an ordinary network again
        Map<String, String> info = new LinkedHashMap<>();
        info.put("command", "finetune");
        info.put("pretrained", checkpoint.toString());
        info.put("data", loaded.name());
        info.put("train_images", Integer.toString(train.size()));
        info.put("train_blocks", trainBlocks);
        info.put("lr", Double.toString(lr));
        info.put("lr_decay", Double.toString(lrDecay));
        info.put("epochs", Integer.toString(epochs));
        info.put("augment", augment);
        info.put("test_accuracy", Double.toString(r.testAccuracy()));
        info.put("seed", Long.toString(seed));
        TrainImagesCommand.save(new ImageClassifierCheckpoint(net, loaded.train().classes(), norm, info), files.model());
        console.printf(Locale.ROOT, "test accuracy %.4f (%,d images); %s wall time, %.0f training images/s; saved %s%n", r.testAccuracy(), test.size(),
                ConsoleFormat.duration(r.seconds()), r.imagesPerSecond(), files.model());
        return 0;
    }

    static int parseBlocks(String s) {
        if (s.equalsIgnoreCase("all")) return Transfer.ALL;
        try {
            int k = Integer.parseInt(s.strip());
            if (k >= 0) return k;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--train-blocks must be a number of stages >= 0 or 'all', got '" + s + "'");
    }

    static Normalize chooseNormalize(String kind, Normalize fromCheckpoint, int channels, LabeledImages train) {
        Normalize norm = switch (kind) {
            case "auto" -> fromCheckpoint != null ? fromCheckpoint : channels == 3 ? Normalize.IMAGENET : Normalize.fit(train.images());
            case "checkpoint" -> {
                if (fromCheckpoint == null) throw new IllegalArgumentException("--normalize checkpoint: the checkpoint records no normalisation");
                yield fromCheckpoint;
            }
            case "data" -> Normalize.fit(train.images());
            case "imagenet" -> Normalize.IMAGENET;
            default -> throw new IllegalArgumentException("--normalize must be auto, checkpoint, data or imagenet, got '" + kind + "'");
        };
        // Statistics of grey images serve an RGB network fed with the grey channel repeated.
        if (norm.mean().length == 1 && channels == 3) {
            float m = norm.mean()[0], s = norm.std()[0];
            norm = new Normalize(new float[] {m, m, m}, new float[] {s, s, s});
        }
        if (norm.mean().length != channels) {
            throw new IllegalArgumentException("--normalize " + kind + " gives " + norm.mean().length + " channel(s), but the network takes " + channels);
        }
        return norm;
    }
}
