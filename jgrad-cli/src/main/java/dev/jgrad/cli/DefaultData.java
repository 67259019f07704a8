package dev.jgrad.cli;

import dev.jgrad.datasets.Dataset;
import dev.jgrad.datasets.Datasets;
import dev.jgrad.datasets.DownloadException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where the commands find their default data: the public data sets of {@link Datasets}, fetched into the cache
 * ({@code $JGRAD_DATA}, by default ~/.cache/jgrad) on first use with a byte progress bar on stderr, and verified by
 * their SHA-256. An option such as {@code --data DIR} always overrides them.
 */
final class DefaultData {
    private DefaultData() {}

    /** The help's words for a data set that comes from the cache. */
    static final String CACHE = "fetched into $JGRAD_DATA (default ~/.cache/jgrad) on first use";

    /**
     * The folder of the data set {@code name}, fetched first if it is not complete in the cache.
     *
     * @param instead what to pass to use other data, for the error message ("--data DIR")
     */
    static Path folder(String name, String instead) throws IOException {
        Dataset dataset = Datasets.named(name);
        try {
            return Datasets.get(dataset, new DownloadBar(dataset));
        } catch (DownloadException e) {
            throw new DownloadException("the default data set " + name + " could not be fetched: " + e.getMessage()
                    + "; or pass " + instead + " to use other data", e);
        }
    }

    /** The image data sets by the names --data accepts. */
    private static final Map<String, String> IMAGE_SETS = Map.of("mnist", "mnist", "fashion-mnist", "fashion-mnist",
            "fashion_mnist", "fashion-mnist", "fashionmnist", "fashion-mnist");

    /** The data set an image --data names (mnist, fashion-mnist), or null when it is a directory of the user's. */
    static String imageDataset(String data) {
        return IMAGE_SETS.get(data.toLowerCase(Locale.ROOT));
    }

    /** The directory of an image --data: a data set of the cache (fetched if need be), else the user's directory. */
    static Path imageData(String data) throws IOException {
        String name = imageDataset(data);
        return name != null ? folder(name, "--data DIR") : Path.of(data);
    }

    /** One file of the data set {@code name}, fetched first if need be. */
    static Path file(String name, String file, String instead) throws IOException {
        return folder(name, instead).resolve(file);
    }

    /**
     * The tiny-shakespeare text that {@code train charlm} and {@code train demo} read by default: the copy shipped in the
     * repository's data/ folder (found from the launcher's jgrad.home, else the working directory), else the cache's.
     */
    static Path tinyShakespeare() throws IOException {
        String home = System.getProperty("jgrad.home");
        Path shipped = Path.of("data", "tinyshakespeare", "input.txt");
        if (home != null) shipped = Path.of(home).resolve(shipped);
        if (home != null || Files.isRegularFile(shipped)) return shipped;
        return file("tinyshakespeare", "input.txt", "--text FILE");
    }
}
