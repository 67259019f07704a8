package dev.jgrad.datasets;

import java.net.URI;
import java.util.List;

/**
 * One file of a data set as it is published: its name in the data set's folder, its exact size and
 * SHA-256, and the URLs it can be fetched from, tried in order (the canonical one first, then mirrors).
 *
 * @param name the file's name in the data set's folder, e.g. {@code train.en.gz}
 * @param bytes the file's exact size in bytes
 * @param sha256 the SHA-256 of the file's bytes, 64 lower-case hex digits
 * @param urls where to fetch it, tried in order
 */
public record RemoteFile(String name, long bytes, String sha256, List<URI> urls) {

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if the name is empty or has a path separator, the size is negative,
     *         the checksum is not 64 hex digits or there is no URL
     */
    public RemoteFile {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("a data file's name must be a plain file name, not '" + name + "'");
        }
        if (bytes < 0) throw new IllegalArgumentException(name + ": negative size " + bytes);
        if (!sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException(name + ": not a SHA-256: " + sha256);
        if (urls.isEmpty()) throw new IllegalArgumentException(name + ": no URL to fetch it from");
        urls = List.copyOf(urls);
    }
}
