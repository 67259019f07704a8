package dev.jgrad.cli;

import dev.jgrad.data.DataFormatException;
import dev.jgrad.data.LabeledText;
import dev.jgrad.data.LabeledTsv;
import dev.jgrad.data.SequenceBatcher;
import dev.jgrad.tensor.Generator;
import dev.jgrad.text.TextEncoder;
import dev.jgrad.text.Vocabulary;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the classify commands share: reading a TSV with a report, encoding it. */
final class ClassifyData {
    private ClassifyData() {}

    /** The training and validation examples, the name of the validation set, and the number of classes. */
    record Sets(List<LabeledText> train, List<LabeledText> valid, String validName, int numClasses) {}

    /**
     * Reads the training data (its first {@code limit} examples, 0 for all) and the validation data, or holds out
     * {@code validFraction} of the training data (drawn from {@code holdOutGen}) when there is no validation file.
     */
    static Sets sets(Path trainFile, Path validFile, int limit, double validFraction, Generator holdOutGen, PrintStream console) throws IOException {
        List<LabeledText> trainSet = read(trainFile, "train", console).examples();
        if (limit > 0 && limit < trainSet.size()) {
            trainSet = trainSet.subList(0, limit);
            console.printf(Locale.ROOT, "train: using the first %,d examples (--limit)%n", limit);
        }
        List<LabeledText> validSet;
        String validName;
        if (validFile != null) {
            validSet = read(validFile, "valid", console).examples();
            validName = validFile.toString();
        } else {
            List<List<LabeledText>> split = ClassifierTask.holdOut(trainSet, validFraction, holdOutGen);
            trainSet = split.get(0);
            validSet = split.get(1);
            validName = String.format(Locale.ROOT, "%.0f%% of %s", 100 * validFraction, trainFile);
            console.printf(Locale.ROOT, "valid: %,d examples held out from the training data (--valid-fraction %s), %,d left to train on%n",
                    validSet.size(), validFraction, trainSet.size());
        }
        int numClasses = 0;
        for (LabeledText e : trainSet) numClasses = Math.max(numClasses, e.label() + 1);
        if (numClasses < 2) {
            throw new IllegalArgumentException(trainFile + ": every training example has label 0; a classifier needs at least two classes");
        }
        checkLabels(validFile != null ? validFile : trainFile, validSet, numClasses);
        return new Sets(trainSet, validSet, validName, numClasses);
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
