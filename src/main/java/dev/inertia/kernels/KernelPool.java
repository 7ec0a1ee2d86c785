package dev.inertia.kernels;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads the kernels split large work over: a value a caller creates, sizes and closes,
 * rather than a process-wide setting.
 *
 * <p>Kernels reach their pool through the static entry points of {@link Parallel}, which use the
 * pool <em>bound to the calling thread</em>: the one a {@link #bind()} (or {@link #run},
 * {@link #call}) of this thread has made current, and otherwise the {@link #shared()} pool. A
 * trainer or predictor given a pool binds it for each of its calls; kernels called directly run
 * on a pool inside {@code pool.run(() -> ...)}.
 *
 * <pre>{@code
 * try (KernelPool pool = KernelPool.ofThreads(2)) {
 *     pool.run(() -> Kernels.gemm(...));              // this call's kernels use 2 threads
 *     try (KernelPool.Binding bound = pool.bind()) {  // so does everything in this block
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p><b>Sharing.</b> A pool runs one job at a time. A job submitted while another runs on the
 * same pool (by another thread sharing the pool, or nested inside a chunk: chunks run with their
 * job's pool bound, on the caller and on the workers alike) runs on its calling thread alone:
 * two callers of one 2-thread pool get the pool's worker in turn and otherwise compute on their
 * own threads. Give concurrent callers a pool each to keep them from sharing.
 *
 * <p><b>Threads.</b> A pool starts its workers (daemon threads) when a job first needs them,
 * {@code threads() - 1} at most: the caller is the other thread. Idle workers watch for the next
 * job for a short while (the {@value Parallel#SPIN_PROPERTY} system property, microseconds,
 * default 500), then park. {@link #close()} stops them; a pool that becomes unreachable
 * unclosed stops them too, when it is garbage collected.
 *
 * <p>Thread-safe.
 */
public final class KernelPool implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final KernelPool SHARED = new KernelPool(defaultThreads(), "inertia-worker-", true);
    /**
     * The pool a {@link #bind()} made current on this thread, or null: the shared one. Workers
     * have their pool bound while they run its chunks ({@link ChunkScheduler}).
     */
    static final ThreadLocal<KernelPool> BOUND = new ThreadLocal<>();

    private final ChunkScheduler scheduler;
    private final boolean shared;
    private final Cleaner.Cleanable cleanable;

    private KernelPool(int threads, String workerPrefix, boolean shared) {
        this.scheduler = new ChunkScheduler(threads, workerPrefix);
        this.shared = shared;
        ChunkScheduler s = scheduler; // the cleaning action must not reach this pool
        this.cleanable = shared ? null : Cleaning.CLEANER.register(this, s::shutDown);
    }

    /**
     * A new pool of {@code threads} threads, the calling thread included ({@code threads - 1}
     * workers, started when first needed). {@code ofThreads(1)} runs everything on its callers'
     * threads and can be shared by any number of them.
     */
    public static KernelPool ofThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return new KernelPool(threads, "inertia-pool-" + POOLS.incrementAndGet() + "-worker-", false);
    }

    /**
     * The process's default pool, which threads that bound no other use: sized by
     * {@code -Dinertia.threads=N}, default the number of available processors, never resized (a
     * caller that wants other threads binds a pool of its own). Its {@link #close()} does nothing.
     */
    public static KernelPool shared() {
        return SHARED;
    }

    /** The pool the calling thread's kernels use: the one bound to it, or the {@link #shared()} pool. */
    public static KernelPool current() {
        KernelPool bound = BOUND.get();
        return bound != null ? bound : SHARED;
    }

    /** Threads a job may use, the caller included. */
    public int threads() {
        return scheduler.threads();
    }

    /** Whether {@link #close()} was called (never true of the {@link #shared()} pool). */
    public boolean isClosed() {
        return scheduler.isShutDown();
    }

    /**
     * Makes this the pool of the calling thread's kernels until the returned binding is closed,
     * which restores the pool bound before (bindings nest; close them in reverse order, on this
     * thread, e.g. with try-with-resources).
     *
     * @throws IllegalStateException if the pool is closed
     */
    public Binding bind() {
        requireOpen();
        Binding b = new Binding(BOUND.get());
        BOUND.set(this);
        return b;
    }

    /** Runs {@code action} on the calling thread with this pool bound ({@link #bind()}). */
    public void run(Runnable action) {
        try (Binding bound = bind()) {
            action.run();
        }
    }

    /** Returns {@code action}'s result, computed on the calling thread with this pool bound ({@link #bind()}). */
    public <T> T call(Supplier<T> action) {
        try (Binding bound = bind()) {
            return action.get();
        }
    }

    /**
     * Runs {@code task} for every chunk in {@code [0, chunks)} on up to {@link #threads()}
     * threads, the caller included, and returns when all are done; a chunk's exception is
     * rethrown here. Allocates nothing.
     *
     * @throws IllegalStateException if the pool is closed
     */
    public void forEach(int chunks, Parallel.ChunkTask task) {
        forEach(chunks, Integer.MAX_VALUE, task);
    }

    /** As {@link #forEach(int, Parallel.ChunkTask)} on at most {@code maxThreads} threads. */
    public void forEach(int chunks, int maxThreads, Parallel.ChunkTask task) {
        requireOpen();
        // bound for the job, without a Binding object (jobs allocate nothing): a kernel that a
        // chunk calls on this thread then forks on this pool too, which, busy, runs it inline
        KernelPool previous = BOUND.get();
        BOUND.set(this);
        try {
            scheduler.forEach(chunks, maxThreads, task, this);
        } finally {
            BOUND.set(previous);
        }
    }

    /**
     * Stops the workers once the running job (if any) is done; using the pool afterwards throws
     * {@link IllegalStateException}. Idempotent; does nothing to the {@link #shared()} pool.
     */
    @Override
    public void close() {
        if (!shared) {
            cleanable.clean();
        }
    }

    private void requireOpen() {
        if (scheduler.isShutDown()) {
            throw new IllegalStateException("the kernel pool is closed");
        }
    }

    @Override
    public String toString() {
        return (shared ? "KernelPool[shared, " : "KernelPool[") + threads() + " threads" + (isClosed() ? ", closed]" : "]");
    }

    /** A {@link #bind()} in force: closing it restores the calling thread's previous pool. */
    public static final class Binding implements AutoCloseable {
        private final KernelPool previous;
        private final Thread owner = Thread.currentThread();
        private boolean closed;

        private Binding(KernelPool previous) {
            this.previous = previous;
        }

        /**
         * Restores the pool bound before; a second close does nothing.
         *
         * @throws IllegalStateException on another thread than the one that bound
         */
        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a kernel pool binding is closed on the thread that made it");
            }
            if (!closed) {
                closed = true;
                BOUND.set(previous);
            }
        }
    }

    /** Holds the cleaner, whose thread starts with the first pool made by {@link #ofThreads}. */
    private static final class Cleaning {
        static final Cleaner CLEANER = Cleaner.create(runnable -> {
            Thread t = new Thread(runnable, "inertia-pool-cleaner");
            t.setDaemon(true);
            return t;
        });
    }

    private static int defaultThreads() {
        String value = System.getProperty(Parallel.PROPERTY);
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + Parallel.PROPERTY + "=" + value + " is not a positive integer");
    }
}
