package dev.jgrad.data;

import dev.jgrad.text.Bpe;
import dev.jgrad.text.SubwordVocabulary;
import dev.jgrad.text.UnknownCharacterException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A {@link ParallelText} as token ids for a translation model: the source is its subwords then {@code <eos>}, the
 * target {@code <bos>}, its subwords, {@code <eos>} (the decoder reads all but the last and predicts all but the first).
 *
 * <p>Documented handling of what does not fit, each counted and reported by {@link #warnings()}:
 * <ul>
 *   <li>a character the tokenizer never saw becomes {@code <unk>}; with strict it is a {@link DataFormatException}
 *       naming the file, line and character;</li>
 *   <li>a sentence longer than the model's {@code maxLen} tokens (with its {@code <bos>}/{@code <eos>}) is cut to
 *       maxLen, keeping its {@code <eos>}; with strict it is an error naming the file and line.</li>
 * </ul>
 */
public final class TranslationExamples {

    /**
     * One encoded pair; {@code line} is its 1-based line in the files.
     *
     * @param line   the 1-based line in both files
     * @param source source ids: subwords then {@code <eos>}
     * @param target target ids: {@code <bos>}, subwords, {@code <eos>}
     */
    public record Example(int line, int[] source, int[] target) {}

    private final ParallelText text;
    private final List<Example> examples;
    private final List<String> warnings;
    private final long sourceTokens, targetTokens;

    private TranslationExamples(ParallelText text, List<Example> examples, List<String> warnings) {
        this.text = text;
        this.examples = List.copyOf(examples);
        this.warnings = List.copyOf(warnings);
        long s = 0, t = 0;
        for (Example e : examples) {
            s += e.source().length;
            t += e.target().length - 1;
        }
        sourceTokens = s;
        targetTokens = t;
    }

    /**
     * Encodes every pair; see the class comment for unknown characters and over-long sentences.
     *
     * @param text   the sentence pairs
     * @param bpe    the tokenizer shared by both languages
     * @param maxLen the model's longest sequence, {@code <bos>}/{@code <eos>} included; at least 3
     * @param strict make unknown characters and over-long sentences errors rather than warnings
     * @return the encoded pairs and the warnings
     * @throws DataFormatException      in strict mode, naming the file and line of the first offending sentence
     * @throws IllegalArgumentException if {@code maxLen} is below 3
     */
    public static TranslationExamples encode(ParallelText text, Bpe bpe, int maxLen, boolean strict) throws DataFormatException {
        if (maxLen < 3) throw new IllegalArgumentException("translation examples: maxLen must be at least 3 (<bos>, a token, <eos>), got " + maxLen);
        List<Example> out = new ArrayList<>(text.size());
        Unknowns srcUnk = new Unknowns(), tgtUnk = new Unknowns();
        List<Integer> cutSrc = new ArrayList<>(), cutTgt = new ArrayList<>();
        for (ParallelText.Pair p : text.pairs()) {
            int[] s = tokens(bpe, p.source(), strict, text.sourceFile(), p.line(), srcUnk);
            int[] t = tokens(bpe, p.target(), strict, text.targetFile(), p.line(), tgtUnk);
            if (s.length + 1 > maxLen) {
                if (strict) throw tooLong(text.sourceFile(), p.line(), s.length + 1, maxLen);
                cutSrc.add(p.line());
            }
            if (t.length + 2 > maxLen) {
                if (strict) throw tooLong(text.targetFile(), p.line(), t.length + 2, maxLen);
                cutTgt.add(p.line());
            }
            out.add(new Example(p.line(), source(s, maxLen), target(t, maxLen)));
        }
        List<String> warnings = new ArrayList<>();
        if (!text.skippedReport().isEmpty()) warnings.add(text.skippedReport());
        srcUnk.report(text.sourceFile(), warnings);
        tgtUnk.report(text.targetFile(), warnings);
        if (!cutSrc.isEmpty()) warnings.add(cutReport(cutSrc, text.sourceFile(), maxLen));
        if (!cutTgt.isEmpty()) warnings.add(cutReport(cutTgt, text.targetFile(), maxLen));
        return new TranslationExamples(text, out, warnings);
    }

    /**
     * Source ids for the model: the tokens (cut to maxLen - 1) and {@code <eos>}.
     *
     * @param tokens the sentence's subword ids
     * @param maxLen the model's longest sequence
     * @return at most maxLen ids, ending with {@link SubwordVocabulary#EOS_ID}
     */
    public static int[] source(int[] tokens, int maxLen) {
        int n = Math.min(tokens.length, maxLen - 1);
        int[] out = new int[n + 1];
        System.arraycopy(tokens, 0, out, 0, n);
        out[n] = SubwordVocabulary.EOS_ID;
        return out;
    }

    /**
     * Target ids: {@code <bos>}, the tokens (cut to maxLen - 2), {@code <eos>}.
     *
     * @param tokens the sentence's subword ids
     * @param maxLen the model's longest sequence
     * @return at most maxLen ids, from {@link SubwordVocabulary#BOS_ID} to {@link SubwordVocabulary#EOS_ID}
     */
    public static int[] target(int[] tokens, int maxLen) {
        int n = Math.min(tokens.length, maxLen - 2);
        int[] out = new int[n + 2];
        out[0] = SubwordVocabulary.BOS_ID;
        System.arraycopy(tokens, 0, out, 1, n);
        out[n + 1] = SubwordVocabulary.EOS_ID;
        return out;
    }

    private static int[] tokens(Bpe bpe, String sentence, boolean strict, java.nio.file.Path file, int line, Unknowns unknowns)
            throws DataFormatException {
        if (strict) {
            try {
                return bpe.encodeStrict(sentence);
            } catch (UnknownCharacterException e) {
                throw new DataFormatException(file, line, e.getMessage() + " (without --strict it would become <unk>)");
            }
        }
        List<String> unk = bpe.unknownCharacters(sentence);
        if (!unk.isEmpty()) unknowns.add(line, unk);
        return bpe.encode(sentence);
    }

    private static DataFormatException tooLong(java.nio.file.Path file, int line, int length, int maxLen) {
        return new DataFormatException(file, line, String.format(Locale.ROOT,
                "the sentence is %d tokens long with its <bos>/<eos>, more than the model's maximum length %d "
                        + "(without --strict it would be cut to %d; or raise --max-len)", length, maxLen, maxLen));
    }

    private static String cutReport(List<Integer> lines, java.nio.file.Path file, int maxLen) {
        return String.format(Locale.ROOT, "cut %d sentence%s of %s to the maximum length of %d tokens (line%s %s)", lines.size(),
                lines.size() == 1 ? "" : "s", file, maxLen, lines.size() == 1 ? "" : "s", ParallelText.firstFew(lines));
    }

    /** Lines with characters outside the tokenizer, and which characters. */
    private static final class Unknowns {
        final List<Integer> lines = new ArrayList<>();
        final Set<String> chars = new LinkedHashSet<>();

        void add(int line, List<String> unk) {
            lines.add(line);
            chars.addAll(unk);
        }

        void report(java.nio.file.Path file, List<String> warnings) {
            if (lines.isEmpty()) return;
            StringBuilder cs = new StringBuilder();
            int k = 0;
            for (String c : chars) {
                if (k++ == 10) {
                    cs.append(" ...");
                    break;
                }
                cs.append(k == 1 ? "" : " ").append('\'').append(c).append("' (U+").append(String.format("%04X", c.codePointAt(0))).append(')');
            }
            warnings.add(String.format(Locale.ROOT, "%d line%s of %s hold%s characters the tokenizer does not know, encoded as <unk> "
                            + "(line%s %s): %s; --strict makes this an error", lines.size(), lines.size() == 1 ? "" : "s", file,
                    lines.size() == 1 ? "s" : "", lines.size() == 1 ? "" : "s", ParallelText.firstFew(lines), cs));
        }
    }

    /**
     * The text the examples were encoded from.
     *
     * @return the sentence pairs
     */
    public ParallelText text() {
        return text;
    }

    /**
     * The encoded pairs, in file order.
     *
     * @return an unmodifiable list
     */
    public List<Example> examples() {
        return examples;
    }

    /**
     * The number of pairs.
     *
     * @return {@code examples().size()}
     */
    public int size() {
        return examples.size();
    }

    /**
     * What was skipped, cut or replaced by {@code <unk>}, one line each; empty when the data fit as they were.
     *
     * @return an unmodifiable list of messages to show the user
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Source tokens with {@code <eos>}.
     *
     * @return the total over all pairs
     */
    public long sourceTokens() {
        return sourceTokens;
    }

    /**
     * Target tokens the model predicts (with {@code <eos>}, without {@code <bos>}).
     *
     * @return the total over all pairs
     */
    public long targetTokens() {
        return targetTokens;
    }

    /**
     * All sources, for decoding.
     *
     * @return the source ids of every pair, in order
     */
    public List<int[]> sources() {
        return examples.stream().map(Example::source).toList();
    }

    /**
     * Reads and encodes in one go.
     *
     * @param src    the source-language file
     * @param tgt    the target-language file
     * @param empty  what to do with pairs that have an empty side
     * @param bpe    the tokenizer
     * @param maxLen the model's longest sequence, at least 3
     * @param strict make unknown characters and over-long sentences errors
     * @return the encoded pairs and the warnings
     * @throws DataFormatException if a file is malformed, or in strict mode a sentence does not fit
     * @throws IOException         if a file cannot be read
     */
    public static TranslationExamples read(java.nio.file.Path src, java.nio.file.Path tgt, ParallelText.EmptyLines empty, Bpe bpe, int maxLen,
                                           boolean strict) throws IOException {
        return encode(ParallelText.read(src, tgt, empty), bpe, maxLen, strict);
    }
}
