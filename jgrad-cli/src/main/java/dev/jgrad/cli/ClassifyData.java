package dev.jgrad.cli;

import dev.jgrad.data.DataFormatException;
import dev.jgrad.data.LabeledText;
import dev.jgrad.data.LabeledTsv;
import dev.jgrad.data.SequenceBatcher;
import dev.jgrad.text.TextEncoder;
import dev.jgrad.text.Vocabulary;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the classify commands share: where SST-2 lives by default, reading a TSV with a report, encoding it. */
final class ClassifyData {
    private ClassifyData() {}

    /** The shared data directory: {@code ../shared/data} beside the repository (jgrad.home), else beside the working directory. */
    static Path sharedData() {
        String home = System.getProperty("jgrad.home");
        Path rel = Path.of("..", "shared", "data");
        return (home != null ? Path.of(home).resolve(rel) : rel).normalize();
    }

    static Path defaultSst2(String file) {
        return sharedData().resolve("sst2").resolve(file);
    }

    /** Fails with a message saying where the file was expected, where to get it and which flag to pass instead. */
    static Path requireDefault(Path path, String flag) {
        if (Files.isRegularFile(path)) return path;
        throw new IllegalArgumentException("no " + flag + " given and the default SST-2 file " + path + " does not exist: pass "
                + flag + " FILE (lines of 'text<TAB>label', label an integer class), or put GLUE's SST-2 train.tsv and dev.tsv "
                + "(SST-2.zip from https://gluebenchmark.com/tasks) in " + path.getParent());
    }

    /** Reads a labelled TSV and says what it found, including a skipped header. */
    static LabeledTsv.Result read(Path file, String role, PrintStream console) throws IOException {
        if (!Files.exists(file)) throw new IOException(role + " file not found: " + file);
        LabeledTsv.Result r = LabeledTsv.read(file);
        int[] counts = new int[r.numClasses()];
        for (LabeledText e : r.examples()) counts[e.label()]++;
        StringBuilder per = new StringBuilder();
        for (int c = 0; c < counts.length; c++) per.append(c == 0 ? "" : ", ").append(c).append(": ").append(String.format(Locale.ROOT, "%,d", counts[c]));
        console.printf(Locale.ROOT, "%s: %s, %,d examples (per class %s)%s%n", role, file, r.examples().size(), per,
                r.header() == null ? "" : "; first line '" + r.header().replace("\t", "\\t")
                        + "' taken as a header (its label column is not an integer)");
        return r;
    }

    /** Every label must be a class the model knows; the error names the file and line of the first that is not. */
    static void checkLabels(Path file, List<LabeledText> examples, int numClasses) throws DataFormatException {
        for (LabeledText e : examples) {
            if (e.label() >= numClasses) {
                throw new DataFormatException(file, e.line(), "label " + e.label() + " is not one of the model's classes 0.."
                        + (numClasses - 1));
            }
        }
    }

    static int[][] encode(List<LabeledText> examples, TextEncoder encoder) {
        return encoder.encodeAll(texts(examples));
    }

    static SequenceBatcher batcher(List<LabeledText> examples, int[][] encoded) {
        return new SequenceBatcher(encoded, labels(examples), Vocabulary.PAD_ID);
    }

    static List<String> texts(List<LabeledText> examples) {
        List<String> texts = new ArrayList<>(examples.size());
        for (LabeledText e : examples) texts.add(e.text());
        return texts;
    }

    static int[] labels(List<LabeledText> examples) {
        int[] y = new int[examples.size()];
        for (int i = 0; i < y.length; i++) y[i] = examples.get(i).label();
        return y;
    }
}
