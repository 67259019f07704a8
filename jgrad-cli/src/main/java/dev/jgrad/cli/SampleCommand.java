package dev.jgrad.cli;

import dev.jgrad.inference.CharLanguageModel;
import dev.jgrad.inference.SampleOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code jgrad sample}: generates text from a character language model checkpoint (one written by
 * {@code jgrad train charlm}): the prompt warms up the LSTM state, then each next character is drawn from
 * the model's distribution, sharpened by the temperature and cut to the top k. A Transformer checkpoint
 * (metadata model=CharGPT) samples the same way, with its key/value caches. Loading and sampling are
 * {@link CharLanguageModel}'s.
 */
@Command(name = "sample",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Generates text from a character-level language model checkpoint (from 'jgrad train charlm').",
                "Prints the prompt followed by the generated characters."})
final class SampleCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", defaultValue = "runs/charlm", paramLabel = "DIR|FILE",
            description = "Checkpoint directory, or a model .safetensors file (default: ${DEFAULT-VALUE}).")
    Path checkpoint;

    @Option(names = "--prompt", defaultValue = "\n", paramLabel = "TEXT",
            description = "Text to continue; every character must be in the model's vocabulary (default: a newline).")
    String prompt;

    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T",
            description = "Below 1 sharper, above 1 more random; 0 always takes the most likely character (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K",
            description = "Draw only among the K most likely characters; 0: all, 1: greedy (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--length", defaultValue = "500", paramLabel = "N", description = "Characters to generate (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--seed", paramLabel = "SEED", description = "Random seed, for a repeatable sample (default: a new one each run).")
    Long seed;

    @Option(names = "--strict", description = WeightChecks.STRICT_HELP)
    boolean strict;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (length < 0) throw new IllegalArgumentException("--length must be >= 0, got " + length);
        SampleOptions options;
        try {
            options = SampleOptions.defaults().withLength(length).withTemperature(temperature).withTopK(topK)
                    .withSeed(seed != null ? seed : System.nanoTime());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--temperature/--top-k: " + e.getMessage());
        }
        if (prompt.isEmpty()) throw new IllegalArgumentException("--prompt must hold at least one character (the default is a newline)");
        CharLanguageModel model = CharLanguageModel.load(checkpoint, WeightChecks.loadOptions(strict, spec.commandLine().getErr()));
        try {
            model.encode(prompt);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--prompt: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(prompt + model.sample(prompt, options));
        out.flush();
        return 0;
    }
}
