package dev.jgrad.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for a safetensors header: objects, arrays, strings and integers. Anything else
 * (floats, true/false/null, trailing commas, duplicate keys, lone surrogates) is rejected, because a
 * header that needs it is not one the format allows and silently accepting it would hide corruption.
 *
 * <p>Parsed values are {@code LinkedHashMap<String, Object>} (key order kept), {@code List<Object>},
 * {@code String} and {@code Long}. Writing follows serde_json's compact form so that headers are
 * byte-for-byte those of Hugging Face's implementation.
 */
final class Json {
    /** Deep enough for any header (it nests three levels); bounded so a hostile file cannot blow the stack. */
    private static final int MAX_DEPTH = 32;

    private final String s;
    private int pos;

    private Json(String s) {
        this.s = s;
    }

    /** A syntax error, with the character position where parsing stopped. */
    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message, int position) {
            super(message + " at character " + position);
        }
    }

    /** Parses one JSON value; only whitespace may follow it (the header's padding). */
    static Object parse(String text) throws ParseException {
        Json p = new Json(text);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) throw p.error("unexpected " + p.describe() + " after the top-level value");
        return value;
    }

    private Object value(int depth) throws ParseException {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
        if (pos >= s.length()) throw error("unexpected end of input, expected a value");
        char c = s.charAt(pos);
        if (c == '{') return object(depth);
        if (c == '[') return array(depth);
        if (c == '"') return string();
        if (c == '-' || (c >= '0' && c <= '9')) return integer();
        throw error("unexpected " + describe() + ", expected an object, array, string or integer");
    }

    private Map<String, Object> object(int depth) throws ParseException {
        pos++; // '{'
        Map<String, Object> out = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("unexpected " + describe() + ", expected a string key");
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':', "after object key");
            skipWhitespace();
            Object v = value(depth + 1);
            if (out.putIfAbsent(key, v) != null) {
                throw new ParseException("duplicate key " + quote(key), keyAt);
            }
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') return out;
            if (c != ',') {
                pos--;
                throw error("unexpected " + describe() + ", expected ',' or '}' in object");
            }
        }
    }

    private List<Object> array(int depth) throws ParseException {
        pos++; // '['
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            out.add(value(depth + 1));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') return out;
            if (c != ',') {
                pos--;
                throw error("unexpected " + describe() + ", expected ',' or ']' in array");
            }
        }
    }

    private String string() throws ParseException {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c < 0x20) {
                pos--;
                throw error("unescaped control character U+" + String.format("%04X", (int) c) + " in string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= s.length()) throw error("unterminated escape");
            char e = s.charAt(pos++);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!s.startsWith("\\u", pos)) throw error("lone high surrogate \\u" + hexOf(u));
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) throw error("high surrogate \\u" + hexOf(u) + " not followed by a low surrogate");
                        sb.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("lone low surrogate \\u" + hexOf(u));
                    } else {
                        sb.append(u);
                    }
                }
                default -> {
                    pos--;
                    throw error("invalid escape '\\" + e + "'");
                }
            }
        }
    }

    private char hex4() throws ParseException {
        if (pos + 4 > s.length()) throw error("truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos), 16);
            if (d < 0) throw error("invalid hex digit in \\u escape");
            v = v * 16 + d;
            pos++;
        }
        return (char) v;
    }

    private Long integer() throws ParseException {
        int start = pos;
        boolean negative = peek() == '-';
        if (negative) pos++;
        if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit");
        if (s.charAt(pos) == '0' && pos + 1 < s.length() && isDigit(s.charAt(pos + 1))) {
            throw error("leading zero in number");
        }
        long v = 0;
        while (pos < s.length() && isDigit(s.charAt(pos))) {
            int d = s.charAt(pos) - '0';
            // Accumulate negatively so that Long.MIN_VALUE parses; overflow is an error, not a wrap.
            if (v < (Long.MIN_VALUE + d) / 10) throw new ParseException("integer " + s.substring(start, pos + 1) + "... does not fit in 64 bits", start);
            v = v * 10 - d;
            pos++;
        }
        if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            throw new ParseException("only integers are allowed, not " + s.substring(start, Math.min(s.length(), pos + 8)), start);
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) throw new ParseException("integer " + s.substring(start, pos) + " does not fit in 64 bits", start);
            v = -v;
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void expect(char c, String where) throws ParseException {
        if (peek() != c) throw error("unexpected " + describe() + ", expected '" + c + "' " + where);
        pos++;
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private String describe() {
        if (pos >= s.length()) return "end of input";
        char c = s.charAt(pos);
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : "character U+" + hexOf(c);
    }

    private ParseException error(String message) {
        return new ParseException(message, pos);
    }

    private static String hexOf(char c) {
        return String.format("%04X", (int) c);
    }

    // ---------------------------------------------------------------- writing

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * {@code value} as a JSON string literal exactly as serde_json writes it: {@code "} and {@code \}
     * escaped, the usual short escapes for \b \f \n \r \t, other control characters as lowercase
     * {@code \\u00xx}, and everything else (including non-ASCII and {@code /}) as is.
     */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2);
        appendQuoted(sb, value);
        return sb.toString();
    }

    static void appendQuoted(StringBuilder sb, String value) {
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
