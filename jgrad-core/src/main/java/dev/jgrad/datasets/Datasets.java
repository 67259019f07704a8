package dev.jgrad.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The public data sets jgrad's commands train on, fetched on demand into a local cache, as
 * torchvision's and Hugging Face's data sets are.
 *
 * <p>The cache is {@code $JGRAD_DATA} (or {@code -Djgrad.data=DIR}), by default
 * {@code $XDG_CACHE_HOME/jgrad} or {@code ~/.cache/jgrad}; each data set has a folder of its own
 * there, named after it. Every file is checked against its published SHA-256 before it takes its
 * final name, so a file under its final name is complete (see {@link Downloader}).
 *
 * <p>{@code $JGRAD_DATA_MIRROR} (or {@code -Djgrad.data.mirror=URL}) replaces the public URLs with a
 * mirror laid out as {@code URL/<data set>/<file>}: a company's artifact server, a shared folder
 * ({@code file:/mnt/datasets}), or a local server in tests.
 */
public final class Datasets {

    private Datasets() {}

    private static final String GITHUB = "https://raw.githubusercontent.com/";
    private static final String MULTI30K = GITHUB + "multi30k/dataset/a3d2e0d26b56f3846f66a952536ffed4e401d05a/data/task1/raw/";
    private static final String MNIST = "https://ossci-datasets.s3.amazonaws.com/mnist/";
    private static final String MNIST_ORIGINAL = "http://yann.lecun.com/exdb/mnist/";
    private static final String FASHION = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    private static final String FASHION_GITHUB = GITHUB + "zalandoresearch/fashion-mnist/b2617bb6d3ffa2e429640350f613e3291e10b141/data/fashion/";

    private static final List<Dataset> ALL = List.of(
            new Dataset("tinyshakespeare", "40,000 lines of Shakespeare, for character-level language models (char-rnn)",
                    "MIT (char-rnn); the text is in the public domain", List.of(
                    file("input.txt", 1_115_394, "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
                            GITHUB + "karpathy/char-rnn/6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e/data/tinyshakespeare/input.txt"))),
            new Dataset("multi30k", "Multi30k English-German image descriptions (WMT16 multimodal task 1), for translation",
                    "for non-commercial research and education (Multi30k README); images under Flickr's terms", List.of(
                    file("train.en.gz", 568_929, "d79cfa999dd4c51d2cb42499b6796d5a882c3a8a961923c25a898c90f8bbd56f", MULTI30K + "train.en.gz"),
                    file("train.de.gz", 637_044, "726e39b2fa9eb9ffb6dc763fb35a179f80fae06ffc5d28b6ace5faa883de28a6", MULTI30K + "train.de.gz"),
                    file("val.en.gz", 21_650, "14f7d25ddd868909a9213e361768460edcacdd6ab9d1e77b92560dc10c10dc28", MULTI30K + "val.en.gz"),
                    file("val.de.gz", 24_681, "f0cba2f995189cf5770f29a8a9a537a3ad3f51657ad873405082ff6863a5e75a", MULTI30K + "val.de.gz"),
                    file("test_2016_flickr.en.gz", 21_077, "611d361c6334bc7246101d48097c13cf5c4413c5befc793cc629934359d532d9",
                            MULTI30K + "test_2016_flickr.en.gz"),
                    file("test_2016_flickr.de.gz", 22_890, "9204244e408ccb38d2a55cfcd344df15005fc42a07a6e55ca6c52b6ababb8cc8",
                            MULTI30K + "test_2016_flickr.de.gz"))),
            new Dataset("mnist", "MNIST handwritten digits, 60,000 + 10,000 images of 28x28", "no license stated; commonly CC BY-SA 3.0",
                    List.of(
                    file("train-images-idx3-ubyte.gz", 9_912_422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                            MNIST + "train-images-idx3-ubyte.gz", MNIST_ORIGINAL + "train-images-idx3-ubyte.gz"),
                    file("train-labels-idx1-ubyte.gz", 28_881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                            MNIST + "train-labels-idx1-ubyte.gz", MNIST_ORIGINAL + "train-labels-idx1-ubyte.gz"),
                    file("t10k-images-idx3-ubyte.gz", 1_648_877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                            MNIST + "t10k-images-idx3-ubyte.gz", MNIST_ORIGINAL + "t10k-images-idx3-ubyte.gz"),
                    file("t10k-labels-idx1-ubyte.gz", 4_542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                            MNIST + "t10k-labels-idx1-ubyte.gz", MNIST_ORIGINAL + "t10k-labels-idx1-ubyte.gz"))),
            new Dataset("fashion-mnist", "Zalando's Fashion-MNIST, 60,000 + 10,000 clothing images of 28x28 in 10 classes",
                    "MIT, Copyright 2017 Zalando SE", List.of(
                    file("train-images-idx3-ubyte.gz", 26_421_880, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                            FASHION + "train-images-idx3-ubyte.gz", FASHION_GITHUB + "train-images-idx3-ubyte.gz"),
                    file("train-labels-idx1-ubyte.gz", 29_515, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                            FASHION + "train-labels-idx1-ubyte.gz", FASHION_GITHUB + "train-labels-idx1-ubyte.gz"),
                    file("t10k-images-idx3-ubyte.gz", 4_422_102, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                            FASHION + "t10k-images-idx3-ubyte.gz", FASHION_GITHUB + "t10k-images-idx3-ubyte.gz"),
                    file("t10k-labels-idx1-ubyte.gz", 5_148, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                            FASHION + "t10k-labels-idx1-ubyte.gz", FASHION_GITHUB + "t10k-labels-idx1-ubyte.gz"))),
            new Dataset("sst2", "Stanford Sentiment Treebank, binary (GLUE SST-2): 67,349 training and 872 dev sentences",
                    "no license stated; distributed by Stanford for research", List.of(
                    file("train.tsv", 3_806_081, "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1",
                            GITHUB + "eyalbd2/Reproducing-AutoPrompt/6288fb5bec9c572f2492875ae0111df5b6daed11/glue_data/SST-2/train_full.tsv"),
                    file("dev.tsv", 94_931, "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0",
                            GITHUB + "eyalbd2/Reproducing-AutoPrompt/6288fb5bec9c572f2492875ae0111df5b6daed11/glue_data/SST-2/dev.tsv"))));

