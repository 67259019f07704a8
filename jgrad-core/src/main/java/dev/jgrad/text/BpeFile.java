package dev.jgrad.text;

import dev.jgrad.io.AtomicFile;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The text form of a {@link Bpe} tokenizer, UTF-8, one item a line:
 *
 * <pre>
 * jgrad-bpe 1
 * vocab N
 * &lt;pad&gt;            (N tokens in id order, the 4 specials first)
 * ...
 * merges M
 * ▁ t              (M merges in rank order: left token, one space, right token)
 * ...
 * </pre>
 *
 * Tokens hold no whitespace as written: a backslash is written {@code \\} and any whitespace, control or
 * format character (tab, no-break space, zero-width space...) {@code \\u{HEX}}.
 */
final class BpeFile {
    private BpeFile() {}

    static final String MAGIC = "jgrad-bpe 1";

    static String write(SubwordVocabulary vocabulary, List<Bpe.Merge> merges) {
        StringBuilder sb = new StringBuilder();
        sb.append(MAGIC).append('\n');
        sb.append("vocab ").append(vocabulary.size()).append('\n');
        for (String t : vocabulary.tokens()) sb.append(escape(t)).append('\n');
        sb.append("merges ").append(merges.size()).append('\n');
        for (Bpe.Merge m : merges) sb.append(escape(m.left())).append(' ').append(escape(m.right())).append('\n');
        return sb.toString();
    }

    static Bpe read(String text, String source) {
        String[] lines = text.split("\n", -1);
        int n = lines.length;
        if (n > 0 && lines[n - 1].isEmpty()) n--; // the final newline
        for (int i = 0; i < n; i++) if (lines[i].endsWith("\r")) lines[i] = lines[i].substring(0, lines[i].length() - 1);
        if (n == 0 || !lines[0].equals(MAGIC)) {
            throw new IllegalArgumentException(source + ":1: not a jgrad BPE tokenizer (expected '" + MAGIC + "', got '"
                    + (n == 0 ? "" : abbreviate(lines[0])) + "')");
        }
        int line = 1;
        int vocabSize = count(lines, n, line++, "vocab", source);
        if (line + vocabSize > n) throw new IllegalArgumentException(source + ": ends inside the vocabulary (" + vocabSize + " tokens announced)");
        List<String> tokens = new ArrayList<>(vocabSize);
        for (int i = 0; i < vocabSize; i++, line++) tokens.add(unescape(lines[line], source, line + 1));
        int numMerges = count(lines, n, line++, "merges", source);
        if (line + numMerges != n) {
            throw new IllegalArgumentException(source + ": " + numMerges + " merges announced at line " + line + " but "
                    + (n - line) + " lines follow");
        }
        List<Bpe.Merge> merges = new ArrayList<>(numMerges);
        for (int i = 0; i < numMerges; i++, line++) {
            String[] parts = lines[line].split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IllegalArgumentException(source + ":" + (line + 1) + ": a merge is two tokens separated by one space, got '"
                        + abbreviate(lines[line]) + "'");
            }
            merges.add(new Bpe.Merge(unescape(parts[0], source, line + 1), unescape(parts[1], source, line + 1)));
        }
        try {
            return new Bpe(SubwordVocabulary.of(tokens), merges);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static int count(String[] lines, int n, int line, String what, String source) {
        String prefix = what + " ";
        if (line >= n || !lines[line].startsWith(prefix)) {
            throw new IllegalArgumentException(source + ":" + (line + 1) + ": expected '" + what + " <count>', got '"
                    + (line >= n ? "end of text" : abbreviate(lines[line])) + "'");
        }
        try {
            int c = Integer.parseInt(lines[line].substring(prefix.length()));
            if (c < 0) throw new NumberFormatException();
            return c;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ":" + (line + 1) + ": bad " + what + " count in '" + abbreviate(lines[line]) + "'");
        }
    }

    static void save(Path file, String text) throws IOException {
        AtomicFile.writeString(file, text);
    }

    static Bpe load(Path file) throws IOException {
        String text;
        try {
            text = dev.jgrad.data.TextFile.readUtf8(file);
        } catch (NoSuchFileException e) {
            throw new IOException("tokenizer file not found: " + file);
        }
        return read(text, file.toString());
    }

    static boolean needsEscape(int cp) {
        return cp == '\\' || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)
                || Character.getType(cp) == Character.FORMAT || Character.getType(cp) == Character.SURROGATE
                || Character.getType(cp) == Character.UNASSIGNED || cp == 0x85;
    }

    static String escape(String token) {
        StringBuilder sb = new StringBuilder(token.length());
        token.codePoints().forEach(cp -> {
            if (cp == '\\') sb.append("\\\\");
            else if (needsEscape(cp)) sb.append("\\u{").append(Integer.toHexString(cp).toUpperCase()).append('}');
            else sb.appendCodePoint(cp);
        });
        return sb.toString();
    }

    static String unescape(String s, String source, int lineNumber) {
        if (s.isEmpty()) throw new IllegalArgumentException(source + ":" + lineNumber + ": empty token");
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ') throw new IllegalArgumentException(source + ":" + lineNumber + ": unescaped space in token '" + s + "'");
            if (c != '\\') {
                sb.append(c);
            } else if (s.startsWith("\\\\", i)) {
                sb.append('\\');
                i++;
            } else if (s.startsWith("\\u{", i) && s.indexOf('}', i) > 0) {
                int end = s.indexOf('}', i);
                try {
                    sb.appendCodePoint(Integer.parseInt(s.substring(i + 3, end), 16));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + ":" + lineNumber + ": bad escape '" + s.substring(i, end + 1) + "'");
                }
                i = end;
            } else {
                throw new IllegalArgumentException(source + ":" + lineNumber + ": bad escape in token '" + s
                        + "' (only \\\\ and \\u{HEX} exist)");
            }
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
