package dev.jgrad.spark;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.io.TrainingCheckpoint;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where executors find a model checkpoint: a {@link #path} every executor can read (a shared file system, or the same
 * machine), or the model's bytes {@link #shipped} by the driver as a Spark broadcast (no shared storage needed). Either
 * way each executor JVM loads the model once and keeps it for all its tasks ({@link ExecutorCache}).
 */
public final class ModelSource implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final Broadcast<byte[]> bytes;

    private ModelSource(String path, Broadcast<byte[]> bytes) {
        this.path = path;
        this.bytes = bytes;
    }

    /**
     * The checkpoint at {@code checkpoint} (a run directory or a model {@code .safetensors}), which every executor reads
     * itself. An executor that cannot read it fails the job with one error naming the path.
     */
    public static ModelSource path(Path checkpoint) {
        if (checkpoint == null) throw new IllegalArgumentException("ModelSource: the checkpoint path must not be null");
        return new ModelSource(checkpoint.toAbsolutePath().normalize().toString(), null);
    }

    /**
     * The model of {@code checkpoint}, read here on the driver and broadcast to the executors: for executors that do not
     * see the driver's files.
     *
     * @throws java.nio.file.NoSuchFileException if there is no checkpoint there
     */
    public static ModelSource shipped(JavaSparkContext sc, Path checkpoint) throws IOException {
        SafeTensors.File model = TrainingCheckpoint.loadModel(checkpoint);
        Path tmp = Files.createTempFile("jgrad-model", ".safetensors");
        try {
            SafeTensors.save(tmp, model.tensors(), model.metadata());
            return new ModelSource(checkpoint.toAbsolutePath().normalize() + " (shipped)", sc.broadcast(Files.readAllBytes(tmp)));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** What names the checkpoint in messages, and in each executor's cache of loaded models. */
    public String name() {
        return bytes == null ? path : path + " #" + bytes.id();
    }

    /**
     * On an executor: a local file or directory to load the model from; shipped bytes are written to a temporary file
     * (once per executor JVM, through the cache).
     */
    Path localPath() throws IOException {
        if (bytes == null) return Path.of(path);
        Path tmp = Files.createTempFile("jgrad-model", ".safetensors");
        tmp.toFile().deleteOnExit();
        Files.write(tmp, bytes.value());
        return tmp;
    }

    @Override
    public String toString() {
        return "ModelSource(" + name() + ")";
    }
}
