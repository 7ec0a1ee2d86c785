package dev.inertia.kernels;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker threads of one {@link KernelPool} and how they share a job. Work is split into
 * chunks that threads claim one at a time from a shared counter, and the calling thread claims
 * chunks too: when another process holds a core and a worker is late, the caller and the other
 * workers simply take its share. Idle workers watch for the next job for a short while, then
 * park; nothing spins on a barrier. Running a job allocates nothing.
 *
 * <p>Kept apart from {@link KernelPool} so that the workers reference only this object: a pool
 * nobody closed becomes unreachable and its cleaner stops the workers.
 */
final class ChunkScheduler {
    private static final int CLAIM_BITS = 32;
    private static final long CLAIM_MASK = (1L << CLAIM_BITS) - 1;
    /** A claim index meaning "no job is open" while the next job's fields are written. */
    private static final long CLOSED = CLAIM_MASK;
    private static final int SPINS_BEFORE_PARK = 2_000;
    /**
     * A training step forks dozens of times, tens of microseconds apart; a parked worker takes
     * ~20-30 us to wake here, so each fork lost that much (measured with two 20 us chunks: 42-66 us
     * per fork parked, 26-41 us spinning). Spinning costs at most this long of one core per idle spell.
     */
    private static final long WORKER_SPIN_NANOS = Math.max(0, Long.getLong(Parallel.SPIN_PROPERTY, 500)) * 1_000;

    private final String workerPrefix;
    private final int threads;
    private volatile boolean shutDown;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** High bits: job generation; low bits: the next chunk to claim. */
    private final AtomicLong state = new AtomicLong(CLOSED);
    private final AtomicInteger done = new AtomicInteger();
    private Parallel.ChunkTask task;
    private int total;
    /**
     * The pool of the running job, bound to the workers while they run its chunks so that a
     * nested job stays on this pool (and, finding it busy, inline); null between jobs, so that
     * idle workers do not keep an unclosed pool reachable.
     */
    private volatile KernelPool jobPool;
    private volatile Thread waiter;
    private volatile Throwable failure;
    private Thread[] workers = new Thread[0];

    ChunkScheduler(int threads, String workerPrefix) {
        this.threads = threads;
        this.workerPrefix = workerPrefix;
    }

    int threads() {
        return threads;
    }

    boolean isShutDown() {
        return shutDown;
    }

    /**
     * Runs every chunk on up to {@code min(maxThreads, threads())} threads, the caller included.
     * A job that finds another running (from another thread, or nested inside a chunk) runs on
     * the calling thread alone.
     */
    void forEach(int chunks, int maxThreads, Parallel.ChunkTask job, KernelPool pool) {
        int helpers = Math.min(Math.min(maxThreads, threads), chunks) - 1;
        if (helpers <= 0 || !busy.compareAndSet(false, true)) {
            for (int c = 0; c < chunks; c++) {
                job.run(c);
            }
            return;
        }
        try {
            runShared(chunks, helpers, job, pool);
        } finally {
            busy.set(false);
        }
    }

    /** Stops the workers once they are idle; a job already running still completes (its caller claims the rest). */
    void shutDown() {
        shutDown = true;
        Thread[] ws;
        synchronized (this) {
            ws = workers;
        }
        for (Thread w : ws) {
            LockSupport.unpark(w);
        }
    }

    private void runShared(int chunks, int helpers, Parallel.ChunkTask job, KernelPool pool) {
        ensureWorkers(helpers);
        long generation = (state.get() >>> CLAIM_BITS) + 1;
        // The job's fields are written while the state says CLOSED, so a late worker that read the
        // previous generation cannot claim a chunk of this one with stale fields.
        task = job;
        total = chunks;
        jobPool = pool;
        failure = null;
        done.set(0);
        waiter = Thread.currentThread();
        state.set(generation << CLAIM_BITS);
        Thread[] ws = workers;
        for (int i = 0; i < helpers; i++) {
            LockSupport.unpark(ws[i]);
        }
        workOn(generation << CLAIM_BITS);
        int spins = 0;
        while (done.get() < chunks) {
            if (++spins < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        state.set((generation << CLAIM_BITS) | CLOSED);
        task = null;
        jobPool = null;
        Throwable t = failure;
        if (t != null) {
            failure = null;
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    /** Claims and runs chunks of the job whose state was {@code seen} until none are left. */
    private void workOn(long seen) {
        long s = seen;
        while (true) {
            long claim = s & CLAIM_MASK;
            if (claim == CLOSED) {
                return;
            }
            Parallel.ChunkTask t = task;
            int n = total;
            if (claim >= n) {
                return;
            }
            if (!state.compareAndSet(s, s + 1)) {
                s = state.get();
                if ((s >>> CLAIM_BITS) != (seen >>> CLAIM_BITS)) {
                    return;
                }
                continue;
            }
            try {
                t.run((int) claim);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            }
            if (done.incrementAndGet() == n) {
                LockSupport.unpark(waiter);
            }
            s = state.get();
            if ((s >>> CLAIM_BITS) != (seen >>> CLAIM_BITS)) {
                return;
            }
        }
    }

    private synchronized void ensureWorkers(int count) {
        if (workers.length >= count) {
            return;
        }
        Thread[] grown = Arrays.copyOf(workers, count);
        for (int i = workers.length; i < count; i++) {
            Thread w = new Thread(this::workerLoop, workerPrefix + (i + 1));
            w.setDaemon(true);
            grown[i] = w;
            w.start();
        }
        workers = grown;
    }

    private void workerLoop() {
        long lastGeneration = 0;
        long idleSince = 0;
        while (true) {
            long s = state.get();
            long generation = s >>> CLAIM_BITS;
            if (generation != lastGeneration && (s & CLAIM_MASK) != CLOSED) {
                lastGeneration = generation;
                // null when the job already ended: then no chunk of it is left to claim
                KernelPool.BOUND.set(jobPool);
                workOn(s);
                KernelPool.BOUND.set(null);
                idleSince = 0;
            } else if (shutDown) {
                return;
            } else if (idleSince == 0) {
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince < WORKER_SPIN_NANOS) {
                Thread.onSpinWait(); // the next job is usually microseconds away: see WORKER_SPIN_NANOS
            } else {
                LockSupport.park(this);
            }
        }
    }
}
