package dev.jgrad.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching the data sets end to end from a real HTTP server on 127.0.0.1 that serves the shared data
 * files (../shared/data beside the repository) the way a mirror would, with range requests, and that
 * can be told to cut a transfer short, to ignore ranges or to send corrupt bytes.
 */
class DatasetsTest {

    @TempDir
    Path cache;

    private HttpServer server;
    /** The build's own settings (see the pom), put back after each test. */
    private String savedCache, savedMirror;
    private Path shared;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Set<String> truncateOnce = ConcurrentHashMap.newKeySet();
    private final Set<String> corrupt = ConcurrentHashMap.newKeySet();
    private volatile boolean ignoreRanges;

    @BeforeEach
    void startMirror() throws IOException {
        shared = Path.of(System.getProperty("jgrad.shared", "../shared"), "data");
        assumeTrue(Files.isDirectory(shared.resolve("multi30k")), "the shared data sets are not beside the repository");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
        savedCache = System.getProperty("jgrad.data");
        savedMirror = System.getProperty("jgrad.data.mirror");
        System.setProperty("jgrad.data", cache.toString());
        System.setProperty("jgrad.data.mirror", "http://127.0.0.1:" + server.getAddress().getPort() + "/data");
    }

    @AfterEach
    void stopMirror() {
        if (server != null) server.stop(0);
        restore("jgrad.data", savedCache);
        restore("jgrad.data.mirror", savedMirror);
    }

    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath(); // /data/<data set>/<file>
        String range = exchange.getRequestHeaders().getFirst("Range");
        requests.add(path + (range == null ? "" : " " + range));
        Path file = shared.resolve(path.substring("/data/".length()));
        if (!path.startsWith("/data/") || !Files.isRegularFile(file)) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        byte[] bytes = Files.readAllBytes(file);
        if (corrupt.contains(file.getFileName().toString())) bytes[bytes.length / 2] ^= 1;
        int from = 0;
        if (range != null && !ignoreRanges && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
            exchange.sendResponseHeaders(206, bytes.length - from);
        } else {
            exchange.sendResponseHeaders(200, bytes.length);
        }
        try (OutputStream out = exchange.getResponseBody()) {
            if (truncateOnce.remove(file.getFileName().toString())) {
                out.write(bytes, from, (bytes.length - from) / 3);
                out.flush();
                exchange.getHttpContext().getServer(); // keep the exchange referenced until the cut
                throw new IOException("cut on purpose"); // the server drops the connection mid-body
            }
            out.write(bytes, from, bytes.length - from);
        }
    }

    @Test
    void aDataSetIsFetchedVerifiedAndThenServedFromTheCache() throws IOException {
        Dataset multi30k = Datasets.named("multi30k");
        assertFalse(Datasets.isComplete(multi30k));
        AtomicLong progressed = new AtomicLong();
        List<String> finished = new CopyOnWriteArrayList<>();
        Path folder = Datasets.get(multi30k, new DownloadListener() {
            @Override
            public void progressed(long bytes) {
                progressed.addAndGet(bytes);
            }

            @Override
            public void finished(RemoteFile file) {
                finished.add(file.name());
            }
        });
        assertEquals(cache.resolve("multi30k"), folder);
        assertTrue(Datasets.isComplete(multi30k));
        assertEquals(multi30k.bytes(), progressed.get());
        assertEquals(multi30k.files().stream().map(RemoteFile::name).toList(), finished);
        for (RemoteFile f : multi30k.files()) {
            assertArrayEquals(Files.readAllBytes(shared.resolve("multi30k").resolve(f.name())), Files.readAllBytes(folder.resolve(f.name())));
        }
        try (var listing = Files.list(folder)) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no partial file is left");
        }
        int before = requests.size();
        assertEquals(folder, Datasets.get(multi30k, DownloadListener.NONE));
        assertEquals(before, requests.size(), "a complete data set is not fetched again");
    }

    @Test
    void anInterruptedTransferLeavesNoFileThatPassesAsCompleteAndResumesWithARange() throws IOException {
        Dataset shakespeare = Datasets.named("tinyshakespeare");
        truncateOnce.add("input.txt");
        DownloadException e = assertThrows(DownloadException.class, () -> Datasets.get(shakespeare, DownloadListener.NONE));
        assertTrue(e.getMessage().startsWith("cannot download input.txt: http://127.0.0.1:"), e.getMessage());
        assertTrue(e.getMessage().contains("place the files by hand: put input.txt ("), e.getMessage());
        Path folder = Datasets.folder(shakespeare);
        assertFalse(Files.exists(folder.resolve("input.txt")), "a cut transfer must not pass as complete");
        long kept = Files.size(folder.resolve("input.txt.part"));
        assertTrue(kept > 0 && kept < shakespeare.bytes(), "kept " + kept);
        assertFalse(Datasets.isComplete(shakespeare));

        Datasets.get(shakespeare, DownloadListener.NONE);
        assertEquals("/data/tinyshakespeare/input.txt bytes=" + kept + "-", requests.get(requests.size() - 1), requests.toString());
        assertEquals(Files.readString(shared.resolve("tinyshakespeare/input.txt")), Files.readString(folder.resolve("input.txt")));
        assertFalse(Files.exists(folder.resolve("input.txt.part")));
    }

    @Test
    void aServerWithoutRangesSendsTheWholeFileAgain() throws IOException {
        Dataset shakespeare = Datasets.named("tinyshakespeare");
        truncateOnce.add("input.txt");
        assertThrows(DownloadException.class, () -> Datasets.get(shakespeare, DownloadListener.NONE));
        ignoreRanges = true;
        Datasets.get(shakespeare, DownloadListener.NONE);
        assertEquals(Downloader.sha256(shared.resolve("tinyshakespeare/input.txt")),
                Downloader.sha256(Datasets.folder(shakespeare).resolve("input.txt")));
    }

    @Test
    void aChecksumMismatchDeletesTheFileAndSaysSo() {
        Dataset shakespeare = Datasets.named("tinyshakespeare");
        corrupt.add("input.txt");
        DownloadException e = assertThrows(DownloadException.class, () -> Datasets.get(shakespeare, DownloadListener.NONE));
        assertTrue(e.getMessage().contains("checksum mismatch (sha256 ") && e.getMessage().contains(
                "expected 86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed); the downloaded file was deleted"), e.getMessage());
        Path folder = Datasets.folder(shakespeare);
        assertFalse(Files.exists(folder.resolve("input.txt")));
        assertFalse(Files.exists(folder.resolve("input.txt.part")));
    }

    @Test
    void withoutANetworkTheErrorNamesTheUrlAndHowToPlaceTheFilesByHand() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        System.setProperty("jgrad.data.mirror", "http://127.0.0.1:" + closedPort + "/data");
        Dataset sst2 = Datasets.named("sst2");
        DownloadException e = assertThrows(DownloadException.class, () -> Datasets.get(sst2, DownloadListener.NONE));
        assertEquals("cannot download train.tsv: http://127.0.0.1:" + closedPort + "/data/sst2/train.tsv: connection refused or "
                + "unreachable (no network?). Without a network, place the files by hand: put train.tsv ("
                + sst2.files().get(0).urls().get(0) + "), dev.tsv (" + sst2.files().get(1).urls().get(0) + ") in "
                + cache.resolve("sst2"), e.getMessage());
    }

    @Test
    void aMirrorCanBeAFolder() throws IOException {
        System.setProperty("jgrad.data.mirror", shared.toString()); // a plain path, as a file: URL would be
        Dataset shakespeare = Datasets.named("tinyshakespeare");
        AtomicLong progressed = new AtomicLong();
        Datasets.get(shakespeare, new DownloadListener() {
            @Override
            public void progressed(long bytes) {
                progressed.addAndGet(bytes);
            }
        });
        assertEquals(shakespeare.bytes(), progressed.get());
        assertTrue(Datasets.isComplete(shakespeare));
        assertTrue(requests.isEmpty(), "nothing went over HTTP: " + requests);
    }

    @Test
    void theCatalogueIsConsistent() {
        assertEquals(List.of("tinyshakespeare", "multi30k", "mnist", "fashion-mnist", "sst2"),
                Datasets.all().stream().map(Dataset::name).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.named("cifar10"));
        assertEquals("no data set named 'cifar10'; known: tinyshakespeare, multi30k, mnist, fashion-mnist, sst2", e.getMessage());
        for (Dataset d : Datasets.all()) {
            for (RemoteFile f : d.files()) {
                Path local = shared.resolve(d.name()).resolve(f.name());
                if (Files.isRegularFile(local)) {
                    try {
                        assertEquals(f.bytes(), Files.size(local), local.toString());
                        assertEquals(f.sha256(), Downloader.sha256(local), local.toString());
                    } catch (IOException io) {
                        throw new AssertionError(io);
                    }
                }
                for (URI u : f.urls()) assertTrue(u.getScheme().startsWith("http"), u.toString());
            }
        }
    }

    private static void restore(String property, String value) {
        if (value == null) System.clearProperty(property);
        else System.setProperty(property, value);
    }
}
