package dev.jgrad.cli;

import dev.jgrad.inference.Translator;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the translation commands share: where the parallel files are. A model comes back from a checkpoint with {@link Translator#load}. */
final class TranslationData {
    private TranslationData() {}

    /** Metadata keys of a translation checkpoint besides the model's config and the tokenizer ({@link Translator} reads them). */
    static final String SRC_LANG = Translator.SOURCE_LANGUAGE_KEY, TGT_LANG = Translator.TARGET_LANGUAGE_KEY;

    /** Multi30k beside the repository: {@code <jgrad.home>/../shared/data/multi30k}. */
    static Path defaultDataDir() {
        String home = System.getProperty("jgrad.home");
        Path base = home != null ? Path.of(home) : Path.of(".");
        return base.resolve("..").resolve("shared").resolve("data").resolve("multi30k").normalize();
    }

    /**
     * The file of one split and language in a data directory: {@code <split>.<lang>.gz} or {@code <split>.<lang>},
     * whichever exists, with a message listing what was looked for otherwise.
     */
    static Path splitFile(Path dir, String split, String lang) {
        Path gz = dir.resolve(split + "." + lang + ".gz"), plain = dir.resolve(split + "." + lang);
        if (Files.isRegularFile(gz)) return gz;
        if (Files.isRegularFile(plain)) return plain;
        throw new IllegalArgumentException("no " + split + " data for language '" + lang + "': neither " + gz + " nor " + plain
                + " exists" + (Files.isDirectory(dir) ? "" : " (no such directory; set --data, or give the files with --train-src/--train-tgt...)"));
    }
}
