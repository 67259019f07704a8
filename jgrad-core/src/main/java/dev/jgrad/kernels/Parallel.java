package dev.jgrad.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a loop over [0, n) across the cores with a tiny pool of persistent daemon workers.
 *
 * <p>Why not ForkJoinPool or an ExecutorService: on a 2-core machine the hand-off latency
 * dominates medium-sized kernels, and those allocate a task object per call. Here the caller
 * runs the first chunk itself and each worker spins briefly before parking, so back-to-back
 * calls (a training step issues thousands) hand off in about a microsecond and allocate nothing.
 *
 * <p>One caller at a time owns the workers. A nested call (from inside a body) or a call from
 * a second thread while the pool is busy simply runs inline, so correctness never depends on
 * the pool and there is no deadlock to reason about.
 *
 * <p>The thread count starts as {@code Runtime.availableProcessors()}, or {@code -Djgrad.threads=N},
 * and can be changed at run time with {@link #setThreads(int)} (or {@code dev.jgrad.Jgrad.threads(n)}).
 * Results do not depend on it: every split hands each index to exactly one chunk, and kernels that
 * sum across chunks fix their chunk boundaries independently of the thread count.
 */
public final class Parallel {

    /** The body of a parallel loop: handles indices [from, to). */
    @FunctionalInterface
    public interface IntRangeBody {
        /**
         * Handles the indices of one chunk; chunks run concurrently, so a body writes only what its indices own.
         *
         * @param from the chunk's first index (inclusive)
         * @param to   the chunk's end (exclusive)
         */
        void run(int from, int to);
    }

    /** Spin this long (ns) before parking: long enough to catch back-to-back calls, short enough not to steal a core for long. */
    private static final long SPIN_NANOS = 50_000;

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    /** Replaced, never mutated, by setThreads while it owns BUSY; a loop reads it once after taking BUSY. */
    private static volatile Worker[] workers = startWorkers(new Worker[0], defaultThreads() - 1);

    private Parallel() {}

    private static int defaultThreads() {
        String property = System.getProperty("jgrad.threads");
        if (property == null || property.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int n = Integer.parseInt(property.strip());
            if (n >= 1) return n;
        } catch (NumberFormatException notANumber) {
            // warned about below
        }
        // A static initialiser cannot report well; a warning and the default beat a dead class.
        System.err.println("jgrad: warning: -Djgrad.threads=" + property + " is not a whole number >= 1; using "
                + Runtime.getRuntime().availableProcessors() + " threads");
        return Runtime.getRuntime().availableProcessors();
    }

    /** Keeps the first {@code count} of the current workers (stopping the others) and starts any missing ones. */
    private static Worker[] startWorkers(Worker[] current, int count) {
        Worker[] next = java.util.Arrays.copyOf(current, count);
        for (int i = count; i < current.length; i++) current[i].retire();
        for (int i = current.length; i < count; i++) {
            next[i] = new Worker("jgrad-worker-" + (i + 1));
            next[i].start();
        }
        return next;
    }

    /**
     * How many threads (the caller included) a loop may be split across: the setting of
     * {@link #setThreads(int)}, {@code -Djgrad.threads} or the number of processors.
     *
     * @return the thread count, at least 1
     */
    public static int threads() {
        return workers.length + 1;
    }

    /**
     * Sets how many threads (the caller included) later loops may be split across. Waits for a
     * loop that is running on another thread to finish first; from inside a loop body it is an error.
     *
     * @param n the number of threads, at least 1 (1 runs every loop on the calling thread)
     * @throws IllegalArgumentException if n is less than 1
     * @throws IllegalStateException    if called from inside a loop body
     */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("the number of threads must be at least 1, not " + n);
        if (Thread.currentThread() instanceof Worker) {
            throw new IllegalStateException("Parallel.setThreads called from inside a parallel loop");
        }
        while (!BUSY.compareAndSet(false, true)) Thread.onSpinWait();
        try {
            if (n - 1 != workers.length) workers = startWorkers(workers, n - 1);
        } finally {
            BUSY.set(false);
        }
    }

    /**
     * Runs body over [0, n), split into at most {@link #threads()} contiguous chunks of at
     * least {@code grain} indices each; runs inline when only one chunk would result.
     * Exceptions thrown by any chunk are rethrown (the first one) after all chunks finish.
     * Like at::parallel_for in PyTorch's ATen.
     *
     * @param n     the number of indices; nothing runs when it is 0 or less
     * @param grain the fewest indices worth a chunk of their own (below it, the hand-off costs more than it saves)
     * @param body  the loop body, called once per chunk with its index range
     */
    public static void forRange(int n, int grain, IntRangeBody body) {
        if (n <= 0) return;
        int parts = Math.min(threads(), n / Math.max(1, grain));
        if (parts <= 1 || !BUSY.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            Worker[] pool = workers; // cannot change while this loop owns BUSY
            parts = Math.min(parts, pool.length + 1);
            Thread caller = Thread.currentThread();
            for (int w = 1; w < parts; w++) {
                pool[w - 1].post(body, (int) ((long) n * w / parts), (int) ((long) n * (w + 1) / parts), caller);
            }
            Throwable failure = null;
            try {
                body.run(0, (int) ((long) n / parts));
            } catch (Throwable t) {
                failure = t;
            }
            for (int w = 1; w < parts; w++) {
                Throwable t = pool[w - 1].await();
                if (failure == null) failure = t;
            }
            if (failure instanceof RuntimeException re) throw re;
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new RuntimeException(failure);
        } finally {
            BUSY.set(false);
        }
    }

    private static final class Worker extends Thread {
        // Written by the caller before the volatile write to 'posted', read by the worker after reading it.
        private IntRangeBody body;
        private int from, to;
        private Thread caller;
        private Throwable failure;
        private volatile long posted;
        private volatile long done;
        private volatile boolean retired;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        /** Ends this worker's loop; it is idle (setThreads owns the pool), so it is parked or spinning. */
        void retire() {
            retired = true;
            LockSupport.unpark(this);
        }

        void post(IntRangeBody body, int from, int to, Thread caller) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.caller = caller;
            this.failure = null;
            posted = posted + 1;
            LockSupport.unpark(this);
        }

        Throwable await() {
            long target = posted;
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (done != target) {
                if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                else LockSupport.parkNanos(this, 100_000);
            }
            Throwable t = failure;
            body = null;   // do not keep the caller's arrays reachable
            return t;
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (posted == seen) {
                    if (retired) return;
                    if (System.nanoTime() < spinUntil) Thread.onSpinWait();
                    else LockSupport.park(this);
                }
                seen = posted;
                try {
                    body.run(from, to);
                } catch (Throwable t) {
                    failure = t;
                }
                Thread c = caller;
                done = seen;
                LockSupport.unpark(c);
            }
        }
    }
}
