package dev.jgrad.cli;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.inference.ImageEmbedder;
import dev.jgrad.metrics.Pca;
import dev.jgrad.metrics.Tsne;
import dev.jgrad.models.ImageEncoder;
import dev.jgrad.models.LinearProbe;
import dev.jgrad.nn.Conv2d;
import dev.jgrad.plot.ScatterPlot;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.Image;
import dev.jgrad.vision.ImageGrid;
import dev.jgrad.vision.LabeledImages;
import dev.jgrad.vision.Mnist;
import dev.jgrad.vision.Normalize;
import dev.jgrad.vision.ReceptiveField;
import dev.jgrad.vision.TopActivations;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jgrad visualize}: pictures of what an encoder has learnt. filters.png shows the first convolution's
 * filters; patches-STAGE.png, for chosen channels of a stage, the image patches that excite them most over
 * the test set (Zeiler and Fergus, 2014); pca.png the test images' feature vectors projected on their first
 * two principal components, coloured by class, and with --tsne tsne.png, a t-SNE map of them.
 */
@Command(name = "visualize",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Draws what an encoder has learnt, as PNGs in --out.",
                "The pictures: the first layer's filters, the image patches that most activate channels of a stage "
                        + "(Zeiler & Fergus), and a PCA projection of the features by class."})
