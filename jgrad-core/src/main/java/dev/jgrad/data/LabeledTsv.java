package dev.jgrad.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
 *   <li>Anything else (no tab, a label that is missing or not an integer, an empty text, a file with no
 *       examples) is a {@link DataFormatException} naming the file and the line.</li>
 * </ul>
 */
public final class LabeledTsv {
    private LabeledTsv() {}

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
            if (text.isEmpty()) throw new DataFormatException(file, lineNo, "the text before the tab is empty");
            examples.add(new LabeledText(text, label, lineNo));
        }
        if (examples.isEmpty()) {
            throw new DataFormatException(file, 0, header == null ? "the file is empty (expected lines of 'text<TAB>label')"
                    : "the file has a header line but no examples");
        }
        return new Result(file, examples, header);
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
