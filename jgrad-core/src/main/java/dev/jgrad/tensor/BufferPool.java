package dev.jgrad.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * Float arrays reused from one training step to the next, so that a step's activations, gradients and
 * workspaces do not become garbage (PyTorch's caching allocator, in Java terms). Without it a Transformer
 * training step allocates about 1 GB and the young collections take a few percent of the step.
 *
 * <p><b>Who gets pooled storage.</b> Ops allocate their results with {@link #floats(int)}. Outside a
 * {@link Scope} that is a plain {@code new float[n]}: a tensor a caller can keep never comes from the pool.
 * Inside a scope the array is <i>leased</i>: taken from a free list of arrays of exactly that length (zero-filled,
 * as a new array would be), or new. Scopes are opened only where every tensor made inside stays inside:
 * <ul>
 *   <li>the autograd engine, around each node's backward rule: the gradients between nodes are never seen
 *       by the caller (a leaf's {@code grad} and {@code retainGrad} get copies made outside the scope);</li>
 *   <li>library layers in training, around their internal steps (a Transformer layer's attention scores,
 *       projections, dropout masks and residual sums); the layer's result is made in
 *       {@link Scope#leave(Supplier)}, which allocates in the enclosing scope or, outside all scopes, afresh.</li>
 * </ul>
 *
 * <p><b>When storage comes back.</b> A leased array is counted by its holders: the scope that made it (until
 * the scope closes), every graph {@code Node} that references a tensor over it as an input or a saved tensor
 * (until the backward pass releases the node), and every gradient the engine still has to pass on. When the
 * count falls to zero the array returns to its free list. So a buffer is never reused while any node may still
 * read it, a graph kept with {@code retainGraph} keeps its buffers, and a graph that is never backpropagated
 * keeps them until the garbage collector takes it (leases are held weakly). Storage is counted per array, so
 * views (reshape, permute, narrow) of a leased tensor are covered too.
 *
 * <p><b>Rules for code inside a scope.</b> Do not store a tensor made in the scope anywhere that outlives it
 * (a field, a cache, a returned object), except as an input or saved tensor of a graph node; make the value
 * that leaves the scope in {@link Scope#leave(Supplier)}; do not let user code run inside it (the scopes in
 * the library open only around library classes whose exact type they check). A backward rule
 * ({@code Node.Backward}) runs inside the engine's scope: its {@code gradOutput} is valid during the call only.
 *
 * <p><b>For new ops</b> (convolution, batch norm, pooling): allocate outputs, gradients and workspaces with
 * {@link #floats(int)} instead of {@code new float[n]} and wrap them with {@link Tensor#of(float[], int...)};
 * keep every pooled tensor a backward rule needs in the node's {@code saved} array (not only captured by the
 * lambda), so that it is counted. A layer made of such ops then opens a scope around its internals as
 * {@code TransformerEncoderLayer} does, and its backward is pooled by the engine with no more work.
 *
 * <p>Free arrays are kept up to a limit (a quarter of the maximum heap, or {@code -Djgrad.bufferPool.maxMB=N};
 * 0 turns pooling off); past it the arrays of the sizes least recently asked for are dropped.
 */
public final class BufferPool {
    private BufferPool() {}

    private static final long LIMIT_BYTES = limitBytes();
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    /** Leased arrays and their holder counts; weak, so that an array of a graph never released can still be collected. */
    private static final Map<float[], int[]> LEASES = new WeakHashMap<>();
    /** Free arrays by length, least recently used length first. */
    private static final LinkedHashMap<Integer, ArrayDeque<float[]>> FREE = new LinkedHashMap<>(64, 0.75f, true);
    private static long freeBytes;

    private static long limitBytes() {
        String mb = System.getProperty("jgrad.bufferPool.maxMB");
        if (mb != null && !mb.isBlank()) {
            try {
                return Math.max(0, Long.parseLong(mb.strip())) << 20;
            } catch (NumberFormatException notANumber) {
                System.err.println("jgrad: warning: -Djgrad.bufferPool.maxMB=" + mb + " is not a whole number; using a quarter of the heap");
            }
        }
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /**
     * A zero-filled array of n floats for an op's result or workspace: leased from the pool inside a
     * {@link Scope} on this thread, a new array otherwise.
     *
     * @param n the length, 0 or more
     * @return an array of exactly n zeros
     */
    public static float[] floats(int n) {
        Scope scope = CURRENT.get();
        if (scope == null || n < 1024 || LIMIT_BYTES == 0) return new float[n]; // small arrays: the bookkeeping would cost more
        float[] a;
        synchronized (BufferPool.class) {
            ArrayDeque<float[]> free = FREE.get(n);
            a = free == null ? null : free.pollLast();
            if (a != null) freeBytes -= 4L * n;
        }
        if (a == null) a = new float[n];
        else Arrays.fill(a, 0f);
        synchronized (BufferPool.class) {
            LEASES.put(a, new int[] {1});
        }
        scope.leased.add(a);
        return a;
    }

    /**
     * A tensor of zeros over {@link #floats(int)}: pooled inside a scope, new outside. For op results, not for user code.
     *
     * @param shape the sizes
     * @return a contiguous tensor of zeros
     */
    public static Tensor zeros(int... shape) {
        return Tensor.wrap(floats(Shape.numel(shape)), shape.clone());
    }

    /**
     * The values of t in row-major order as one run: t's own storage when t is contiguous, else a copy over
     * {@link #floats(int)} (a temporary for a kernel: pooled inside a scope). Read it from {@link #offsetOf(Tensor)}.
     *
     * @param t a tensor
     * @return an array holding t's values contiguously
     */
    public static float[] contiguousValues(Tensor t) {
        return t.isContiguous() ? t.data : Tensor.contiguousData(t);
    }

    /**
     * Where {@link #contiguousValues(Tensor)} starts: t's offset when contiguous, else 0.
     *
     * @param t a tensor
     * @return the index of t's first value in that array
     */
    public static int offsetOf(Tensor t) {
        return t.isContiguous() ? t.offset : 0;
    }

    /**
     * Opens a scope on this thread in which {@link #floats(int)} leases; close it on the same thread (try-with-resources).
     *
     * @param enabled false for a scope that changes nothing (for code that pools only in some modes, e.g. training)
     * @return the scope, now the innermost on this thread when enabled
     */
    public static Scope open(boolean enabled) {
        if (!enabled) return Scope.DISABLED;
        Scope s = new Scope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /**
     * Counts one more holder of t's storage if it is leased (a graph node that references t, a pending gradient).
     *
     * @param t a tensor, or null (ignored)
     */
    public static void retain(Tensor t) {
        if (t == null) return;
        synchronized (BufferPool.class) {
            int[] holds = LEASES.get(t.data);
            if (holds != null) holds[0]++;
        }
    }

    /**
     * Counts one holder fewer of t's storage if it is leased, returning the storage to the pool at zero.
     *
     * @param t a tensor, or null (ignored)
     */
    public static void release(Tensor t) {
        if (t != null) release(t.data);
    }

    /**
     * Whether t's storage is leased from the pool right now (for tests and checks).
     *
     * @param t a tensor
     * @return true if the array under t belongs to the pool's bookkeeping
     */
    public static boolean isLeased(Tensor t) {
        synchronized (BufferPool.class) {
            return LEASES.containsKey(t.data);
        }
    }

    /**
     * The bytes of the free arrays waiting to be reused.
     *
     * @return 4 times the number of floats in the free lists
     */
    public static synchronized long freeBytes() {
        return freeBytes;
    }

    /** Drops every free array (leased ones come back as usual), e.g. to give memory back after training. */
    public static synchronized void clear() {
        FREE.clear();
        freeBytes = 0;
    }

    private static void release(float[] a) {
        synchronized (BufferPool.class) {
            int[] holds = LEASES.get(a);
            if (holds == null || --holds[0] > 0) return;
            LEASES.remove(a);
            long bytes = 4L * a.length;
            if (bytes > LIMIT_BYTES) return;
            Iterator<Map.Entry<Integer, ArrayDeque<float[]>>> eldest = FREE.entrySet().iterator();
            while (freeBytes + bytes > LIMIT_BYTES && eldest.hasNext()) {
                ArrayDeque<float[]> bucket = eldest.next().getValue();
                while (!bucket.isEmpty() && freeBytes + bytes > LIMIT_BYTES) freeBytes -= 4L * bucket.pollFirst().length;
                if (bucket.isEmpty()) eldest.remove();
            }
            FREE.computeIfAbsent(a.length, n -> new ArrayDeque<>()).addLast(a);
            freeBytes += bytes;
        }
    }

    /**
     * A region of code whose op results are leased from the pool (see the class comment for its rules). The scope
     * holds what it leased until it closes; graph nodes and pending gradients hold it longer.
     */
    public static final class Scope implements AutoCloseable {
        static final Scope DISABLED = new Scope(null);

        private final Scope parent;
        private final List<float[]> leased = new ArrayList<>();
        private boolean closed;

        private Scope(Scope parent) {
            this.parent = parent;
        }

        /**
         * Computes the value that leaves this scope: its storage is leased by the enclosing scope, or new outside all
         * scopes, so closing this one does not take it back.
         *
         * @param <T>    the result's type
         * @param result computes the result (typically the layer's last op)
         * @return what {@code result} returned
         */
        public <T> T leave(Supplier<T> result) {
            if (this == DISABLED) return result.get();
            Scope inner = CURRENT.get();
            if (inner != this) throw new IllegalStateException("BufferPool.Scope.leave: this scope is not the innermost one on this thread");
            CURRENT.set(parent);
            T value;
            try {
                value = result.get();
            } finally {
                CURRENT.set(this);
            }
            if (value instanceof Tensor t) {
                for (float[] a : leased) {
                    if (a == t.data) throw new IllegalStateException("BufferPool.Scope.leave: the result is a view of storage this scope leased");
                }
            }
            return value;
        }

        /** Releases the scope's hold on everything it leased and makes the enclosing scope current again. */
        @Override
        public void close() {
            if (this == DISABLED || closed) return;
            if (CURRENT.get() != this) throw new IllegalStateException("BufferPool.Scope.close: scopes must close innermost first, on their own thread");
            closed = true;
            CURRENT.set(parent);
            for (float[] a : leased) release(a);
            leased.clear();
        }
    }
}
