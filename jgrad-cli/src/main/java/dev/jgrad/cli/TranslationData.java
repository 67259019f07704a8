package dev.jgrad.cli;

import dev.jgrad.inference.Translator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the translation commands share: where the parallel files are. A model comes back from a checkpoint with {@link Translator#load}. */
final class TranslationData {
    private TranslationData() {}

    /** Metadata keys of a translation checkpoint besides the model's config and the tokenizer ({@link Translator} reads them). */
    static final String SRC_LANG = Translator.SOURCE_LANGUAGE_KEY, TGT_LANG = Translator.TARGET_LANGUAGE_KEY;

    /** The help of --data. */
    static final String DATA_HELP = "multi30k (" + DefaultData.CACHE + ") or a directory of <split>.<lang>[.gz] files (default: multi30k).";

    /** The directory of --data: Multi30k from the data-set cache (fetched if need be) when it is not given or names it. */
    static Path dataDir(String data) throws IOException {
        return data == null || data.equalsIgnoreCase("multi30k") ? DefaultData.folder("multi30k", "--data DIR") : Path.of(data);
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
