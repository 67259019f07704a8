package dev.jgrad.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The few Python string semantics that sacreBLEU's results depend on, so that scores and their printed form
 * match it exactly: {@code str.isspace}/{@code str.split()}/{@code str.rstrip()} (Python's whitespace set is not
 * Java's: it includes U+00A0 and U+202F, which {@link Character#isWhitespace} does not) and
 * {@code f"{x:.{n}f}"} (round-half-even on the exact binary value, where {@link String#format} rounds half-up
 * on the shortest decimal).
 */
final class PythonText {
    private PythonText() {}

    /** Python's {@code str.isspace()} for one code point: bidirectional class WS, B or S, or category Zs. */
    static boolean isSpace(int cp) {
        return switch (cp) {
            case '\t', '\n', 0x0B, '\f', '\r', 0x1C, 0x1D, 0x1E, 0x1F, ' ', 0x85, 0xA0, 0x1680,
                 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** {@code s.split()}: runs of whitespace separate, none at the ends, no empty pieces. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int n = s.length(), i = 0;
        while (i < n) {
            while (i < n && isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            int start = i;
            while (i < n && !isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            if (i > start) out.add(s.substring(start, i));
        }
        return out;
    }

    /** {@code s.rstrip()}. */
    static String rstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) break;
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /** {@code f"{x:.{decimals}f}"} for finite x. */
    static String fixed(double x, int decimals) {
        if (Double.isNaN(x)) return "nan";
        if (Double.isInfinite(x)) return x > 0 ? "inf" : "-inf";
        String s = new BigDecimal(x).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        // Python keeps the sign of a negative number that rounds to zero ("-0.00"); BigDecimal drops it.
        return (x < 0 || (x == 0 && 1 / x < 0)) && !s.startsWith("-") ? "-" + s : s;
    }
}