    private static RemoteFile file(String name, long bytes, String sha256, String... urls) {
        return new RemoteFile(name, bytes, sha256, java.util.Arrays.stream(urls).map(URI::create).toList());
    }

    /**
     * Every data set jgrad knows.
     *
     * @return the data sets, in a fixed order
     */
    public static List<Dataset> all() {
        return ALL;
    }

    /**
     * The data set of a name.
     *
     * @param name e.g. {@code multi30k}; case does not matter
     * @return the data set
     * @throws IllegalArgumentException if jgrad knows no data set of that name (the message lists those it knows)
     */
    public static Dataset named(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (Dataset d : ALL) if (d.name().equals(wanted)) return d;
        throw new IllegalArgumentException("no data set named '" + name + "'; known: "
                + ALL.stream().map(Dataset::name).collect(Collectors.joining(", ")));
    }

    /**
     * The cache folder: {@code -Djgrad.data}, else {@code $JGRAD_DATA}, else {@code $XDG_CACHE_HOME/jgrad},
     * else {@code ~/.cache/jgrad}.
     *
     * @return the folder (it may not exist yet)
     */
    public static Path cacheDir() {
        String configured = setting("jgrad.data", "JGRAD_DATA");
        if (configured != null) return Path.of(configured);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "jgrad");
        return Path.of(System.getProperty("user.home"), ".cache", "jgrad");
    }

    /**
     * Where a data set's files are kept in the cache.
     *
     * @param dataset the data set
     * @return {@code cacheDir()/name}
     */
    public static Path folder(Dataset dataset) {
        return cacheDir().resolve(dataset.name());
    }

    /**
     * Whether every file of the data set is in the cache (a file under its final name was verified when it was placed).
     *
     * @param dataset the data set
     * @return true if nothing needs fetching
     * @throws IOException if the cache cannot be read
     */
    public static boolean isComplete(Dataset dataset) throws IOException {
        Path folder = folder(dataset);
        for (RemoteFile f : dataset.files()) {
            Path p = folder.resolve(f.name());
            if (!Files.isRegularFile(p) || Files.size(p) != f.bytes()) return false;
        }
        return true;
    }

    /**
     * Makes the data set complete in the cache, downloading what is missing, and returns its folder.
     * Two processes fetching the same data set take turns (a file lock on the folder).
     *
     * @param dataset the data set
     * @param listener hears the progress, or {@link DownloadListener#NONE}
     * @return the data set's folder, with every file in place and verified
     * @throws DownloadException if a file cannot be fetched or does not match its checksum; the message names the
     *         URL and says where to place the files by hand
     * @throws IOException if the cache folder cannot be written
     */
    public static Path get(Dataset dataset, DownloadListener listener) throws IOException {
        Path folder = folder(dataset);
        if (isComplete(dataset)) return folder;
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new DownloadException("cannot create the data folder " + folder + " (" + e + "); set JGRAD_DATA to a writable folder", e);
        }
        Downloader downloader = new Downloader();
        try (FileChannel lockFile = FileChannel.open(folder.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            for (RemoteFile f : dataset.files()) {
                downloader.fetch(f, urls(dataset, f), folder, byHand(dataset), listener);
            }
        }
        return folder;
    }

    /** The URLs a file is fetched from: the mirror's alone when one is configured, else the published ones. */
    static List<URI> urls(Dataset dataset, RemoteFile file) {
        String mirror = setting("jgrad.data.mirror", "JGRAD_DATA_MIRROR");
        if (mirror == null) return file.urls();
        if (!mirror.contains(":/")) mirror = Path.of(mirror).toAbsolutePath().toUri().toString(); // a plain folder
        String base = mirror.endsWith("/") ? mirror : mirror + "/";
        return List.of(URI.create(base + dataset.name() + "/" + file.name()));
    }

    private static String byHand(Dataset dataset) {
        List<String> names = new ArrayList<>();
        for (RemoteFile f : dataset.files()) names.add(f.name() + " (" + f.urls().get(0) + ")");
        return "put " + String.join(", ", names) + " in " + folder(dataset);
    }

    private static String setting(String property, String environment) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) v = System.getenv(environment);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
