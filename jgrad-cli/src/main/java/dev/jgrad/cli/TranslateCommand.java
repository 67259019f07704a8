package dev.jgrad.cli;

import dev.jgrad.autograd.GradMode;
import dev.jgrad.data.DataFormatException;
import dev.jgrad.data.ParallelText;
import dev.jgrad.data.TranslationExamples;
import dev.jgrad.inference.TranslateOptions;
import dev.jgrad.inference.Translator;
import dev.jgrad.models.TranslationModel;
import dev.jgrad.plot.HeatMap;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.text.Bpe;
import dev.jgrad.text.SubwordVocabulary;
import dev.jgrad.text.UnknownCharacterException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jgrad translate}: translates sentences given on the command line, or a file with one sentence per line, with
 * a model trained by {@code jgrad train translate}. Beam search (default 5 beams, GNMT length penalty 0.6) or greedy
 * with {@code --beam 1}; a file is decoded in batches of sentences of similar length. An empty input line gives an
 * empty output line; unknown characters become {@code <unk>} and over-long sentences are cut (with a warning each,
 * errors with --strict).
 */
@Command(name = "translate",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Translates sentences with a model trained by 'jgrad train translate'.",
                "Example: jgrad translate --checkpoint runs/translate \"A man is riding a bike.\""})
