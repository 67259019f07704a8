package dev.jgrad.io;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The header's JSON subset: what it accepts, what it refuses, and serde_json-compatible quoting. */
class JsonTest {

    @Test
    void parsesObjectsArraysStringsAndIntegersKeepingKeyOrder() throws Exception {
        Object v = Json.parse(" {\"b\": [1, -2, 0, 9223372036854775807], \"a\" : {\"s\":\"x\"}, \"e\":[]}   ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("b", "a", "e"), List.copyOf(m.keySet()));
        assertEquals(List.of(1L, -2L, 0L, Long.MAX_VALUE), m.get("b"));
        assertEquals(Map.of("s", "x"), m.get("a"));
        assertEquals(List.of(), m.get("e"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
    }

    @Test
    void decodesEveryEscape() throws Exception {
        assertEquals("\"\\/\b\f\n\r\t\u00e9\u0001", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00E9\\u0001\""));
        assertEquals("\uD83D\uDE00", Json.parse("\"\\ud83d\\ude00\""));
        assertEquals("h\u00e9\uD83D\uDE00", Json.parse("\"h\u00e9\uD83D\uDE00\""));
    }

    @Test
    void refusesWhatAHeaderNeverHolds() {
        String[] bad = {
                "", "{", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "{a:1}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":01}",
                "{\"a\":true}", "{\"a\":null}", "{\"a\":-}", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"",
                "\"\\ud83d\\u0041\"", "\"a\u0001b\"", "{} x", "{\"a\":1,\"a\":2}", "92233720368547758070", "9223372036854775808",
                "[".repeat(100) + "]".repeat(100),
        };
        for (String s : bad) {
            assertThrows(Json.ParseException.class, () -> Json.parse(s), () -> "should refuse: " + s);
        }
    }

    @Test
    void errorsSayWhereAndWhat() {
        Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\":1,\"a\":2}"));
        assertTrue(e.getMessage().contains("duplicate key \"a\"") && e.getMessage().contains("at character 7"), e.getMessage());
        e = assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\":[1,2}"));
        assertTrue(e.getMessage().contains("expected ',' or ']'") && e.getMessage().contains("at character 9"), e.getMessage());
    }

    @Test
    void quotesLikeSerdeJson() {
        assertEquals("\"plain.weight\"", Json.quote("plain.weight"));
        assertEquals("\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u00e9\uD83D\uDE00\"",
                Json.quote("q\"b\\s/\b\f\n\r\t\u0000\u001f\u007f\u00e9\uD83D\uDE00"));
    }

    @Test
    void quotedStringsParseBack() throws Exception {
        String s = "we\"ird\\ \n\t\u0003 \u00e9 \uD83D\uDE00 /";
        assertEquals(s, Json.parse(Json.quote(s)));
    }
}