final class VisualizeCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--checkpoint", paramLabel = "DIR|FILE", description = "A checkpoint of 'jgrad simclr' or 'jgrad supervised'.")
        Path checkpoint;

        @Option(names = "--random", description = "An untrained encoder of --arch/--width/--layers, for comparison.")
        boolean random;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--data", paramLabel = "NAME|DIR", defaultValue = "fashion-mnist", description = RepresentationData.DATA_HELP)
    String data;

    @Option(names = "--arch", paramLabel = "NAME", defaultValue = "resnet", description = "With --random: resnet or cnn (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--width", paramLabel = "N", defaultValue = "16", description = "With --random: first stage's channels (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--layers", paramLabel = "N,N,..", defaultValue = "1,1,1,1", description = "With --random: blocks per stage (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--stage", paramLabel = "NAME", description = "Stage whose channels to show (default: layer2, or block2 for a cnn).")
    String stage;

    @Option(names = "--channels", paramLabel = "C", split = ",",
            description = "Channels to show (default: the --num-channels with the strongest top activations).")
    List<Integer> channels;

    @Option(names = "--num-channels", paramLabel = "N", defaultValue = "8", description = "How many channels when --channels is not given (default: ${DEFAULT-VALUE}).")
    int numChannels;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "8", description = "Patches per channel (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--images", paramLabel = "N", defaultValue = "10000", description = "Test images searched for patches (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--points", paramLabel = "N", defaultValue = "2000", description = "Test images in the PCA plot (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--tsne", description = "Also draw a t-SNE map (tsne.png; exact, so keep --tsne-points to a few thousand).")
    boolean tsne;

    @Option(names = "--tsne-points", paramLabel = "N", defaultValue = "1000", description = "Test images in the t-SNE map (default: ${DEFAULT-VALUE}).")
    int tsnePoints;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of --random (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/visualize", description = "Where the PNGs go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        PrintStream console = System.out;
        LabeledImages test = RepresentationData.load(data, Mnist.Split.TEST);
        Normalize normalize = RepresentationData.normalizer(data, test.images());
        ImageEncoder encoder;
        String name;
        if (source.random) {
            encoder = new ImageEncoder(new ImageEncoder.Spec(arch, test.imageShape()[0], width, ImageEncoder.Spec.parseLayers(layers)), new Generator(seed));
            encoder.eval();
            name = "untrained " + encoder.spec().describe();
        } else {
            ImageEmbedder loaded = RepresentationData.loadEncoder(source.checkpoint);
            encoder = loaded.encoder();
            if (loaded.normalize() != null) normalize = loaded.normalize();
            name = loaded.metadata().getOrDefault("model", "encoder") + " " + encoder.spec().describe();
        }
        String chosenStage = stage != null ? stage : defaultStage(encoder);
        if (!encoder.stageNames().contains(chosenStage) || chosenStage.equals(encoder.stageNames().getLast())) {
            List<String> usable = encoder.stageNames().subList(0, encoder.stageNames().size() - 1);
            throw new IllegalArgumentException("--stage " + chosenStage + ": not a stage with a feature map; choose one of " + usable);
        }
        console.printf(Locale.ROOT, "encoder: %s; data: %s test images%n", name, data);

        Path filters = out.resolve("filters.png");
        ImageGrid.savePng(RepresentationPictures.filterGrid(encoder.firstConv(), name), filters);
        console.println("first-layer filters: " + filters);

        Path patches = out.resolve("patches-" + chosenStage + ".png");
        int searched = Math.min(images, test.size());
        ReceptiveField rf = encoder.receptiveField(chosenStage);
        Tensor raw = test.images().narrow(0, 0, searched);
        Tensor normalized = normalize.apply(raw);
        List<List<TopActivations.Hit>> hits;
        int batches = (searched + 249) / 250;
        try (var _ = GradMode.noGrad(); ProgressBar bar = new ProgressBar("activations", batches, "img")) {
            int[] done = {0};
            hits = TopActivations.find(x -> encoder.forwardTo(x, chosenStage), normalized, topK, 250, k -> {
                bar.step(k - done[0]);
                done[0] = k;
            });
        }
        List<Integer> shown = chooseChannels(hits);
        List<List<Image>> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int c : shown) {
            List<Image> row = new ArrayList<>();
            for (TopActivations.Hit h : hits.get(c)) row.add(TopActivations.patch(RepresentationPictures.imageOf(raw, h.image()), rf, h.y(), h.x()));
            rows.add(row);
            labels.add(String.format(Locale.ROOT, "ch %d (max %.2f)", c, hits.get(c).getFirst().value()));
        }
        int scale = Math.max(2, 96 / rf.size());
        String title = String.format(Locale.ROOT, "%s: top-%d patches of %s channels over %,d test images (receptive field %dx%d px; blue = outside the image)",
                RepresentationPictures.shortName(name), topK, chosenStage, searched, rf.size(), rf.size());
        ImageGrid.savePng(ImageGrid.render(title, rows, labels, scale, 4), patches);
        console.printf(Locale.ROOT, "top-%d patches of %s channels %s (receptive field %dx%d, stride %d): %s%n", topK, chosenStage, shown, rf.size(), rf.size(),
                rf.jump(), patches);

        Path pca = out.resolve("pca.png");
        int m = Math.min(points, test.size());
        Tensor features = LinearProbe.extract(encoder, normalize.apply(test.images().narrow(0, 0, m)), 500, null);
        Pca p = Pca.fit(features, 2);
        float[] xy = p.transform(features).toArray();
        ScatterPlot plot = new ScatterPlot(String.format(Locale.ROOT, "%s: PCA of %d-d features of %,d test images", RepresentationPictures.shortName(name), features.size(1), m),
                String.format(Locale.ROOT, "PC1 (variance %.3g)", p.variances()[0]), String.format(Locale.ROOT, "PC2 (variance %.3g)", p.variances()[1]));
        RepresentationPictures.byClass(plot, xy, test, m).savePng(pca);
        console.println("PCA of the features by class: " + pca);
        if (tsne) {
            Path tsneFile = out.resolve("tsne.png");
            int t = Math.min(tsnePoints, m);
            long t0 = System.nanoTime();
            Tsne.Options options = Tsne.Options.forPoints(t);
            double perplexity = options.perplexity();
            float[] map = Tsne.embed(features.narrow(0, 0, t), options).toArray();
            ScatterPlot tp = new ScatterPlot(String.format(Locale.ROOT, "%s: t-SNE of %d-d features, %,d test images (perplexity %.3g)", RepresentationPictures.shortName(name),
                    features.size(1), t, perplexity), "t-SNE 1", "t-SNE 2");
            RepresentationPictures.byClass(tp, map, test, t).savePng(tsneFile);
            console.printf(Locale.ROOT, "t-SNE of the features by class (%s): %s%n", ConsoleFormat.duration((System.nanoTime() - t0) / 1e9), tsneFile);
        }
        console.flush();
        return 0;
    }

    private static String defaultStage(ImageEncoder encoder) {
        List<String> s = encoder.stageNames();
        String preferred = encoder.spec().arch().equals("cnn") ? "block2" : "layer2";
        if (s.contains(preferred)) return preferred;
        return s.size() >= 2 ? s.get(s.size() - 2) : s.getFirst();
    }

    private List<Integer> chooseChannels(List<List<TopActivations.Hit>> hits) {
        if (channels != null) {
            for (int c : channels) {
                if (c < 0 || c >= hits.size()) throw new IllegalArgumentException("--channels: " + c + " is not a channel of the stage (0.." + (hits.size() - 1) + ")");
            }
            return channels;
        }
        List<Integer> all = new ArrayList<>();
        for (int c = 0; c < hits.size(); c++) all.add(c);
        all.sort(Comparator.comparingDouble((Integer c) -> -hits.get(c).getFirst().value()));
        List<Integer> top = new ArrayList<>(all.subList(0, Math.min(numChannels, all.size())));
        top.sort(null);
        return top;
    }

    private void checkOptions() {
        if (topK < 1) throw new IllegalArgumentException("--top-k must be positive, got " + topK);
        if (numChannels < 1) throw new IllegalArgumentException("--num-channels must be positive, got " + numChannels);
        if (images < 1) throw new IllegalArgumentException("--images must be positive, got " + images);
        if (points < 2) throw new IllegalArgumentException("--points must be at least 2, got " + points);
        if (tsnePoints < 4) throw new IllegalArgumentException("--tsne-points must be at least 4, got " + tsnePoints);
    }
}
