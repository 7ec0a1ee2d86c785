package dev.inertia.data;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;

/**
 * Heap bytes allocated by the current thread, through {@code com.sun.management.ThreadMXBean}
 * found reflectively (the module does not read {@code jdk.management}; the tests run on the class
 * path). Each reading allocates a few bytes itself (boxing), well under any bound we test.
 */
final class HeapAllocations {
    private static final Object BEAN = ManagementFactory.getThreadMXBean();
    private static final Method ALLOCATED;

    static {
        try {
            ALLOCATED = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private HeapAllocations() {
    }

    static long currentThread() {
        try {
            return (long) ALLOCATED.invoke(BEAN);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read allocated bytes", e);
        }
    }
}
