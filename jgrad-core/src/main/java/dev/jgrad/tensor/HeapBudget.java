package dev.jgrad.tensor;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Checks, before a large allocation, that it can fit in the Java heap at all, so that a size nobody meant (a
 * mistyped option, a corrupt or edited checkpoint) stops at once with one line saying how much memory it would take,
 * instead of running for minutes and ending in an {@link OutOfMemoryError}.
 *
 * <p>The bound is the heap's maximum ({@link Runtime#maxMemory()}, set with {@code -Xmx}), not what is free right
 * now: the garbage collector can free more than it has yet, so only a request above the maximum is certain to fail.
 * Callers estimate what they will hold at once (weights, buffers, outputs) and count in bytes.
 */
public final class HeapBudget {
    private HeapBudget() {}

    /**
     * Fails when {@code bytes} exceed the maximum heap.
     *
     * @param bytes what the caller is about to allocate, in bytes; {@link Long#MAX_VALUE} for "more than can be counted"
     * @param what  names what needs it, for the message ("CharLSTM(hidden=20000, ...) weights")
     * @throws InsufficientHeapException if {@code bytes} exceed {@link Runtime#maxMemory()}
     */
    public static void require(long bytes, Supplier<String> what) {
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > max) throw new InsufficientHeapException(what.get(), bytes, max);
    }

    /**
     * a * b, or {@link Long#MAX_VALUE} when it overflows (sizes from untrusted input may be anything).
     *
     * @param a a size or count
     * @param b another
     * @return the product, or {@link Long#MAX_VALUE} when it overflows
     */
    public static long times(long a, long b) {
        long high = Math.multiplyHigh(a, b), low = a * b;
        return high == 0 && low >= 0 || a == 0 || b == 0 ? low : Long.MAX_VALUE;
    }

    /**
     * a + b, or {@link Long#MAX_VALUE} when it overflows.
     *
     * @param a a size or count
     * @param b another
     * @return the sum, or {@link Long#MAX_VALUE} when it overflows
     */
    public static long plus(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * A byte count for people: "512 bytes", "3.4 MB", "6.2 GB", "4.0 TB" (powers of 1024).
     *
     * @param bytes a byte count, {@link Long#MAX_VALUE} standing for an overflowed one
     * @return the count in the largest unit that keeps it at least 1
     */
    public static String format(long bytes) {
        if (bytes == Long.MAX_VALUE) return "more than 8 EB";
        if (bytes < 1024) return bytes + " bytes";
        String[] units = {"KB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
