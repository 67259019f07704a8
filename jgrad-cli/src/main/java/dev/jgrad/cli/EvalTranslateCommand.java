package dev.jgrad.cli;

import dev.jgrad.data.ParallelText;
import dev.jgrad.inference.Translator;
import dev.jgrad.metrics.Bleu;
import dev.jgrad.metrics.BleuScore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jgrad eval translate}: translates a test split and scores it with sacreBLEU's BLEU (13a, exp smoothing,
 * case-sensitive) on the detokenised output against the raw reference lines. Every line counts: an empty source
 * line gives an empty translation, so the score is over the whole file as sacreBLEU would see it.
 */
@Command(name = "translate",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Translates a test split with a trained model and prints sacreBLEU's BLEU line and signature.",
                "Example: jgrad eval translate --checkpoint runs/translate/avg.safetensors --split test_2016_flickr"})
final class EvalTranslateCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR|FILE", description = "A run directory or a model .safetensors.")
    Path checkpoint;

    @Option(names = "--split", defaultValue = "test_2016_flickr", paramLabel = "NAME", description = "Split in --data: <split>.<lang>[.gz] (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--data", paramLabel = "NAME|DIR", description = TranslationData.DATA_HELP)
    String data;

    @Option(names = "--src-file", paramLabel = "FILE", description = "Source sentences, instead of --split.")
    Path srcFile;

    @Option(names = "--ref-file", paramLabel = "FILE", description = "Reference translations, line for line with --src-file.")
    Path refFile;

    @Option(names = "--beam", defaultValue = "5", paramLabel = "N", description = "Beam size; 1 = greedy (default: ${DEFAULT-VALUE}).")
    int beam;

    @Option(names = "--length-penalty", defaultValue = "0.6", paramLabel = "ALPHA", description = "GNMT length penalty (default: ${DEFAULT-VALUE}).")
    double lengthPenalty;

    @Option(names = "--batch-sentences", converter = PositiveInt.class, defaultValue = "32", paramLabel = "N", description = "Sentences decoded together (default: ${DEFAULT-VALUE}).")
    int batchSentences;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the translations here.")
    Path output;

    @Option(names = "--bpe", paramLabel = "FILE", description = "Check that this tokenizer is the model's.")
    Path bpeFile;

    @Option(names = "--strict", description = "Empty lines, unknown characters and over-long sentences are errors; NaN or infinite weights refuse the checkpoint.")
    boolean strict;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (beam < 1) throw new IllegalArgumentException("--beam must be at least 1, got " + beam);
        if (!(lengthPenalty >= 0)) throw new IllegalArgumentException("--length-penalty must be >= 0, got " + lengthPenalty);
        if (batchSentences < 1) throw new IllegalArgumentException("--batch-sentences must be positive, got " + batchSentences);
        if ((srcFile == null) != (refFile == null)) throw new IllegalArgumentException("give both --src-file and --ref-file, or neither");
        Translator translator = Translator.load(checkpoint, bpeFile, WeightChecks.loadOptions(strict, spec.commandLine().getErr()));
        Path dir = srcFile != null ? null : TranslationData.dataDir(data);
        Path s = srcFile != null ? srcFile : TranslationData.splitFile(dir, split, translator.sourceLanguage());
        Path r = refFile != null ? refFile : TranslationData.splitFile(dir, split, translator.targetLanguage());
        ParallelText text = ParallelText.read(s, r, strict ? ParallelText.EmptyLines.ERROR : ParallelText.EmptyLines.KEEP);
        PrintWriter err = spec.commandLine().getErr();
        List<String> warnings = new ArrayList<>();
        List<int[]> sources = TranslateCommand.encodeSources(text.sources(), translator.tokenizer(), translator.model().maxLen(), strict, s, warnings);
        for (String w : warnings) err.println("warning: " + w);
        err.flush();

        long t0 = System.nanoTime();
        List<String> hyps = TranslateCommand.texts(translator.translateEncoded(sources, TranslateCommand.options(beam, lengthPenalty, batchSentences)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (output != null) TranslateCommand.writeLines(output, hyps);
        // References as sacreBLEU reads them: the raw lines (its metric strips trailing whitespace itself).
        List<String> refs = ParallelText.readLines(r);
        Bleu bleu = new Bleu();
        BleuScore score = bleu.corpusScore(hyps, List.of(refs));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s %s->%s, %d sentences, %s, %.1f s (%.1f sentences/s)%n", srcFile != null ? s.toString() : split,
                translator.sourceLanguage(), translator.targetLanguage(), hyps.size(), beam == 1 ? "greedy" : "beam " + beam + ", length penalty " + lengthPenalty,
                seconds, hyps.size() / seconds);
        out.println(score.format(2));
        out.println(bleu.signature("1"));
        out.flush();
        return 0;
    }
}
