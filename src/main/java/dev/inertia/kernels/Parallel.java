package dev.inertia.kernels;

/**
 * The kernels' static entry points to their threads: each call runs on the {@link KernelPool}
 * bound to the calling thread ({@link KernelPool#current()}), by default the
 * {@link KernelPool#shared()} pool. Work is split into chunks that threads claim one at a time,
 * the calling thread included; a job submitted while another runs on the same pool (from
 * another thread, or nested inside a chunk) runs on the calling thread alone. Running a job
 * allocates nothing.
 *
 * <p>To run kernels on threads of your own choosing, bind a pool rather than resizing the
 * shared one: {@code try (KernelPool pool = KernelPool.ofThreads(2)) { pool.run(() -> ...); }}.
 */
public final class Parallel {
    /** System property giving the number of threads (caller included) of the shared pool. */
    public static final String PROPERTY = "inertia.threads";
    /** System property: how long, in microseconds, an idle worker watches for the next job before it parks. */
    public static final String SPIN_PROPERTY = "inertia.worker.spin.micros";

    /** One job: chunks {@code 0 .. chunks-1}, each run exactly once on some thread. */
    @FunctionalInterface
    public interface ChunkTask {
        void run(int chunk);
    }

    private Parallel() {}

    /** Threads the calling thread's kernels may use, itself included: those of its {@link KernelPool#current() pool}. */
    public static int threads() {
        return KernelPool.current().threads();
    }

    /**
     * Runs {@code task} for every chunk in {@code [0, chunks)} on up to {@link #threads()}
     * threads of the calling thread's pool and returns when all are done. A chunk's exception is
     * rethrown here.
     *
     * @throws IllegalStateException if the bound pool is closed
     */
    public static void forEach(int chunks, ChunkTask task) {
        KernelPool.current().forEach(chunks, Integer.MAX_VALUE, task);
    }

    /** As {@link #forEach(int, ChunkTask)} on at most {@code maxThreads} threads. */
    public static void forEach(int chunks, int maxThreads, ChunkTask task) {
        KernelPool.current().forEach(chunks, maxThreads, task);
    }
}
