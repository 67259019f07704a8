package dev.jgrad.datasets;

import java.net.URI;

/** Hears how a download goes, for a progress bar. Every method does nothing unless overridden. */
public interface DownloadListener {

    /** A listener that hears nothing. */
    DownloadListener NONE = new DownloadListener() {};

    /**
     * A file starts (or resumes) downloading.
     *
     * @param file the file
     * @param from the URL being read
     * @param alreadyHave bytes kept from an interrupted earlier download (0 for a fresh start)
     */
    default void started(RemoteFile file, URI from, long alreadyHave) {}

    /**
     * More bytes of the current file arrived.
     *
     * @param bytes how many arrived since the last call
     */
    default void progressed(long bytes) {}

    /**
     * The current file is complete, verified and in place.
     *
     * @param file the file
     */
    default void finished(RemoteFile file) {}
}
