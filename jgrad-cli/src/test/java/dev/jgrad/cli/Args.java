package dev.jgrad.cli;

import java.util.ArrayList;
import java.util.List;

/** Command lines for the tests, put together from pieces. */
final class Args {
    private Args() {}

    /** The arguments in order, each piece a String or a String[]. */
    static String[] of(Object... pieces) {
        List<String> all = new ArrayList<>();
        for (Object p : pieces) {
            if (p instanceof String[] many) all.addAll(List.of(many));
            else all.add((String) p);
        }
        return all.toArray(String[]::new);
    }
}
