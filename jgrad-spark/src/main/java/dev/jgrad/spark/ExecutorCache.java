package dev.jgrad.spark;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The models an executor JVM has loaded, by kind and {@link ModelSource}: each is loaded once, by the first task that
 * needs it, and shared by every later task of that JVM (the inference loaders are thread-safe). A load that fails is
 * not kept, so a retried task tries again.
 */
final class ExecutorCache {
    private static final ConcurrentMap<String, Object> MODELS = new ConcurrentHashMap<>();

    private ExecutorCache() {}

    /** How a kind of model is loaded from a local path. */
    @FunctionalInterface
    interface Loader<T> {
        T load(java.nio.file.Path path) throws IOException;
    }

    /**
     * The model of {@code source}, loaded by {@code loader} on first use in this JVM.
     *
     * @throws CheckpointUnreadableException when this executor cannot read the checkpoint (missing, unreadable, corrupt)
     */
    @SuppressWarnings("unchecked")
    static <T> T get(String kind, ModelSource source, Loader<T> loader) {
        return (T) MODELS.computeIfAbsent(kind + " " + source.name(), key -> {
            try {
                return loader.load(source.localPath());
            } catch (NoSuchFileException | AccessDeniedException e) {
                throw new CheckpointUnreadableException(source.name(), (e instanceof NoSuchFileException ? "no such file or directory" : "access denied")
                        + " on executor " + ExecutorCache.host());
            } catch (IOException | IllegalArgumentException e) {
                throw new CheckpointUnreadableException(source.name(), e.getMessage() + " (on executor " + ExecutorCache.host() + ")");
            }
        });
    }

    /** The name of the machine this code runs on, for messages. */
    static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "?";
        }
    }
}
