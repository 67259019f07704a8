package dev.jgrad.metrics;

import java.util.regex.Pattern;

/**
 * The "13a" tokenizer of sacreBLEU (the default for BLEU), which reproduces the tokenization of WMT's
 * mteval-v13a.pl. Applied in order:
 *
 * <ol>
 *   <li>remove {@code <skipped>}; join {@code "-\n"} line breaks; other newlines become spaces;</li>
 *   <li>unescape {@code &quot; &amp; &lt; &gt;} (in that order, each once over the line, so
 *       {@code &amp;quot;} becomes {@code &quot;}, not {@code "});</li>
 *   <li>surround the line with spaces, then split off as separate tokens: every ASCII symbol in
 *       {@code { | } ~ [ \ ] ^ _ ` ! " # $ % & ( ) * + : ; < = > ? @ /} (not {@code ' - . ,});
 *       a period or comma after a non-digit; a period or comma before a non-digit; a hyphen after a digit;</li>
 *   <li>collapse whitespace (Python's definition) to single spaces, trimmed at both ends.</li>
 * </ol>
 *
 * So numbers keep their decimal point and thousands comma ("3.14", "1,000"), contractions stay whole
 * ("wasn't"), and hyphenated words stay whole unless the hyphen follows a digit ("5-6" gives "5 - 6" but
 * "well-known" stays). Each rule is a regular-expression substitution over the whole line, left to right,
 * without overlaps, exactly as Python's {@code re.sub}, so for instance "a.." gives "a . ." but ".." alone
 * stays "..".
 */
public final class Tokenizer13a {
    private Tokenizer13a() {}

    private static final Pattern SYMBOL = Pattern.compile("([{-~\\[-` -&(-+:-@/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    /**
     * The tokenized line: tokens separated by single spaces.
     *
     * @param line one sentence (raw text, possibly with HTML entities)
     * @return the tokens joined by single spaces, no space at either end
     */
    public static String tokenize(String line) {
        line = line.replace("<skipped>", "");
        line = line.replace("-\n", "");
        line = line.replace("\n", " ");
        if (line.indexOf('&') >= 0) {
            line = line.replace("&quot;", "\"");
            line = line.replace("&amp;", "&");
            line = line.replace("&lt;", "<");
            line = line.replace("&gt;", ">");
        }
        line = " " + line + " ";
        line = SYMBOL.matcher(line).replaceAll(" $1 ");
        line = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(line).replaceAll("$1 $2 ");
        line = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(line).replaceAll(" $1 $2");
        line = DASH_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
        return String.join(" ", PythonText.split(line));
    }
}
