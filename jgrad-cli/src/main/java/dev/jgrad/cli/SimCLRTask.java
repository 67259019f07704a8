package dev.jgrad.cli;

import dev.jgrad.models.ImageEncoder;
import dev.jgrad.models.SimCLR;
import dev.jgrad.nn.Module;
import dev.jgrad.nn.NTXentLoss;
import dev.jgrad.optim.Adam;
import dev.jgrad.optim.LambdaLR;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.train.Optimization;
import dev.jgrad.train.StepOutput;
import dev.jgrad.train.TrainingTask;
import dev.jgrad.vision.Augment;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Normalize;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code jgrad simclr} trains: an encoder and projection head on two random augmentations of each image of a
 * batch, by NT-Xent. Everything random (the epoch's order, each step's augmentations) is a function of the seed and
 * the step, so the task has no resume state of its own.
 */
final class SimCLRTask implements TrainingTask {
    private final SimCLRCommand o;
    private final ImageEncoder.Spec spec;
    private final Tensor images;
    private final Normalize normalize;
    private final Augment augment;
    private final int batch;
    private final long perEpoch;
    private final SimCLR model;
    private final Map<String, String> config;
    private int[] order;
    private long orderEpoch = -1;

    SimCLRTask(SimCLRCommand options, LabeledImages train, Normalize normalize, ImageEncoder.Spec spec, int batch, Augment augment) {
        this.o = options;
        this.spec = spec;
        this.images = train.images();
        this.normalize = normalize;
        this.augment = augment;
        this.batch = batch;
        perEpoch = train.size() / batch; // the incomplete last batch is dropped: NT-Xent's difficulty depends on the batch size
        model = new SimCLR(new ImageEncoder(spec, new Generator(o.seed)), o.projHidden, o.projDim, o.projBn, new Generator(o.seed + 1));
        config = config(train.size());
    }

    SimCLR simclr() { return model; }
    @Override public Module model() { return model; }
    @Override public long stepsPerEpoch() { return perEpoch; }
    @Override public Map<String, String> config() { return config; }

    /** Warm-up steps of the schedule: --warmup of the run's steps. */
    int warmupSteps(long totalSteps) {
        return (int) Math.round(o.warmup * totalSteps);
    }

    @Override
    public Optimization configureOptimizers(long totalSteps) {
        Adam adam = new Adam(model.parameters(), Adam.options(o.lr).withWeightDecay(o.weightDecay));
        int w = warmupSteps(totalSteps);
        // A linear warm-up reaching the peak one step after it ends, then a cosine decay to 0 (SimCLR's).
        return new Optimization(adam, new LambdaLR(adam, s -> s < w ? (s + 1.0) / (w + 1.0)
                : 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, (s - w) / (double) Math.max(1, totalSteps - w))))));
    }

    @Override
    public StepOutput trainingStep(long step) {
        long epoch = step / perEpoch;
        int pos = (int) (step % perEpoch);
        if (epoch != orderEpoch) {
            order = permutation(images.size(0), new Generator(mix(o.seed, 0x0E0C4L, epoch)));
            orderEpoch = epoch;
        }
        int[] idx = Arrays.copyOfRange(order, pos * batch, (pos + 1) * batch);
        Tensor x = images.indexSelect(0, IntTensor.of(idx, batch)).contiguous();
        Generator gen = new Generator(mix(o.seed, 0xA06L, step));
        Tensor views = Tensor.cat(List.of(augment.apply(x, gen), augment.apply(x, gen)), 0);
        return StepOutput.of(NTXentLoss.ntXent(model.forward(normalize.apply(views)), o.temperature), batch);
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

    @Override
    public Map<String, String> modelMetadata() {
        Map<String, String> meta = new LinkedHashMap<>(spec.toMetadata());
        meta.put("model", "simclr");
        meta.put("proj_hidden", Integer.toString(o.projHidden));
        meta.put("proj_dim", Integer.toString(o.projDim));
        meta.put("proj_bn", Boolean.toString(o.projBn));
        meta.putAll(normalize.toMetadata());
        return meta;
    }

    /** The settings a resumed run must repeat (everything that changes the computation). */
    private Map<String, String> config(int n) {
        Map<String, String> c = new LinkedHashMap<>(spec.toMetadata());
        // A data set by its name, wherever the cache is; a directory of the user's by its place.
        String dataset = DefaultData.imageDataset(o.data);
        c.put("data", dataset != null ? dataset : Path.of(o.data).toAbsolutePath().normalize().toString());
        c.put("images", Integer.toString(n));
        c.put("proj_hidden", Integer.toString(o.projHidden));
        c.put("proj_dim", Integer.toString(o.projDim));
        c.put("proj_bn", Boolean.toString(o.projBn));
        c.put("temperature", Double.toString(o.temperature));
        c.put("batch", Integer.toString(batch));
        c.put("epochs", Integer.toString(o.epochs));
        c.put("max_steps", Integer.toString(o.maxSteps));
        c.put("lr", Double.toString(o.lr));
        c.put("weight_decay", Double.toString(o.weightDecay));
        c.put("warmup", Double.toString(o.warmup));
        c.put("min_scale", Double.toString(o.minScale));
        c.put("jitter", Double.toString(o.jitter));
        c.put("blur", Double.toString(o.blur));
        c.put("noise", Double.toString(o.noise));
        c.put("seed", Long.toString(o.seed));
        return c;
    }
}
