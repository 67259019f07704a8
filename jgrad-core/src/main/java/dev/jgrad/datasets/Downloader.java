package dev.jgrad.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Fetches one {@link RemoteFile} into a folder so that a file under its final name is always complete
 * and verified.
 *
 * <p>The bytes go to {@code NAME.part} first. An interrupted transfer leaves that part behind, and the
 * next attempt asks the server for the rest (an HTTP range request); a server that ignores ranges
 * sends the whole file again and the part starts over. Only when the part has the published size and
 * SHA-256 is it renamed, atomically, to {@code NAME}. A checksum mismatch deletes the part and says so.
 */
final class Downloader {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    /** The bytes at a URL were not the published ones. */
    private static final class ChecksumMismatch extends IOException {
        private static final long serialVersionUID = 1L;

        ChecksumMismatch(String message) {
            super(message);
        }
    }

    /**
     * Makes {@code folder/file.name()} a complete, verified copy, trying the URLs in order.
     *
     * @return the file's path
     */
    Path fetch(RemoteFile file, List<URI> urls, Path folder, String byHand, DownloadListener listener) throws IOException {
        Path target = folder.resolve(file.name());
        if (Files.isRegularFile(target) && Files.size(target) == file.bytes()) return target;
        Path part = folder.resolve(file.name() + ".part");
        List<String> failures = new ArrayList<>();
        for (URI url : urls) {
            try {
                transfer(url, file, part, listener);
                verify(url, file, part);
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                listener.finished(file);
                return target;
            } catch (ChecksumMismatch e) {
                Files.deleteIfExists(part);
                failures.add(e.getMessage());
            } catch (IOException e) {
                failures.add(url + ": " + reason(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DownloadException("interrupted while downloading " + url + "; run the command again to resume");
            }
        }
        throw new DownloadException("cannot download " + file.name() + ": " + String.join("; ", failures)
                + ". Without a network, place the files by hand: " + byHand);
    }

    private void transfer(URI url, RemoteFile file, Path part, DownloadListener listener) throws IOException, InterruptedException {
        if ("file".equals(url.getScheme())) {
            copyLocal(Path.of(url), file, part, listener);
            return;
        }
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (have > file.bytes()) {
            Files.delete(part);
            have = 0;
        }
        if (have == file.bytes() && have > 0) return; // complete but not yet verified: verify decides
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(RESPONSE_TIMEOUT).GET();
        if (have > 0) request.header("Range", "bytes=" + have + "-");
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        boolean append;
        if (status == 206 && have > 0 && response.headers().firstValue("Content-Range").orElse("").startsWith("bytes " + have + "-")) {
            append = true;
        } else if (status == 200) {
            append = false; // no range support: the whole file again
            have = 0;
        } else {
            response.body().close();
            throw new IOException("HTTP " + status);
        }
        listener.started(file, url, have);
        long got = have;
        try (InputStream in = response.body();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (got + n > file.bytes()) throw new IOException("the server sent more than the " + file.bytes() + " bytes published");
                out.write(buffer, 0, n);
                got += n;
                listener.progressed(n);
            }
        }
        if (got < file.bytes()) {
            throw new IOException("the transfer ended after " + got + " of " + file.bytes() + " bytes (run again to resume)");
        }
    }

    /** A mirror on a local or shared file system (a {@code file:} URL): copied whole, then verified like a download. */
    private static void copyLocal(Path source, RemoteFile file, Path part, DownloadListener listener) throws IOException {
        if (!Files.isRegularFile(source)) throw new IOException("no such file " + source);
        listener.started(file, source.toUri(), 0);
        Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
        listener.progressed(Files.size(part));
    }

    private static void verify(URI url, RemoteFile file, Path part) throws IOException {
        String actual = sha256(part);
        if (!actual.equals(file.sha256())) {
            throw new ChecksumMismatch(url + ": checksum mismatch (sha256 " + actual + ", expected " + file.sha256()
                    + "); the downloaded file was deleted");
        }
    }

    /** The SHA-256 of a file, in lower-case hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String reason(IOException e) {
        if (e instanceof UnknownHostException) return "unknown host " + e.getMessage() + " (no network?)";
        if (e instanceof HttpConnectTimeoutException) return "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s (no network?)";
        if (e instanceof HttpTimeoutException) return "no answer within " + RESPONSE_TIMEOUT.toSeconds() + " s";
        if (e instanceof ConnectException) return "connection refused or unreachable (no network?)";
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
