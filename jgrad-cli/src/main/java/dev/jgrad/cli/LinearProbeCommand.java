package dev.jgrad.cli;

import dev.jgrad.inference.ImageEmbedder;
import dev.jgrad.models.ImageEncoder;
import dev.jgrad.models.LinearProbe;
import dev.jgrad.nn.Flatten;
import dev.jgrad.nn.UnaryModule;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Mnist;
import dev.jgrad.vision.Normalize;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;

/**
 * {@code jgrad linear-probe}: linear evaluation of a frozen encoder. Features of the training and test images
 * are computed once (eval mode, no graph), then a logistic-regression layer is trained on them for each
 * --label-fraction (a class-balanced, seeded subset of the training labels) and scored on the test set.
 * With --pixels the "encoder" is the identity on raw pixels (the classic baseline), with --random an
 * untrained encoder (what the architecture gives before any learning).
 */
@Command(name = "linear-probe",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Trains a linear classifier on frozen features and reports test accuracy.",
                "The features are those of a 'jgrad simclr' or 'jgrad supervised' encoder (--checkpoint), "
                        + "raw pixels (--pixels) or an untrained encoder (--random).",
                "--label-fraction 1,0.01 trains one probe on all labels and one on 1%%."})
final class LinearProbeCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--checkpoint", paramLabel = "DIR|FILE", description = "A checkpoint of 'jgrad simclr' or 'jgrad supervised' (run directory or model.safetensors).")
        Path checkpoint;

        @Option(names = "--pixels", description = "Raw pixels as features (the baseline).")
        boolean pixels;

        @Option(names = "--random", description = "An untrained encoder of --arch/--width/--layers (the control).")
        boolean random;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--data", paramLabel = "NAME|DIR", defaultValue = "fashion-mnist", description = RepresentationData.DATA_HELP)
    String data;

    @Option(names = "--label-fraction", paramLabel = "F", split = ",", defaultValue = "1",
            description = "Share(s) of the training labels to train on, class-balanced (default: ${DEFAULT-VALUE}).")
    List<Double> labelFractions;

    @Option(names = "--arch", paramLabel = "NAME", defaultValue = "resnet", description = "With --random: resnet or cnn (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--width", paramLabel = "N", defaultValue = "16", description = "With --random: first stage's channels (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--layers", paramLabel = "N,N,..", defaultValue = "1,1,1,1", description = "With --random: blocks per stage (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--readout", paramLabel = "KIND", defaultValue = "pooled",
            description = {"Which features of an encoder: pooled (the globally pooled output, SimCLR's h) or multiscale",
                    "(every body stage's output averaged over positions and concatenated) (default: ${DEFAULT-VALUE})."})
    String readout;

    @Option(names = "--max-steps", paramLabel = "N", defaultValue = "3000", description = "Optimiser steps of each probe (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-2", description = "Peak Adam learning rate, cosine-decayed (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "1e-4", description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--batch", converter = PositiveInt.class, paramLabel = "N", defaultValue = "256", description = "Probe mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--feature-batch", paramLabel = "N", defaultValue = "500", description = "Images per forward pass when computing features (default: ${DEFAULT-VALUE}).")
    int featureBatch;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N training images, 0 for all.")
    int limit;

    @Option(names = "--limit-test", paramLabel = "N", defaultValue = "0", description = "Use only the first N test images, 0 for all.")
    int limitTest;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of the label subsets and the probes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PrintStream console = System.out;
        long started = System.nanoTime();
        LabeledImages train = RepresentationData.limit(RepresentationData.load(data, Mnist.Split.TRAIN), limit);
        LabeledImages test = RepresentationData.limit(RepresentationData.load(data, Mnist.Split.TEST), limitTest);
        Normalize normalize = RepresentationData.normalizer(data, train.images());
        UnaryModule encoder;
        String what;
        if (source.pixels) {
            encoder = new Flatten();
            what = "raw pixels";
        } else if (source.random) {
            ImageEncoder.Spec spec = new ImageEncoder.Spec(arch, train.imageShape()[0], width, ImageEncoder.Spec.parseLayers(layers));
            encoder = new ImageEncoder(spec, new Generator(seed));
            what = "untrained " + spec.describe();
        } else {
            ImageEmbedder loaded = RepresentationData.loadEncoder(source.checkpoint);
            if (loaded.normalize() != null) normalize = loaded.normalize();
            encoder = loaded.encoder();
            what = loaded.encoder().spec().describe() + " from " + source.checkpoint;
        }
        if (readout.equals("multiscale")) {
            if (!(encoder instanceof ImageEncoder e)) throw new IllegalArgumentException("--readout multiscale needs an encoder (--checkpoint or --random), not --pixels");
            encoder = new MultiScale(e);
            what += ", multiscale readout of " + e.bodyStages();
        }
        console.printf(Locale.ROOT, "features: %s; data: %s, %,d training and %,d test images%n", what, data, train.size(), test.size());
        Tensor trainX, testX;
        long t0 = System.nanoTime();
        int batches = (train.size() + featureBatch - 1) / featureBatch + (test.size() + featureBatch - 1) / featureBatch;
        try (ProgressBar bar = new ProgressBar("features", batches, "img")) {
            int[] done = {0};
            IntConsumer step = k -> {
                bar.step(k - done[0]);
                done[0] = k;
            };
            trainX = LinearProbe.extract(encoder, normalize.apply(train.images()), featureBatch, step);
            done[0] = 0;
            testX = LinearProbe.extract(encoder, normalize.apply(test.images()), featureBatch, step);
        }
        console.printf(Locale.ROOT, "features: %d per image, computed in %s%n", trainX.size(1), ConsoleFormat.duration((System.nanoTime() - t0) / 1e9));
        int[] trainY = train.labels().data(), testY = test.labels().data();
        LinearProbe.Options options = new LinearProbe.Options(steps, lr, weightDecay, batch, seed);
        List<String> summary = new ArrayList<>();
        for (double fraction : labelFractions) {
            int[] subset = fraction >= 1 ? null : LinearProbe.balancedSubset(trainY, train.numClasses(), fraction, new Generator(seed));
            Tensor x = subset == null ? trainX : trainX.indexSelect(0, IntTensor.of(subset, subset.length));
            int[] y = subset == null ? trainY : pick(trainY, subset);
            long p0 = System.nanoTime();
            LinearProbe probe = LinearProbe.fit(x, y, train.numClasses(), options);
            double trainAcc = probe.accuracy(x, y), testAcc = probe.accuracy(testX, testY);
            String line = String.format(Locale.ROOT, "label fraction %s (%,d labels%s): probe train accuracy %.4f, test accuracy %.4f (%d test images); %s",
                    fraction, y.length, subset == null ? "" : ", class-balanced, seed " + seed, trainAcc, testAcc, testY.length,
                    ConsoleFormat.duration((System.nanoTime() - p0) / 1e9));
            console.println(line);
            summary.add(String.format(Locale.ROOT, "%s: %.2f%%", fraction >= 1 ? "all labels" : (fraction * 100) + "% of labels", 100 * testAcc));
        }
        console.printf(Locale.ROOT, "linear probe on %s: test accuracy %s; total %s%n", what, String.join(", ", summary),
                ConsoleFormat.duration((System.nanoTime() - started) / 1e9));
        console.flush();
        return 0;
    }

    /** An encoder read out at every body stage (see ImageEncoder.multiScaleFeatures). */
    @SuppressWarnings("this-escape")
    private static final class MultiScale extends dev.jgrad.nn.Module implements UnaryModule {
        private final ImageEncoder encoder;

        MultiScale(ImageEncoder encoder) {
            this.encoder = registerModule("encoder", encoder);
        }

        @Override
        public Tensor forward(Tensor x) {
            return encoder.multiScaleFeatures(x);
        }
    }

    private static int[] pick(int[] labels, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = labels[idx[i]];
        return out;
    }

    private void checkOptions() {
        for (double f : labelFractions) {
            if (!(f > 0 && f <= 1)) throw new IllegalArgumentException("--label-fraction must be in (0, 1], got " + f);
        }
        if (steps < 1) throw new IllegalArgumentException("--max-steps must be positive, got " + steps);
        if (batch < 1) throw new IllegalArgumentException("--batch must be positive, got " + batch);
        if (featureBatch < 1) throw new IllegalArgumentException("--feature-batch must be positive, got " + featureBatch);
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be positive, got " + lr);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        if (!readout.equals("pooled") && !readout.equals("multiscale")) {
            throw new IllegalArgumentException("--readout must be pooled or multiscale, got '" + readout + "'");
        }
        if (limit < 0 || limitTest < 0) throw new IllegalArgumentException("--limit and --limit-test must be >= 0 (0: all)");
    }
}
