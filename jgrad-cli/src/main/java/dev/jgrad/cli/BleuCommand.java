package dev.jgrad.cli;

import dev.jgrad.data.TextFile;
import dev.jgrad.metrics.Bleu;
import dev.jgrad.metrics.BleuScore;
import dev.jgrad.metrics.BleuSmoothing;
import dev.jgrad.metrics.BleuTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jgrad bleu}: corpus BLEU of a translation file against reference files, as sacreBLEU scores it. */
@Command(name = "bleu",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Scores translations with corpus BLEU, computed exactly as sacreBLEU's default.",
            "",
            "Files are UTF-8 with one detokenized sentence a line (trailing whitespace is ignored); "
                    + "every reference file must have as many lines as the hypothesis file.",
            "Prints sacreBLEU's score line and the signature of the settings, e.g.:",
            "  BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)",
            "  nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:jgrad"
        })
final class BleuCommand implements Callable<Integer> {

    @Option(names = "--hyp", required = true, paramLabel = "FILE", description = "Hypotheses (system output).")
    Path hyp;

    @Option(names = "--ref", required = true, paramLabel = "FILE",
            description = "References; repeat for several references per sentence.")
    List<Path> refs = new ArrayList<>();

    @Option(names = {"--lowercase", "-lc"}, description = "Case-insensitive BLEU.")
    boolean lowercase;

    @Option(names = {"--tokenize", "-tok"}, paramLabel = "NAME", defaultValue = "13a",
            description = "Tokenizer: 13a (default, mteval-v13a), none, char.")
    String tokenize;

    @Option(names = {"--smooth-method", "-s"}, paramLabel = "NAME", defaultValue = "exp",
            description = "Smoothing: exp (default), floor, add-k, none.")
    String smoothMethod;

    @Option(names = {"--smooth-value", "-sv"}, paramLabel = "X",
            description = "Value for floor (default 0.1) and add-k (default 1).")
    Double smoothValue;

    @Option(names = "--max-ngram-order", paramLabel = "N", defaultValue = "4", description = "Largest n-gram order (default 4).")
    int maxNgramOrder;

    @Option(names = {"--effective-order", "-e"}, description = "Average only over n-gram orders present in the hypotheses.")
    boolean effectiveOrder;

    @Option(names = {"--width", "-w"}, paramLabel = "N", defaultValue = "2", description = "Decimals of the score (default 2).")
    int width;

    @Option(names = {"--score-only", "-b"}, description = "Print the score alone.")
    boolean scoreOnly;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        BleuSmoothing smoothing = BleuSmoothing.of(smoothMethod);
        if (smoothValue != null && !smoothing.takesValue()) {
            throw new IllegalArgumentException("--smooth-value applies to floor and add-k only, not to " + smoothing.signature());
        }
        if (width < 0 || width > 20) throw new IllegalArgumentException("--width must be in [0, 20], got " + width);
        Bleu.Options options = Bleu.Options.defaults()
                .withLowercase(lowercase)
                .withTokenizer(BleuTokenizer.of(tokenize))
                .withSmoothing(smoothing, smoothValue == null ? Double.NaN : smoothValue)
                .withMaxNgramOrder(maxNgramOrder)
                .withEffectiveOrder(effectiveOrder);

        List<String> hyps = lines(hyp);
        if (hyps.isEmpty()) throw new IllegalArgumentException("hypothesis file " + hyp + " has no lines");
        List<List<String>> streams = new ArrayList<>();
        for (Path ref : refs) {
            List<String> lines = lines(ref);
            if (lines.size() != hyps.size()) {
                throw new IllegalArgumentException("line counts differ: hypothesis file " + hyp + " has " + hyps.size()
                        + " lines but reference file " + ref + " has " + lines.size() + " lines");
            }
            streams.add(lines);
        }
        BleuScore score = new Bleu(options).corpusScore(hyps, streams);
        PrintWriter out = spec.commandLine().getOut();
        if (scoreOnly) {
            out.println(score.formatScore(width));
        } else {
            out.println(score.format(width));
            out.println(score.signature());
        }
        out.flush();
        return 0;
    }

    /**
     * The file's lines as sacreBLEU's command line reads them: split at '\n' only, trailing whitespace
     * removed by the metric; a final newline does not start another line.
     */
    static List<String> lines(Path file) throws IOException {
        String text = TextFile.readUtf8(file);
        if (text.isEmpty()) return List.of();
        if (text.endsWith("\n")) text = text.substring(0, text.length() - 1);
        return Arrays.asList(text.split("\n", -1));
    }
}
