package dev.inertia.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Wall time of the kernel calls the tape's ops make on one thread, by section (forward,
 * backward, ... as the caller names them), kernel and shape, with their floating-point
 * operations and the bytes they move: where a training step's time goes ({@code inertia
 * profile}).
 *
 * <p>Bound to a thread ({@link #bind}), a profile receives every kernel call the ops recorded on
 * that thread's tapes make, in their forward and reverse rules, timed around the whole call (a
 * GEMM split over the kernel pool's threads counts once, at its wall time; a kernel called from
 * inside another is part of the outer one). Work done outside the tape, such as an optimizer's
 * step, is added with {@link #add}. What a section's wall time holds beyond its kernels is the
 * tape's own bookkeeping, which the caller finds by timing the section as a whole.
 *
 * <p>Counting allocates nothing once every (section, kernel, shape) of a step has been seen, so a
 * profiled step stays a steady-state step. Unbound, the ops pay one thread-local read per kernel
 * call. Not thread-safe: one profile per thread.
 */
public final class KernelProfile {
    /** The profile of each thread that bound one; null elsewhere. */
    private static final ThreadLocal<KernelProfile> ACTIVE = new ThreadLocal<>();

    private final List<Counter> counters = new ArrayList<>();
    private String section = "";
    /** Nesting of timed kernel calls on this thread: only the outermost one is counted. */
    private int depth;

    /** An empty profile, counting under the section {@code ""} until {@link #section} names one. */
    public KernelProfile() {}

    /**
     * Makes this profile receive the kernel calls of the current thread until the binding is
     * closed, which restores the thread's previous profile (or none).
     */
    public Binding bind() {
        KernelProfile previous = ACTIVE.get();
        ACTIVE.set(this);
        return new Binding(previous);
    }

    /** Restores the thread's previous profile when closed. */
    public static final class Binding implements AutoCloseable {
        private final KernelProfile previous;
        private boolean closed;

        private Binding(KernelProfile previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                ACTIVE.set(previous);
            }
        }
    }

    /** Counts what follows under {@code name} (a constant: it is compared by identity when counting). */
    public void section(String name) {
        section = Objects.requireNonNull(name, "section");
    }

    /**
     * Adds a piece of work timed by the caller (e.g. the optimizer's pass) to the current section:
     * {@code nanos} of wall time, {@code flops} floating-point operations and {@code bytes} of memory
     * traffic; {@code kernel} and {@code shape} name it (constants: compared by identity).
     */
    public void add(String kernel, String shape, long nanos, long flops, long bytes) {
        counter(kernel, shape, -1, -1, -1).add(nanos, flops, bytes);
    }

    /** Forgets every count (the section stays). */
    public void clear() {
        counters.clear();
    }

    /** One (section, kernel, shape): its calls and their totals. */
    public record Entry(String section, String kernel, String shape, long calls, long nanos, long flops, long bytes) {}

    /** The counts, in the order each (section, kernel, shape) was first seen. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>(counters.size());
        for (Counter c : counters) {
            entries.add(new Entry(c.section, c.kernel, c.shape(), c.calls, c.nanos, c.flops, c.bytes));
        }
        return entries;
    }

    // ---- the ops' side (Kern) --------------------------------------------------------------

    /** The profile bound to this thread, or null. */
    static KernelProfile active() {
        return ACTIVE.get();
    }

    /** A kernel call starts: its start time, or -1 when it runs inside another timed call. */
    long begin() {
        return depth++ == 0 ? System.nanoTime() : -1;
    }

    /** The call begun at {@code start} ends; counted when it was the outermost. */
    void end(long start, String kernel, int d0, int d1, int d2, long flops, long bytes) {
        depth--;
        if (start >= 0) {
            counter(kernel, null, d0, d1, d2).add(System.nanoTime() - start, flops, bytes);
        }
    }

    private Counter counter(String kernel, String shape, int d0, int d1, int d2) {
        for (int i = 0; i < counters.size(); i++) {
            Counter c = counters.get(i);
            if (c.section == section && c.kernel == kernel && c.fixedShape == shape && c.d0 == d0 && c.d1 == d1
                    && c.d2 == d2) {
                return c;
            }
        }
        Counter c = new Counter(section, kernel, shape, d0, d1, d2);
        counters.add(c);
        return c;
    }

    private static final class Counter {
        final String section, kernel, fixedShape;
        final int d0, d1, d2;
        long calls, nanos, flops, bytes;

        Counter(String section, String kernel, String fixedShape, int d0, int d1, int d2) {
            this.section = section;
            this.kernel = kernel;
            this.fixedShape = fixedShape;
            this.d0 = d0;
            this.d1 = d1;
            this.d2 = d2;
        }

        void add(long nanos, long flops, long bytes) {
            calls++;
            this.nanos += nanos;
            this.flops += flops;
            this.bytes += bytes;
        }

        /** "m x n x k" for a product, "rows x cols" or "n" for the others, as given. */
        String shape() {
            if (fixedShape != null) {
                return fixedShape;
            }
            int[] dims = d2 >= 0 ? new int[] {d0, d1, d2} : d1 >= 0 ? new int[] {d0, d1} : new int[] {d0};
            return String.join("x", Arrays.stream(dims).mapToObj(Integer::toString).toList());
        }
    }
}
