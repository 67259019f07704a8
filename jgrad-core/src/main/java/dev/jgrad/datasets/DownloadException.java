package dev.jgrad.datasets;

import java.io.IOException;

/**
 * A data set file that could not be fetched or did not verify. The message is one line that names
 * the URL or file and says what to do (for instance, where to place the files by hand).
 */
public final class DownloadException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An error with its explanation.
     *
     * @param message one line naming the URL or file and what to do
     */
    public DownloadException(String message) {
        super(message);
    }

    /**
     * An error with its explanation and cause.
     *
     * @param message one line naming the URL or file and what to do
     * @param cause the underlying failure
     */
    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
