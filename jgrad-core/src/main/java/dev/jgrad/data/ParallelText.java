package dev.jgrad.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * A parallel corpus: two UTF-8 files, plain or gzip-compressed (recognised by content, not name), with one
 * sentence per line, line i of the source translating line i of the target (Multi30k's train.en.gz / train.de.gz).
 *
 * <p>Checks, each a {@link DataFormatException} naming the file and line: invalid UTF-8, and files of different
 * lengths. Sentences are stripped of surrounding whitespace (and a CR before the newline). What happens to a pair
 * whose source or target is empty depends on {@link EmptyLines}: training skips it (and counts it), evaluation keeps
 * it (the output stays line for line with the input), strict mode refuses it.
 */
public final class ParallelText {

    /** What to do with a pair whose source or target line is empty (or only whitespace). */
    public enum EmptyLines {
        /** Leave the pair out; {@link #skippedEmpty()} counts it (training: it teaches nothing). */
        SKIP,
        /** Keep it as it is (evaluation: an empty source translates to an empty line). */
        KEEP,
        /** A {@link DataFormatException} naming the file and line. */
        ERROR
    }

    /**
     * One sentence pair and its 1-based line number in both files.
     *
     * @param line   the 1-based line number
     * @param source the source sentence, stripped
     * @param target its translation, stripped
     */
    public record Pair(int line, String source, String target) {}

    private final Path sourceFile, targetFile;
    private final List<Pair> pairs;
    private final int lines;
    private final List<Integer> skipped;

    private ParallelText(Path sourceFile, Path targetFile, List<Pair> pairs, int lines, List<Integer> skipped) {
        this.sourceFile = sourceFile;
        this.targetFile = targetFile;
        this.pairs = List.copyOf(pairs);
        this.lines = lines;
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Reads both files; see the class comment for the checks.
     *
     * @param sourceFile the source-language file, plain or gzip
     * @param targetFile the target-language file, line for line with the source
     * @param emptyLines what to do with pairs that have an empty side
     * @return the pairs
     * @throws DataFormatException if a file is not UTF-8, the line counts differ, a pair is empty under
     *                             {@link EmptyLines#ERROR}, or no pair is left
     * @throws IOException         if a file does not exist or cannot be read
     */
    public static ParallelText read(Path sourceFile, Path targetFile, EmptyLines emptyLines) throws IOException {
        List<String> src = readLines(sourceFile), tgt = readLines(targetFile);
        if (src.size() != tgt.size()) {
            Path shorter = src.size() < tgt.size() ? sourceFile : targetFile;
            throw new DataFormatException(shorter, Math.min(src.size(), tgt.size()) + 1, String.format(Locale.ROOT,
                    "the parallel files have different numbers of lines: %s has %,d, %s has %,d; they must match line for line "
                            + "(one sentence per line, the translation of line i on line i)",
                    sourceFile, src.size(), targetFile, tgt.size()));
        }
        if (src.isEmpty()) throw new DataFormatException(sourceFile, 0, "no sentences (the file is empty)");
        List<Pair> pairs = new ArrayList<>(src.size());
        List<Integer> skipped = new ArrayList<>();
        for (int i = 0; i < src.size(); i++) {
            String s = src.get(i).strip(), t = tgt.get(i).strip();
            if (s.isEmpty() || t.isEmpty()) {
                switch (emptyLines) {
                    case SKIP -> {
                        skipped.add(i + 1);
                        continue;
                    }
                    case ERROR -> throw new DataFormatException(s.isEmpty() ? sourceFile : targetFile, i + 1,
                            "empty sentence (its translation on the same line of " + (s.isEmpty() ? targetFile : sourceFile) + " is "
                                    + (s.isEmpty() == t.isEmpty() ? "empty too" : "\"" + abbreviate(s.isEmpty() ? t : s) + "\"") + ")");
                    case KEEP -> { }
                }
            }
            pairs.add(new Pair(i + 1, s, t));
        }
        if (pairs.isEmpty()) {
            throw new DataFormatException(sourceFile, 0, "all " + src.size() + " sentence pairs with " + targetFile + " are empty");
        }
        return new ParallelText(sourceFile, targetFile, pairs, src.size(), skipped);
    }

    /**
     * The lines of a UTF-8 text file, gzip-compressed or not: split at '\n', a CR before it dropped, a final newline
     * starting no extra line. Invalid UTF-8 is an error naming the file and line.
     *
     * @param file a text file, plain or gzip-compressed
     * @return its lines, without a leading byte-order mark; empty for an empty file
     * @throws DataFormatException if the text is not valid UTF-8
     * @throws IOException         if the file does not exist, cannot be read or is a broken gzip file
     */
    public static List<String> readLines(Path file) throws IOException {
        byte[] bytes;
        TextFile.requireRegularFile(file);
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new IOException("text file not found: " + file);
        }
        boolean gzip = bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        if (gzip) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new IOException(file + ": starts like a gzip file but cannot be decompressed (" + e.getMessage() + ")", e);
            }
        }
        String text = TextFile.decodeUtf8(file, bytes, gzip ? " of the decompressed text" : "");
        if (text.startsWith("\uFEFF")) text = text.substring(1); // a byte-order mark is not part of the first sentence
        if (text.isEmpty()) return List.of();
        if (text.endsWith("\n")) text = text.substring(0, text.length() - 1);
        List<String> out = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        for (int i = 0; i < out.size(); i++) {
            String l = out.get(i);
            if (l.endsWith("\r")) out.set(i, l.substring(0, l.length() - 1));
        }
        return out;
    }

    /**
     * The source-language file.
     *
     * @return its path
     */
    public Path sourceFile() {
        return sourceFile;
    }

    /**
     * The target-language file.
     *
     * @return its path
     */
    public Path targetFile() {
        return targetFile;
    }

    /**
     * The pairs kept, in file order.
     *
     * @return an unmodifiable list
     */
    public List<Pair> pairs() {
        return pairs;
    }

    /**
     * The number of pairs kept.
     *
     * @return {@code pairs().size()}
     */
    public int size() {
        return pairs.size();
    }

    /**
     * Lines in each file.
     *
     * @return the line count, skipped pairs included
     */
    public int lines() {
        return lines;
    }

    /**
     * How many pairs were left out for an empty side ({@link EmptyLines#SKIP}).
     *
     * @return the count, 0 under the other policies
     */
    public int skippedEmpty() {
        return skipped.size();
    }

    /**
     * Their line numbers.
     *
     * @return the 1-based lines of the skipped pairs, in order
     */
    public List<Integer> skippedLines() {
        return skipped;
    }

    /**
     * The source sentences of the kept pairs.
     *
     * @return a new list, in file order
     */
    public List<String> sources() {
        return pairs.stream().map(Pair::source).toList();
    }

    /**
     * The target sentences of the kept pairs.
     *
     * @return a new list, in file order
     */
    public List<String> targets() {
        return pairs.stream().map(Pair::target).toList();
    }

    /**
     * "skipped 2 pairs with an empty side (lines 5, 9) of a.en / a.de", or "" when none were.
     *
     * @return the report line
     */
    public String skippedReport() {
        if (skipped.isEmpty()) return "";
        return String.format(Locale.ROOT, "skipped %d sentence pair%s with an empty side (line%s %s) of %s / %s", skipped.size(),
                skipped.size() == 1 ? "" : "s", skipped.size() == 1 ? "" : "s", firstFew(skipped), sourceFile, targetFile);
    }

    /**
     * "3, 7, 12" or "3, 7, 12, 15, 20, ... (25 in all)".
     *
     * @param lines line numbers
     * @return the first five, and the count when there are more
     */
    public static String firstFew(List<Integer> lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(5, lines.size()); i++) sb.append(i == 0 ? "" : ", ").append(lines.get(i));
        if (lines.size() > 5) sb.append(", ... (").append(lines.size()).append(" in all)");
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 50 ? s.substring(0, 50) + "..." : s;
    }
}
