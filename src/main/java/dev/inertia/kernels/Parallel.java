package dev.inertia.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The library's one thread pool. Work is split into chunks that threads claim one at a time
 * from a shared counter, and the calling thread claims chunks too: when another process holds
 * a core and a worker is late, the caller and the other workers simply take its share. Idle
 * workers watch for the next job for a short while, then park; nothing spins on a barrier.
 * Running a job allocates nothing.
 *
 * <p>Size: {@code -Dinertia.threads=N}, or {@link #setThreads(int)}, default the number of
 * available processors. A job submitted while another runs (from another thread, or nested
 * inside a chunk) runs on the calling thread alone.
 */
public final class Parallel {
    /** System property giving the number of threads (caller included). */
    public static final String PROPERTY = "inertia.threads";

    /** One job: chunks {@code 0 .. chunks-1}, each run exactly once on some thread. */
    @FunctionalInterface
    public interface ChunkTask {
        void run(int chunk);
    }

    private static final int CLAIM_BITS = 32;
    private static final long CLAIM_MASK = (1L << CLAIM_BITS) - 1;
    /** A claim index meaning "no job is open" while the next job's fields are written. */
    private static final long CLOSED = CLAIM_MASK;
    private static final int SPINS_BEFORE_PARK = 2_000;
    /** System property: how long, in microseconds, an idle worker watches for the next job before it parks. */
    public static final String SPIN_PROPERTY = "inertia.worker.spin.micros";
    /**
     * A training step forks dozens of times, tens of microseconds apart; a parked worker takes
     * ~20-30 us to wake here, so each fork lost that much (measured with two 20 us chunks: 42-66 us
     * per fork parked, 26-41 us spinning). Spinning costs at most this long of one core per idle spell.
     */
    private static final long WORKER_SPIN_NANOS = Math.max(0, Long.getLong(SPIN_PROPERTY, 500)) * 1_000;

    private static volatile int threads = defaultThreads();
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    /** High bits: job generation; low bits: the next chunk to claim. */
    private static final AtomicLong STATE = new AtomicLong(CLOSED);
    private static final AtomicInteger DONE = new AtomicInteger();
    private static ChunkTask task;
    private static int total;
    private static volatile Thread waiter;
    private static volatile Throwable failure;
    private static Thread[] workers = new Thread[0];

    private Parallel() {}

    /** Threads used by kernels, the caller included. */
    public static int threads() {
        return threads;
    }

    /** Sets the threads used by kernels from now on (at least 1). */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + n);
        }
        threads = n;
    }

    /**
     * Runs {@code task} for every chunk in {@code [0, chunks)} on up to {@link #threads()}
     * threads and returns when all are done. A chunk's exception is rethrown here.
     */
    public static void forEach(int chunks, ChunkTask task) {
        forEach(chunks, threads, task);
    }

    /** As {@link #forEach(int, ChunkTask)} on at most {@code maxThreads} threads. */
    public static void forEach(int chunks, int maxThreads, ChunkTask task) {
        int helpers = Math.min(Math.min(maxThreads, threads), chunks) - 1;
        if (helpers <= 0 || !BUSY.compareAndSet(false, true)) {
            for (int c = 0; c < chunks; c++) {
                task.run(c);
            }
            return;
        }
        try {
            runShared(chunks, helpers, task);
        } finally {
            BUSY.set(false);
        }
    }

    private static void runShared(int chunks, int helpers, ChunkTask job) {
        ensureWorkers(helpers);
        long generation = (STATE.get() >>> CLAIM_BITS) + 1;
        // The job's fields are written while STATE says CLOSED, so a late worker that read the
        // previous generation cannot claim a chunk of this one with stale fields.
        task = job;
        total = chunks;
        failure = null;
        DONE.set(0);
        waiter = Thread.currentThread();
        STATE.set(generation << CLAIM_BITS);
        for (int i = 0; i < helpers; i++) {
            LockSupport.unpark(workers[i]);
        }
        workOn(generation << CLAIM_BITS);
        int spins = 0;
        while (DONE.get() < chunks) {
            if (++spins < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(Parallel.class);
            }
        }
        STATE.set((generation << CLAIM_BITS) | CLOSED);
        task = null;
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
    private static void workOn(long seen) {
        long s = seen;
        while (true) {
            long claim = s & CLAIM_MASK;
            if (claim == CLOSED) {
                return;
            }
            ChunkTask t = task;
            int n = total;
            if (claim >= n) {
                return;
            }
            if (!STATE.compareAndSet(s, s + 1)) {
                s = STATE.get();
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
            if (DONE.incrementAndGet() == n) {
                LockSupport.unpark(waiter);
            }
            s = STATE.get();
            if ((s >>> CLAIM_BITS) != (seen >>> CLAIM_BITS)) {
                return;
            }
        }
    }

    private static synchronized void ensureWorkers(int count) {
        if (workers.length >= count) {
            return;
        }
        Thread[] grown = java.util.Arrays.copyOf(workers, count);
        for (int i = workers.length; i < count; i++) {
            Thread w = new Thread(Parallel::workerLoop, "inertia-worker-" + (i + 1));
            w.setDaemon(true);
            grown[i] = w;
            w.start();
        }
        workers = grown;
    }

    private static void workerLoop() {
        long lastGeneration = 0;
        long idleSince = 0;
        while (true) {
            long s = STATE.get();
            long generation = s >>> CLAIM_BITS;
            if (generation != lastGeneration && (s & CLAIM_MASK) != CLOSED) {
                lastGeneration = generation;
                workOn(s);
                idleSince = 0;
            } else if (idleSince == 0) {
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince < WORKER_SPIN_NANOS) {
                Thread.onSpinWait(); // the next job is usually microseconds away: see WORKER_SPIN_NANOS
            } else {
                LockSupport.park(Parallel.class);
            }
        }
    }

    private static int defaultThreads() {
        String value = System.getProperty(PROPERTY);
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
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " is not a positive integer");
    }
}
