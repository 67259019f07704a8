package dev.jgrad.cli;

import dev.jgrad.data.LabeledText;
import dev.jgrad.data.LabeledTsv;
import dev.jgrad.metrics.Accuracy;
import dev.jgrad.inference.Prediction;
import dev.jgrad.inference.TextClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code jgrad eval classify}: the accuracy of a {@code jgrad train classify} checkpoint on a labelled file. */
@Command(name = "classify",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Prints the accuracy of a model from 'jgrad train classify' on labelled sentences.",
                "The data are lines of 'text<TAB>label', by default SST-2's dev.tsv."})
final class EvalClassifyCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", defaultValue = "runs/classify", paramLabel = "DIR|FILE",
            description = "Written by 'jgrad train classify': its run directory or model.safetensors (default: ${DEFAULT-VALUE}).")
    Path checkpoint;

    @Option(names = "--data", paramLabel = "FILE", description = "Labelled data (default: dev.tsv of the data set sst2, " + DefaultData.CACHE + ").")
    Path data;

    @Option(names = "--batch", converter = PositiveInt.class, paramLabel = "N", defaultValue = "256", description = "Sentences per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--strict", description = WeightChecks.STRICT_HELP)
    boolean strict;

    @Override
    public Integer call() throws Exception {
        if (batch < 1) throw new IllegalArgumentException("--batch must be positive, got " + batch);
        PrintStream console = System.out;
        Path file = data != null ? data : DefaultData.file("sst2", "dev.tsv", "--data FILE");
        TextClassifier classifier = TextClassifier.load(RunDirectory.modelFile(checkpoint), WeightChecks.loadOptions(strict, new PrintWriter(System.err, true)));
        LabeledTsv.Result r = ClassifyData.read(file, "data", console);
        List<LabeledText> examples = r.examples();
        ClassifyData.checkLabels(file, examples, classifier.numClasses());
        int[][] ids = ClassifyData.encode(examples, classifier.encoder());
        long start = System.nanoTime();
        List<Prediction> predictions = classifier.predict(ClassifyData.texts(examples), batch);
        double seconds = (System.nanoTime() - start) / 1e9;
        int[] predicted = new int[predictions.size()];
        for (int i = 0; i < predicted.length; i++) predicted[i] = predictions.get(i).label();
        Accuracy acc = new Accuracy();
        acc.update(predicted, ClassifyData.labels(examples));
        console.printf(Locale.ROOT, "checkpoint: %s (epoch %s, validation accuracy %s)%n", checkpoint,
                classifier.info().getOrDefault("epoch", "?"), classifier.info().getOrDefault("valid_accuracy", "?"));
        console.printf(Locale.ROOT, "%.2f%% of tokens unknown to the vocabulary; %.0f sentences/s%n",
                100 * classifier.encoder().unknownRate(ids), examples.size() / seconds);
        console.printf(Locale.ROOT, "accuracy: %.4f (%d/%d)%n", acc.value(), acc.correct(), acc.total());
        return 0;
    }
}
