package dev.jgrad.cli;

import dev.jgrad.datasets.Dataset;
import dev.jgrad.datasets.DownloadListener;
import dev.jgrad.datasets.RemoteFile;

import java.net.URI;

/** A {@link ProgressBar} of bytes on stderr for each file of a data set that is fetched. */
final class DownloadBar implements DownloadListener {
    private final Dataset dataset;
    private ProgressBar bar;

    /** A bar labelled with the data set's name and each file's. */
    DownloadBar(Dataset dataset) {
        this.dataset = dataset;
    }

    @Override
    public void started(RemoteFile file, URI from, long alreadyHave) {
        if (bar != null) bar.close();
        bar = new ProgressBar(dataset.name() + "/" + file.name(), file.bytes(), "B");
        if (alreadyHave > 0) {
            bar.message("resuming " + file.name() + " after " + alreadyHave + " bytes from " + from);
            bar.set(alreadyHave);
        }
    }

    @Override
    public void progressed(long bytes) {
        bar.stepMany(bytes);
    }

    @Override
    public void finished(RemoteFile file) {
        if (bar != null) bar.close();
        bar = null;
    }
}
