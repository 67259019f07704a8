package dev.jgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jgrad data list/get} against the shared data files served over HTTP on 127.0.0.1 (the JDK's file server). */
class DataCommandTest {

    @TempDir
    Path cache;
    private HttpServer server;
    /** The build's own settings (see the pom), put back after each test. */
    private String savedCache, savedMirror;
    private final StringWriter out = new StringWriter(), err = new StringWriter();

    @BeforeEach
    void serveSharedData() {
        Path data = Path.of(System.getProperty("jgrad.shared", "../shared"), "data").toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(data.resolve("tinyshakespeare")), "the shared data sets are not beside the repository");
        server = SimpleFileServer.createFileServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), data,
                SimpleFileServer.OutputLevel.NONE);
        server.start();
        savedCache = System.getProperty("jgrad.data");
        savedMirror = System.getProperty("jgrad.data.mirror");
        System.setProperty("jgrad.data", cache.toString());
        System.setProperty("jgrad.data.mirror", "http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
        restore("jgrad.data", savedCache);
        restore("jgrad.data.mirror", savedMirror);
    }

    private int jgrad(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void getFetchesIntoTheCacheAndListSaysSo() throws Exception {
        assertEquals(0, jgrad("data", "list"), err.toString());
        assertTrue(out.toString().startsWith("cache: " + cache + "\n"), out.toString());
        assertTrue(out.toString().contains("tinyshakespeare     1.1 MB  not cached"), out.toString());

        assertEquals(0, jgrad("data", "get", "tinyshakespeare"), err.toString());
        assertTrue(out.toString().contains("tinyshakespeare: verified in " + cache.resolve("tinyshakespeare")), out.toString());
        assertEquals(Files.readString(Path.of(System.getProperty("jgrad.shared"), "data", "tinyshakespeare", "input.txt")),
                Files.readString(cache.resolve("tinyshakespeare/input.txt")));

        assertEquals(0, jgrad("data", "get", "tinyshakespeare"), err.toString());
        assertTrue(out.toString().contains("tinyshakespeare: already in "), out.toString());
        assertEquals(0, jgrad("data", "list"), err.toString());
        assertTrue(out.toString().contains("tinyshakespeare     1.1 MB  cached"), out.toString());
    }

    @Test
    void anUnknownNameIsRefusedBeforeAnythingIsFetched() {
        assertEquals(1, jgrad("data", "get", "tinyshakespeare", "cifar10"));
        assertEquals("jgrad data get: error: no data set named 'cifar10'; known: tinyshakespeare, multi30k, mnist, fashion-mnist, sst2"
                + " (--debug shows the stack trace)", err.toString().strip());
        assertTrue(!Files.exists(cache.resolve("tinyshakespeare")), "nothing was fetched");
    }

    private static void restore(String property, String value) {
        if (value == null) System.clearProperty(property);
        else System.setProperty(property, value);
    }
}
