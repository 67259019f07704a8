package dev.jgrad;

import dev.jgrad.kernels.Kernels;
import dev.jgrad.kernels.Parallel;

/**
 * jgrad's run-time settings in one place: how many threads the kernels use and which kernel
 * implementation runs.
 *
 * <p>The system properties {@code -Djgrad.threads=N} and {@code -Djgrad.kernels=scalar|vector} give
 * the defaults; {@link #threads(int)} changes the thread count while the program runs. The Vector
 * API kernels need {@code --add-modules jdk.incubator.vector} on the java command line; without it
 * jgrad warns once on stderr and runs its scalar kernels, which are several times slower.
 */
public final class Jgrad {

    private Jgrad() {}

    /**
     * How many threads (the calling thread included) a kernel may split its work across, as
     * torch.get_num_threads.
     *
     * @return the thread count, at least 1: {@code -Djgrad.threads}, the last {@link #threads(int)}, or the
     *         number of processors
     */
    public static int threads() {
        return Parallel.threads();
    }

    /**
     * Sets how many threads later kernels may use; 1 runs everything on the calling thread. Results
     * do not depend on it. Waits for a kernel running on another thread to finish first. As
     * torch.set_num_threads.
     *
     * @param n the number of threads, at least 1
     * @throws IllegalArgumentException if n is less than 1
     * @throws IllegalStateException    if called from inside a parallel kernel's loop body
     */
    public static void threads(int n) {
        Parallel.setThreads(n);
    }

    /**
     * The name of the kernel implementation in use: {@code "vector"} (the Vector API) or {@code "scalar"}.
     *
     * @return {@code "vector"} or {@code "scalar"}
     * @throws IllegalStateException if {@code -Djgrad.kernels} names no implementation, or one this JVM cannot run
     */
    public static String kernels() {
        return Kernels.get().getClass().getSimpleName().equals("VectorKernels") ? "vector" : "scalar";
    }
}
