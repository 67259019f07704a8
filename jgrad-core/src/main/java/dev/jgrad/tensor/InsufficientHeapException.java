package dev.jgrad.tensor;

/**
 * A request for more memory than the Java heap can ever give ({@link HeapBudget#require}), refused before anything
 * was allocated. The message says what needed how much and the {@code -Xmx} that would hold it; a command line may
 * add how its launcher takes JVM options ({@link #suggestedXmx()}).
 */
public final class InsufficientHeapException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Beyond this no -Xmx is worth suggesting: the sizes themselves are wrong. */
    private static final long IMPLAUSIBLE_BYTES = 1L << 44;

    /** What needed the memory, e.g. "the weights of CharLSTM(...)". */
    private final String what;
    /** The estimate that was refused, in bytes. */
    private final long requiredBytes;
    /** The heap's maximum when it was refused, in bytes. */
    private final long maxHeapBytes;

    /**
     * A refusal.
     *
     * @param what          what needed the memory, e.g. "the weights of CharLSTM(...)"
     * @param requiredBytes the estimate, in bytes
     * @param maxHeapBytes  {@link Runtime#maxMemory()}
     */
    public InsufficientHeapException(String what, long requiredBytes, long maxHeapBytes) {
        super(what + " would need about " + HeapBudget.format(requiredBytes) + " of memory, more than the Java heap's maximum of "
                + HeapBudget.format(maxHeapBytes) + ": " + (requiredBytes > IMPLAUSIBLE_BYTES
                ? "no heap holds that; check the sizes" : "give Java more with " + xmx(requiredBytes) + ", or use smaller sizes"));
        this.what = what;
        this.requiredBytes = requiredBytes;
        this.maxHeapBytes = maxHeapBytes;
    }

    /**
     * The same refusal with {@code context} in front of what needed the memory, e.g. the checkpoint being loaded.
     *
     * @param context names where the sizes came from, e.g. a file
     * @return a new exception with this one as its cause
     */
    public InsufficientHeapException in(String context) {
        InsufficientHeapException e = new InsufficientHeapException(context + ": " + what, requiredBytes, maxHeapBytes);
        e.initCause(this);
        return e;
    }

    /**
     * The estimate that was refused, in bytes.
     *
     * @return bytes
     */
    public long requiredBytes() {
        return requiredBytes;
    }

    /**
     * The heap's maximum when it was refused, in bytes.
     *
     * @return bytes
     */
    public long maxHeapBytes() {
        return maxHeapBytes;
    }

    /**
     * The {@code -Xmx} option that would hold the request with room to spare, e.g. "-Xmx16g"; null when no plausible heap would.
     *
     * @return the option, or null
     */
    public String suggestedXmx() {
        return requiredBytes > IMPLAUSIBLE_BYTES ? null : xmx(requiredBytes);
    }

    /** A quarter more than the request (for everything else in the heap), in whole gigabytes, at least 2. */
    private static String xmx(long bytes) {
        long gb = Math.max(2, (bytes + bytes / 4 + (1L << 30) - 1) >> 30);
        return "-Xmx" + gb + "g";
    }
}
