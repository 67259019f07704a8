package dev.jgrad.datasets;

import java.util.List;

/**
 * A public data set that jgrad can fetch: its files, where they come from and on what terms.
 *
 * @param name the short name used on the command line and as the cache folder, e.g. {@code multi30k}
 * @param description one line: what it is and what it is for
 * @param license the terms it is published under, as its authors state them
 * @param files the files, all of which make the data set complete
 */
public record Dataset(String name, String description, String license, List<RemoteFile> files) {

    /** Copies the list of files. */
    public Dataset {
        files = List.copyOf(files);
    }

    /**
     * The total size of the files.
     *
     * @return bytes
     */
    public long bytes() {
        return files.stream().mapToLong(RemoteFile::bytes).sum();
    }
}
