package dev.inertia.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A lifetime for off-heap tensors. Everything allocated from a scope is freed at once by
 * {@link #close()}; touching such memory afterwards throws {@link IllegalStateException}.
 *
 * <p>Backed by a shared {@link Arena} because the kernel pool's threads work on the same memory.
 */
public final class Scope implements AutoCloseable {
    /** Alignment of every allocation: one cache line, one 512-bit vector. */
    public static final long ALIGNMENT = 64;

    private final Arena arena;
    private final java.util.concurrent.atomic.AtomicLong allocated = new java.util.concurrent.atomic.AtomicLong();
    /** Set by the one {@link #close()} that closes the arena, so concurrent closes do not race. */
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    private Scope(Arena arena) {
        this.arena = arena;
    }

    /** Opens a new scope. */
    public static Scope open() {
        return new Scope(Arena.ofShared());
    }

    /** Allocates {@code bytes} zeroed bytes, 64-byte aligned. */
    public MemorySegment allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot allocate a negative number of bytes: " + bytes);
        }
        ensureOpen();
        allocated.addAndGet(bytes);
        return arena.allocate(Math.max(bytes, 1), ALIGNMENT).asSlice(0, bytes);
    }

    /** Bytes allocated through {@link #allocate} so far (for checks that a loop allocates nothing). */
    public long allocatedBytes() {
        return allocated.get();
    }

    /** The arena behind this scope, for callers that allocate their own segments in it. */
    public Arena arena() {
        return arena;
    }

    /** Whether the scope is still open. */
    public boolean isOpen() {
        return arena.scope().isAlive();
    }

    void ensureOpen() {
        if (!isOpen()) {
            throw new IllegalStateException("scope is closed: its tensors were freed");
        }
    }

    /**
     * Frees every allocation of this scope. Closing again, also from another thread at the same
     * time, is allowed and does nothing: exactly one caller closes the arena.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            arena.close();
        } catch (RuntimeException e) {
            closing.set(false); // the arena is still open (e.g. in use by a kernel): a later close may succeed
            throw e;
        }
    }
}
