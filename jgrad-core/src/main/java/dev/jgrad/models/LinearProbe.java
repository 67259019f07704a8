package dev.jgrad.models;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.UnaryModule;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.CosineAnnealingLR;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * Linear evaluation of a representation ("linear probe"): a logistic-regression classifier trained on frozen
 * features, the standard measure of what a self-supervised encoder has learnt. Features are computed once
 * ({@link #extract}, in eval mode and without a graph), standardised with the training features' mean and
 * standard deviation, and a Linear(F, classes) is trained with Adam and a cosine learning-rate decay over a
 * fixed number of mini-batch steps; cheap, since only F x classes weights learn.
 *
 * <p>{@link #balancedSubset} picks a class-balanced, seeded fraction of the labels (the "1% of the labels"
 * setting of semi-supervised evaluations).
 */
public final class LinearProbe {

    /**
     * Training of the linear layer: optimiser steps, peak learning rate, L2 weight decay, mini-batch size, seed.
     *
     * @param steps       Adam steps, at least 1; the cosine decay ends with them
     * @param lr          the peak learning rate, positive
     * @param weightDecay Adam's L2 weight decay, {@code >= 0}
     * @param batchSize   examples per step, at least 1 (capped at the number of examples)
     * @param seed        the seed of the head's initial weights and of the shuffling
     */
    public record Options(int steps, double lr, double weightDecay, int batchSize, long seed) {
        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException if steps, learning rate or batch size is not positive, or the weight
         *                                  decay is negative
         */
        public Options {
            if (steps < 1) throw new IllegalArgumentException("LinearProbe: steps must be positive, got " + steps);
            if (!(lr > 0)) throw new IllegalArgumentException("LinearProbe: learning rate must be positive, got " + lr);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("LinearProbe: weight decay must be non-negative, got " + weightDecay);
            if (batchSize < 1) throw new IllegalArgumentException("LinearProbe: batch size must be positive, got " + batchSize);
        }

        /**
         * 3000 steps at learning rate 0.01, weight decay 1e-4, 256 examples per step, seed 0.
         *
         * @return the default options
         */
        public static Options defaults() {
            return new Options(3000, 1e-2, 1e-4, 256, 0);
        }

        /**
         * These options with another number of steps.
         *
         * @param s Adam steps, at least 1
         * @return new options
         */
        public Options withSteps(int s) {
            return new Options(s, lr, weightDecay, batchSize, seed);
        }

        /**
         * These options with another peak learning rate.
         *
         * @param v the learning rate, positive
         * @return new options
         */
        public Options withLr(double v) {
            return new Options(steps, v, weightDecay, batchSize, seed);
        }

        /**
         * These options with another weight decay.
         *
         * @param v the L2 weight decay, {@code >= 0}
         * @return new options
         */
        public Options withWeightDecay(double v) {
            return new Options(steps, lr, v, batchSize, seed);
        }

        /**
         * These options with another mini-batch size.
         *
         * @param b examples per step, at least 1
         * @return new options
         */
        public Options withBatchSize(int b) {
            return new Options(steps, lr, weightDecay, b, seed);
        }

        /**
         * These options with another seed.
         *
         * @param s the seed of the head's initial weights and of the shuffling
         * @return new options
         */
        public Options withSeed(long s) {
            return new Options(steps, lr, weightDecay, batchSize, s);
        }
    }

    private final float[] mean, std;
    private final Linear linear;
    private final double trainLoss;

    private LinearProbe(float[] mean, float[] std, Linear linear, double trainLoss) {
        this.mean = mean;
        this.std = std;
        this.linear = linear;
        this.trainLoss = trainLoss;
    }

    /**
     * The trained layer (on standardised features).
     *
     * @return the Linear(F, classes) that scores standardised features
     */
    public Linear linear() {
        return linear;
    }

    /**
     * Mean cross-entropy over the last 10% of the training steps.
     *
     * @return the training loss at the end of fitting, in nats
     */
    public double trainLoss() {
        return trainLoss;
    }

    /**
     * Features [N, F] of images [N, C, H, W] in batches, with the encoder in eval mode (batch norms use
     * their running statistics) and no autograd graph; the encoder's training flag is restored afterwards.
     * The listener, if any, hears the number of images done after each batch.
     *
     * @param encoder   a {@link Module} that maps images [B, C, H, W] to features [B, F] (an {@link ImageEncoder})
     * @param images    the images, of shape [N, C, H, W]
     * @param batchSize images per forward pass, at least 1
     * @param progress  told the number of images done after each batch; may be null
     * @return the features, of shape [N, F]
     * @throws IllegalArgumentException if the images are not 4-d or there are none, the batch size is not positive, or
     *                                  the encoder's output is not 2-d
     */
    public static Tensor extract(UnaryModule encoder, Tensor images, int batchSize, IntConsumer progress) {
        if (images.dim() != 4) throw new IllegalArgumentException("LinearProbe.extract: expected images [N, C, H, W], got shape " + Shape.str(images.shape()));
        if (batchSize < 1) throw new IllegalArgumentException("LinearProbe.extract: batch size must be positive, got " + batchSize);
        Module m = (Module) encoder;
        boolean wasTraining = m.isTraining();
        m.eval();
        int n = images.size(0);
        List<Tensor> parts = new ArrayList<>();
        try (var _ = GradMode.noGrad()) {
            for (int from = 0; from < n; from += batchSize) {
                int len = Math.min(batchSize, n - from);
                Tensor f = encoder.forward(images.narrow(0, from, len).contiguous());
                if (f.dim() != 2) {
                    throw new IllegalArgumentException("LinearProbe.extract: the encoder must give features [N, F], got shape " + Shape.str(f.shape()));
                }
                parts.add(f.contiguous());
                if (progress != null) progress.accept(from + len);
            }
        } finally {
            m.train(wasTraining);
        }
        if (parts.isEmpty()) throw new IllegalArgumentException("LinearProbe.extract: no images");
        return parts.size() == 1 ? parts.getFirst() : Tensor.cat(parts, 0);
    }

    /**
     * Trains the probe on features [N, F] with labels in [0, numClasses).
     *
     * @param features   the training features, of shape [N, F] (from {@link #extract})
     * @param labels     one class per row, each in [0, numClasses)
     * @param numClasses classes the probe scores
     * @param options    steps, learning rate, weight decay, batch size and seed
     * @return the trained probe, which standardises features with the training features' statistics
     * @throws IllegalArgumentException if the features are not 2-d, there is not one label per row, there are no
     *                                  examples, or a label is out of range
     */
    public static LinearProbe fit(Tensor features, int[] labels, int numClasses, Options options) {
        checkData("fit", features, labels);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("LinearProbe.fit: label " + labels[i] + " of example " + i + " is not in [0, " + numClasses + ")");
            }
        }
        int n = features.size(0), f = features.size(1);
        float[] x = features.contiguous().toArray();
        float[] mean = new float[f], std = new float[f];
        for (int j = 0; j < f; j++) {
            double s = 0, ss = 0;
            for (int i = 0; i < n; i++) s += x[i * f + j];
            double m = s / n;
            for (int i = 0; i < n; i++) {
                double d = x[i * f + j] - m;
                ss += d * d;
            }
            mean[j] = (float) m;
            double sd = Math.sqrt(ss / n);
            std[j] = (float) (sd > 1e-6 ? sd : 1.0); // a constant feature carries nothing; keep it at 0
        }
        standardise(x, n, f, mean, std);
        Generator gen = new Generator(options.seed());
        Linear linear = new Linear(f, numClasses, true, gen);
        Adam opt = new Adam(linear.parameters(), Adam.options(options.lr()).withWeightDecay(options.weightDecay()));
        CosineAnnealingLR schedule = new CosineAnnealingLR(opt, options.steps());
        int batch = Math.min(options.batchSize(), n);
        int[] order = identity(n);
        int pos = n; // forces a shuffle first
        double lossTail = 0;
        int tailFrom = options.steps() - Math.max(1, options.steps() / 10), tailCount = 0;
        float[] xb = new float[batch * f];
        int[] yb = new int[batch];
        for (int step = 0; step < options.steps(); step++) {
            for (int k = 0; k < batch; k++) {
                if (pos == n) {
                    shuffle(order, gen);
                    pos = 0;
                }
                int i = order[pos++];
                System.arraycopy(x, i * f, xb, k * f, f);
                yb[k] = labels[i];
            }
            Tensor loss = Functional.crossEntropy(linear.forward(Tensor.of(xb.clone(), batch, f)), IntTensor.of(yb.clone(), batch));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            schedule.step();
            if (step >= tailFrom) {
                lossTail += loss.item();
                tailCount++;
            }
        }
        return new LinearProbe(mean, std, linear, lossTail / tailCount);
    }

    /**
     * Predicted classes of features [N, F].
     *
     * @param features features of shape [N, F], F being the training features' width
     * @return the argmax class of each row
     * @throws IllegalArgumentException if the shape is not [N, F]
     */
    public int[] predict(Tensor features) {
        if (features.dim() != 2 || features.size(1) != mean.length) {
            throw new IllegalArgumentException("LinearProbe: expected features [N, " + mean.length + "], got shape " + Shape.str(features.shape()));
        }
        int n = features.size(0), f = mean.length;
        float[] x = features.contiguous().toArray();
        standardise(x, n, f, mean, std);
        try (var _ = GradMode.noGrad()) {
            return linear.forward(Tensor.of(x, n, f)).argmax(1, false).data();
        }
    }

    /**
     * Fraction of correctly classified examples.
     *
     * @param features features of shape [N, F]
     * @param labels   the true class of each row
     * @return the accuracy, in [0, 1]
     * @throws IllegalArgumentException if the shapes do not fit or there are no examples
     */
    public double accuracy(Tensor features, int[] labels) {
        checkData("accuracy", features, labels);
        int[] p = predict(features);
        int correct = 0;
        for (int i = 0; i < p.length; i++) if (p[i] == labels[i]) correct++;
        return (double) correct / p.length;
    }

    /**
     * Indices of a class-balanced random subset with round(fraction * count(c)) examples of each class c (at
     * least one, at most all), sorted; the same seed gives the same subset.
     *
     * @param labels     the class of every example, each in [0, numClasses)
     * @param numClasses classes there are
     * @param fraction   the share of each class to keep, in (0, 1] (0.01 for "1% of the labels")
     * @param gen        the random generator that picks the examples
     * @return the chosen examples' indices, ascending
     * @throws IllegalArgumentException if the fraction is not in (0, 1] or a label is out of range
     */
    public static int[] balancedSubset(int[] labels, int numClasses, double fraction, Generator gen) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "label fraction must be in (0, 1], got %s", fraction));
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) byClass.add(new ArrayList<>());
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("balancedSubset: label " + labels[i] + " of example " + i + " is not in [0, " + numClasses + ")");
            }
            byClass.get(labels[i]).add(i);
        }
        List<Integer> chosen = new ArrayList<>();
        for (List<Integer> members : byClass) {
            if (members.isEmpty()) continue;
            int k = (int) Math.max(1, Math.min(members.size(), Math.round(fraction * members.size())));
            int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
            for (int i = 0; i < k; i++) { // partial Fisher-Yates: the first k are a uniform sample
                int j = i + gen.nextInt(idx.length - i);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
                chosen.add(idx[i]);
            }
        }
        int[] out = chosen.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(out);
        return out;
    }

    private static void checkData(String what, Tensor features, int[] labels) {
        if (features.dim() != 2) throw new IllegalArgumentException("LinearProbe." + what + ": expected features [N, F], got shape " + Shape.str(features.shape()));
        if (features.size(0) != labels.length) {
            throw new IllegalArgumentException("LinearProbe." + what + ": " + features.size(0) + " feature rows (shape " + Shape.str(features.shape())
                    + ") but " + labels.length + " labels");
        }
        if (labels.length == 0) throw new IllegalArgumentException("LinearProbe." + what + ": no examples");
    }

    private static void standardise(float[] x, int n, int f, float[] mean, float[] std) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) x[i * f + j] = (x[i * f + j] - mean[j]) / std[j];
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    private static void shuffle(int[] a, Generator gen) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
