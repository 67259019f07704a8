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
 * <p>The thread count is {@code Runtime.availableProcessors()}, or {@code -Djgrad.threads=N}.
 */
public final class Parallel {

    /** The body of a parallel loop: handles indices [from, to). */
    @FunctionalInterface
    public interface IntRangeBody {
        void run(int from, int to);
    }

    /** Spin this long (ns) before parking: long enough to catch back-to-back calls, short enough not to steal a core for long. */
    private static final long SPIN_NANOS = 50_000;

    private static final int THREADS = Math.max(1, Integer.getInteger("jgrad.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final Worker[] WORKERS = new Worker[THREADS - 1];
    private static final AtomicBoolean BUSY = new AtomicBoolean();

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker("jgrad-worker-" + (i + 1));
            WORKERS[i].start();
        }
    }

    private Parallel() {}

    /** How many threads (the caller included) a loop may be split across. */
    public static int threads() {
        return THREADS;
    }

    /**
     * Runs body over [0, n), split into at most {@link #threads()} contiguous chunks of at
     * least {@code grain} indices each; runs inline when only one chunk would result.
     * Exceptions thrown by any chunk are rethrown (the first one) after all chunks finish.
     */
    public static void forRange(int n, int grain, IntRangeBody body) {
        if (n <= 0) return;
        int parts = Math.min(THREADS, n / Math.max(1, grain));
        if (parts <= 1 || !BUSY.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            Thread caller = Thread.currentThread();
            for (int w = 1; w < parts; w++) {
                WORKERS[w - 1].post(body, (int) ((long) n * w / parts), (int) ((long) n * (w + 1) / parts), caller);
            }
            Throwable failure = null;
            try {
                body.run(0, (int) ((long) n / parts));
            } catch (Throwable t) {
                failure = t;
            }
            for (int w = 1; w < parts; w++) {
                Throwable t = WORKERS[w - 1].await();
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

        Worker(String name) {
            super(name);
            setDaemon(true);
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