final class TranslateCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR|FILE", description = "A run directory, or a model .safetensors (epoch-NNN, best, an average).")
    Path checkpoint;

    @Parameters(paramLabel = "SENTENCE", arity = "0..*", description = "Sentences to translate (or use --input).")
    List<String> sentences = new ArrayList<>();

    @Option(names = "--input", paramLabel = "FILE", description = "Translate this file (UTF-8, plain or .gz), one sentence per line.")
    Path input;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the translations here (default: standard output).")
    Path output;

    @Option(names = "--beam", defaultValue = "5", paramLabel = "N", description = "Beam size; 1 = greedy (default: ${DEFAULT-VALUE}).")
    int beam;

    @Option(names = "--length-penalty", defaultValue = "0.6", paramLabel = "ALPHA",
            description = "GNMT length penalty: hypotheses ranked by logP / ((5 + length) / 6)^ALPHA; 0 = none (default: ${DEFAULT-VALUE}).")
    double lengthPenalty;

    @Option(names = "--batch-sentences", converter = PositiveInt.class, defaultValue = "32", paramLabel = "N", description = "Sentences decoded together (default: ${DEFAULT-VALUE}).")
    int batchSentences;

    @Option(names = "--attention-png", paramLabel = "FILE",
            description = "Write the attention over the source at each output token for the single sentence given, as a PNG heat map "
                    + "(Transformer: the last decoder layer's cross-attention, mean over heads; LSTM: the attention weights).")
    Path attentionPng;

    @Option(names = "--bpe", paramLabel = "FILE", description = "Check that this tokenizer is the model's (the checkpoint carries its own).")
    Path bpeFile;

    @Option(names = "--strict", description = "Unknown characters and over-long sentences are errors, not <unk> and cuts; NaN or infinite weights refuse the checkpoint.")
    boolean strict;

    @Mixin
    SparkOptions spark;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (beam < 1) throw new IllegalArgumentException("--beam must be at least 1, got " + beam);
        if (!(lengthPenalty >= 0)) throw new IllegalArgumentException("--length-penalty must be >= 0, got " + lengthPenalty);
        if (batchSentences < 1) throw new IllegalArgumentException("--batch-sentences must be positive, got " + batchSentences);
        if (input != null && !sentences.isEmpty()) throw new IllegalArgumentException("give sentences or --input FILE, not both");
        if (input == null && sentences.isEmpty()) throw new IllegalArgumentException("nothing to translate: give a sentence, or --input FILE");
        if (spark.enabled()) {
            if (input == null || attentionPng != null || bpeFile != null || strict) {
                throw new IllegalArgumentException("--spark translates an --input file, without --attention-png, --bpe or --strict");
            }
            emit(spark.cluster().translate(spark.master, checkpoint, input, options(beam, lengthPenalty, batchSentences)));
            return 0;
        }
        List<String> lines = input != null ? ParallelText.readLines(input) : sentences;
        String where = input != null ? input.toString() : "the command line";
        if (attentionPng != null && lines.size() != 1) {
            throw new IllegalArgumentException("--attention-png draws one sentence, but " + where + " holds " + lines.size());
        }
        Translator translator = Translator.load(checkpoint, bpeFile, WeightChecks.loadOptions(strict, spec.commandLine().getErr()));
        PrintWriter err = spec.commandLine().getErr();
        List<String> warnings = new ArrayList<>();
        List<int[]> sources = encodeSources(lines, translator.tokenizer(), translator.model().maxLen(), strict, input, warnings);
        for (String w : warnings) err.println("warning: " + w);
        err.flush();

        TranslateOptions options = options(beam, lengthPenalty, batchSentences);
        emit(texts(translator.translateEncoded(sources, options)));
        if (attentionPng != null) {
            if (sources.getFirst().length == 0) throw new IllegalArgumentException("--attention-png: the sentence is empty, there is nothing to draw");
            Translator.Translation t = translator.translateEncoded(sources, options.withBatchSentences(1)).getFirst();
            attentionMap(translator, sources.getFirst(), t, lines.getFirst()).savePng(attentionPng);
            err.println("attention map: " + attentionPng);
            err.flush();
        }
        return 0;
    }

    /** The translations to --output, or to standard output. */
    private void emit(List<String> out) throws IOException {
        if (output != null) {
            writeLines(output, out);
        } else {
            PrintWriter o = spec.commandLine().getOut();
            for (String s : out) o.println(s);
            o.flush();
        }
    }

    /**
     * Source ids of each line (tokens then {@code <eos>}); empty lines stay empty (no ids). Unknown characters and
     * over-long lines are reported in {@code warnings}, or errors naming the line with strict.
     */
    static List<int[]> encodeSources(List<String> lines, Bpe bpe, int maxLen, boolean strict, Path file, List<String> warnings) throws DataFormatException {
        List<int[]> out = new ArrayList<>(lines.size());
        List<Integer> unknownLines = new ArrayList<>(), cutLines = new ArrayList<>();
        java.util.Set<String> unknown = new java.util.LinkedHashSet<>();
        Path name = file != null ? file : Path.of("<command line>");
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i).strip();
            if (s.isEmpty()) {
                out.add(new int[0]);
                continue;
            }
            int[] tokens;
            if (strict) {
                try {
                    tokens = bpe.encodeStrict(s);
                } catch (UnknownCharacterException e) {
                    throw new DataFormatException(name, i + 1, e.getMessage() + " (without --strict it would become <unk>)");
                }
                if (tokens.length + 1 > maxLen) {
                    throw new DataFormatException(name, i + 1, "the sentence is " + (tokens.length + 1) + " tokens long with its <eos>, more than the model's "
                            + "maximum length " + maxLen + " (without --strict it would be cut)");
                }
            } else {
                List<String> unk = bpe.unknownCharacters(s);
                if (!unk.isEmpty()) {
                    unknownLines.add(i + 1);
                    unknown.addAll(unk);
                }
                tokens = bpe.encode(s);
                if (tokens.length + 1 > maxLen) cutLines.add(i + 1);
            }
            out.add(TranslationExamples.source(tokens, maxLen));
        }
        if (!unknownLines.isEmpty()) {
            warnings.add(String.format(Locale.ROOT, "%d line%s of %s hold%s characters the tokenizer does not know (%s), translated as <unk> (line%s %s)",
                    unknownLines.size(), unknownLines.size() == 1 ? "" : "s", name, unknownLines.size() == 1 ? "s" : "",
                    String.join(" ", unknown.stream().map(c -> "'" + c + "'").toList()), unknownLines.size() == 1 ? "" : "s",
                    ParallelText.firstFew(unknownLines)));
        }
        if (!cutLines.isEmpty()) {
            warnings.add(String.format(Locale.ROOT, "%d line%s of %s exceed%s the model's maximum length of %d tokens and %s cut (line%s %s)",
                    cutLines.size(), cutLines.size() == 1 ? "" : "s", name, cutLines.size() == 1 ? "s" : "", maxLen,
                    cutLines.size() == 1 ? "was" : "were", cutLines.size() == 1 ? "" : "s", ParallelText.firstFew(cutLines)));
        }
        return out;
    }

    /** The decoding options of the command line (already checked there, with the options' names). */
    static TranslateOptions options(int beam, double lengthPenalty, int batchSentences) {
        return TranslateOptions.defaults().withBeamSize(beam).withLengthPenalty(lengthPenalty).withBatchSentences(batchSentences);
    }

    /** The detokenised texts, line for line. */
    static List<String> texts(List<Translator.Translation> translations) {
        List<String> out = new ArrayList<>(translations.size());
        for (Translator.Translation t : translations) out.add(t.text());
        return out;
    }

    /** The heat map of the model's attention over the source ({@link TranslationModel#crossAttention}) while it produced {@code translation}. */
    static HeatMap attentionMap(Translator translator, int[] source, Translator.Translation translation, String sourceText) {
        TranslationModel model = translator.model();
        SubwordVocabulary vocab = translator.tokenizer().vocabulary();
        // Row t: the decoder reads tokens[0..t) after <bos> and predicts tokens[t] (then <eos> if it was produced).
        int[] predicted = translation.finished() ? append(translation.tokens(), SubwordVocabulary.EOS_ID) : translation.tokens();
        int[] tgtIn = new int[predicted.length];
        tgtIn[0] = SubwordVocabulary.BOS_ID;
        System.arraycopy(predicted, 0, tgtIn, 1, predicted.length - 1);
        Tensor w;
        try (var _ = GradMode.noGrad()) {
            w = model.crossAttention(IntTensor.of(source.clone(), 1, source.length), IntTensor.of(tgtIn, 1, tgtIn.length));
        }
        int T = predicted.length, S = source.length;
        float[] flat = w.contiguous().toArray();
        float[][] values = new float[T][S];
        for (int t = 0; t < T; t++) System.arraycopy(flat, t * S, values[t], 0, S);
        List<String> rows = new ArrayList<>(), cols = new ArrayList<>();
        for (int id : predicted) rows.add(vocab.token(id));
        for (int id : source) cols.add(vocab.token(id));
        String title = "\"" + abbreviate(sourceText) + "\" -> \"" + abbreviate(translation.text()) + "\"";
        return new HeatMap(title, values, rows, cols);
    }

    private static int[] append(int[] a, int v) {
        int[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** UTF-8 lines, written to a temporary file first and renamed, so a reader never sees half the output. */
    static void writeLines(Path file, List<String> lines) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            StringBuilder sb = new StringBuilder();
            for (String l : lines) sb.append(l).append('\n');
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
