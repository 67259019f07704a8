package dev.jgrad.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text classification data as tab-separated lines {@code text<TAB>label}: GLUE's SST-2 ({@code train.tsv},
 * {@code dev.tsv}) and the UCI sentiment-labelled sentences read as they are.
 *
 * <ul>
 *   <li>Each line is split at its <em>last</em> tab (the label never holds one; a text might); the text is
 *       stripped, the label is a non-negative integer.</li>
 *   <li>The first line is a header ({@code sentence<TAB>label} in SST-2) exactly when its label column is
 *       present but not an integer; {@link Result#header()} reports it so the caller can say so.</li>
 *   <li>Blank lines are skipped. No quoting: a {@code "} is an ordinary character (a CSV reader would merge
 *       lines of the UCI IMDb file).</li>
 *   <li>Labels are classes 0, 1, 2, ...: the classes a model gets are 0 to the largest label, and each has a row of
 *       weights and a row in every per-class table. So a label of {@value #MAX_CLASSES} or more, or a largest label that
 *       would make far more classes than the file has examples (more than {@value #CLASSES_PER_EXAMPLE} per example
 *       and more than {@value #MIN_SPARSE_CLASSES} in all), is an error naming its line: such a column holds ids or
 *       scores, not classes.</li>
 *   <li>Anything else (no tab, a label that is missing or not an integer, an empty text, a file with no
 *       examples) is a {@link DataFormatException} naming the file and the line.</li>
 * </ul>
 */
public final class LabeledTsv {
    private LabeledTsv() {}

    /** Labels must be below this: more classes than any text classification task has, and bounded tables per class. */
    public static final int MAX_CLASSES = 100_000;

    /** Classes (largest label + 1) per example above which labels are taken for ids, when there are over {@link #MIN_SPARSE_CLASSES}. */
    public static final int CLASSES_PER_EXAMPLE = 10;

    /** A small file may name a few classes it has no example of (an evaluation subset of a larger label set). */
    public static final int MIN_SPARSE_CLASSES = 100;

    /**
     * The examples in file order, and the header line if the file had one (else null).
     *
     * @param file     the file read
     * @param examples its examples, in file order (copied)
     * @param header   the header line, or null if the file had none
     */
    public record Result(Path file, List<LabeledText> examples, String header) {
        /** Copies the examples into an unmodifiable list. */
        public Result {
            examples = List.copyOf(examples);
        }

        /**
         * 1 + the largest label.
         *
         * @return the number of classes the labels imply (0 without examples)
         */
        public int numClasses() {
            int max = -1;
            for (LabeledText e : examples) max = Math.max(max, e.label());
            return max + 1;
        }
    }

    /**
     * Reads and parses a TSV file.
     *
     * @param file a UTF-8 {@code text<TAB>label} file
     * @return its examples and header
     * @throws DataFormatException naming the line, for any line that breaks the rules of the class comment
     * @throws IOException         if the file cannot be read or is not UTF-8
     */
    public static Result read(Path file) throws IOException {
        return parse(file, TextFile.readUtf8(file));
    }

    /**
     * Parses already-read contents; {@code file} only names the source in messages.
     *
     * @param file     the source's name for messages and {@link Result#file()}
     * @param contents the whole text
     * @return its examples and header
     * @throws DataFormatException naming the line, for any line that breaks the rules of the class comment
     */
    public static Result parse(Path file, String contents) throws DataFormatException {
        List<LabeledText> examples = new ArrayList<>();
        String header = null;
        String[] lines = contents.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank()) continue;
            int tab = line.lastIndexOf('\t');
            if (tab < 0) {
                throw new DataFormatException(file, lineNo, "no tab: expected 'text<TAB>label', got '" + abbreviate(line) + "'");
            }
            String text = line.substring(0, tab).strip();
            String labelField = line.substring(tab + 1).strip();
            Integer label = parseLabel(labelField);
            if (label == null && !labelField.isEmpty() && examples.isEmpty() && header == null) {
                header = line; // only the first non-blank line may be a header
                continue;
            }
            if (labelField.isEmpty()) {
                throw new DataFormatException(file, lineNo, "the label after the last tab is missing (expected an integer class such as 0 or 1)");
            }
            if (label == null) {
                throw new DataFormatException(file, lineNo, "label '" + abbreviate(labelField) + "' is not an integer (expected a class such as 0 or 1)");
            }
            if (label < 0) throw new DataFormatException(file, lineNo, "label " + label + " is negative (classes are 0, 1, 2, ...)");
            if (label >= MAX_CLASSES) {
                throw new DataFormatException(file, lineNo, "label " + label + " is too large: labels are classes 0, 1, 2, ... below "
                        + MAX_CLASSES + " (is this column an id or a score rather than a class?)");
            }
            if (text.isEmpty()) throw new DataFormatException(file, lineNo, "the text before the tab is empty");
            examples.add(new LabeledText(text, label, lineNo));
        }
        if (examples.isEmpty()) {
            throw new DataFormatException(file, 0, header == null ? "the file is empty (expected lines of 'text<TAB>label')"
                    : "the file has a header line but no examples");
        }
        requireDenseLabels(file, examples);
        return new Result(file, examples, header);
    }

    /** The largest label must not imply far more classes than there are examples (see the class comment). */
    private static void requireDenseLabels(Path file, List<LabeledText> examples) throws DataFormatException {
        LabeledText largest = examples.getFirst();
        for (LabeledText e : examples) if (e.label() > largest.label()) largest = e;
        long classes = largest.label() + 1L;
        if (classes > MIN_SPARSE_CLASSES && classes > (long) CLASSES_PER_EXAMPLE * examples.size()) {
            throw new DataFormatException(file, largest.line(), String.format(Locale.ROOT,
                    "label %d would make %,d classes for %,d examples: labels must be the classes 0, 1, 2, ... (sparse or huge labels: "
                            + "is this column an id or a score rather than a class?)", largest.label(), classes, examples.size()));
        }
    }

    private static Integer parseLabel(String s) {
        if (s.isEmpty() || s.length() > 9) return null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || i == 0 && c == '-' && s.length() > 1)) return null;
        }
        return Integer.parseInt(s);
    }

    private static String abbreviate(String s) {
        String shown = s.replace("\t", "\\t");
        return shown.length() <= 60 ? shown : shown.substring(0, 57) + "...";
    }
}
