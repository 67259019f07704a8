package dev.jgrad.cli;

import dev.jgrad.inference.Prediction;
import dev.jgrad.inference.TextClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code jgrad classify "a sentence"}: the predicted class and its probability, from a trained classifier. */
@Command(name = "classify",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Classifies sentences with a model from 'jgrad train classify'.",
                "Prints one line per sentence: the predicted label, its probability and the sentence, tab-separated. "
                        + "Without SENTENCE arguments, reads one sentence per line from stdin."})
final class ClassifyCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", defaultValue = "runs/classify", paramLabel = "DIR|FILE",
            description = "Written by 'jgrad train classify': its run directory or model.safetensors (default: ${DEFAULT-VALUE}).")
    Path checkpoint;

    @Parameters(paramLabel = "SENTENCE", arity = "0..*", description = "Sentences to classify.")
    List<String> sentences = new ArrayList<>();

    @Option(names = "--strict", description = WeightChecks.STRICT_HELP)
    boolean strict;

    @Override
    public Integer call() throws Exception {
        PrintStream console = System.out;
        TextClassifier classifier = TextClassifier.load(RunDirectory.modelFile(checkpoint), WeightChecks.loadOptions(strict, new PrintWriter(System.err, true)));
        List<String> inputs = sentences;
        if (inputs.isEmpty()) {
            inputs = new ArrayList<>();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) if (!line.isBlank()) inputs.add(line.strip());
        }
        for (String s : inputs) {
            Prediction p = classifier.predict(s);
            console.printf(Locale.ROOT, "%d\t%.4f\t%s%n", p.label(), p.probability(), s);
        }
        return 0;
    }
}
