package dev.jgrad.models;

import java.util.Map;

/** Typed reading of a checkpoint's string metadata, with errors naming the checkpoint, the key and what it holds. */
final class MetadataEntries {
    private MetadataEntries() {}

    static int intEntry(Map<String, String> m, String key, String source) {
        String v = m.get(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": metadata entry '" + key + "' should be an integer, got " + (v == null ? "nothing" : "'" + v + "'"));
        }
    }

    static double doubleEntry(Map<String, String> m, String key, String source) {
        String v = m.get(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(source + ": metadata entry '" + key + "' should be a number, got " + (v == null ? "nothing" : "'" + v + "'"));
        }
    }

    static boolean boolEntry(Map<String, String> m, String key, String source) {
        String v = m.get(key);
        if ("true".equals(v)) return true;
        if ("false".equals(v)) return false;
        throw new IllegalArgumentException(source + ": metadata entry '" + key + "' should be true or false, got " + (v == null ? "nothing" : "'" + v + "'"));
    }
}
