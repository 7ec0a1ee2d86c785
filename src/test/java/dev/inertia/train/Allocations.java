package dev.inertia.train;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;

/**
 * Heap bytes allocated by the current thread, for the tests that prove a warm call allocates
 * nothing (training steps, the batcher, the progress display, GEMM and pooling kernels). The
 * counter, {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}, is reached
 * through a method handle found reflectively: the library module does not read
 * {@code jdk.management}, and an exact invocation boxes nothing, so a reading allocates nothing.
 */
public final class Allocations {
    /** Calls of a warm-up round, then calls measured, in {@link #whenWarm}. */
    public static final int WARM_CALLS = 200, MEASURED_CALLS = 20;

    /** The bound counter, or null where this JVM cannot count a thread's allocations. */
    private static final MethodHandle COUNTER = counter();

    private Allocations() {}

    private static MethodHandle counter() {
        Object threads = ManagementFactory.getThreadMXBean();
        try {
            Class<?> extended = Class.forName("com.sun.management.ThreadMXBean");
            if (!extended.isInstance(threads)) {
                return null;
            }
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            boolean supported = (boolean) lookup.findVirtual(extended, "isThreadAllocatedMemorySupported",
                    MethodType.methodType(boolean.class)).invoke(threads);
            return supported ? lookup.findVirtual(extended, "getCurrentThreadAllocatedBytes",
                    MethodType.methodType(long.class)).bindTo(threads) : null;
        } catch (Throwable e) {
            return null;
        }
    }

    /** Whether this JVM counts a thread's allocations (tests assume it, or skip). */
    public static boolean available() {
        return COUNTER != null;
    }

    /** Bytes the current thread has allocated so far. */
    public static long currentThread() {
        if (COUNTER == null) {
            throw new IllegalStateException("this JVM does not count the allocations of a thread");
        }
        try {
            return (long) COUNTER.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read allocated bytes", e);
        }
    }

    /**
     * Bytes that {@link #MEASURED_CALLS} runs of {@code calls} allocate once warm: rounds of
     * {@link #WARM_CALLS} runs then a measured batch repeat until a batch allocates nothing (the
     * JIT compiles in the background, so early rounds may still run interpreted or C1 code) or
     * {@code rounds} are spent; the last batch's count.
     */
    public static long whenWarm(int rounds, Runnable calls) {
        long allocated = -1;
        for (int round = 0; round < rounds && allocated != 0; round++) {
            for (int i = 0; i < WARM_CALLS; i++) {
                calls.run();
            }
            long before = currentThread();
            for (int i = 0; i < MEASURED_CALLS; i++) {
                calls.run();
            }
            allocated = currentThread() - before;
        }
        return allocated;
    }
}
