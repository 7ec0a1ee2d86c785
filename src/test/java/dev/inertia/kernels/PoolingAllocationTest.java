package dev.inertia.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inertia.train.Allocations;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A warm 2×2 max-pool call (forward and backward, native segments) allocates no heap memory:
 * every SIMD method reaches C2 and no vector escapes into a call it did not inline. Same method
 * as {@link GemmAllocationTest}: the thread's allocation counter ({@link Allocations}), on a
 * single thread, repeated while the JIT compiles in the background; it runs in the isolated
 * surefire execution for the same reason (type profiles other tests shaped).
 */
class PoolingAllocationTest {
    private static final int ROUNDS = 200;
    private static final long SEED = 11;

    @Test
    void warmCallsAllocateNothing() {
        assumeTrue(System.getProperty(Simd.PROPERTY) == null, "vector width forced: a coverage run");
        assumeTrue(Allocations.available(), "thread allocation counting unsupported");
        PoolingKernels pool = Kernels.pooling();
        // The CNN's second pooling layer (a row narrower than a 512-bit vector) and an odd side
        // (a masked tail after full vectors, a row and a column no window covers).
        Window2d narrow = Window2d.square(14, 14, 2, 2, 0), odd = Window2d.square(37, 37, 2, 2, 0);
        int planes = 4;
        long in = (long) planes * 37 * 37, out = (long) planes * odd.outH() * odd.outW();
        long[] kinks = new long[2];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(4 * in, 64), dx = arena.allocate(4 * in, 64);
            MemorySegment y = arena.allocate(4 * out, 64), dy = arena.allocate(4 * out, 64);
            SplittableRandom r = new SplittableRandom(SEED);
            for (long i = 0; i < in; i++) {
                // post-ReLU data: many exact zeros, so windows tie and the tie path runs
                x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.max(0, r.nextGaussian()));
            }
            for (long i = 0; i < out; i++) {
                dy.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
            }
            long allocated = Allocations.whenWarm(ROUNDS, () -> calls(pool, x, y, dy, dx, planes, narrow, odd, kinks));
            assertEquals(0, allocated, "bytes allocated by " + Allocations.MEASURED_CALLS
                    + " warm rounds of pooling calls on "
                    + pool.getClass().getSimpleName() + " (seed " + SEED + ")");
        }
    }

    private static void calls(PoolingKernels p, MemorySegment x, MemorySegment y, MemorySegment dy,
            MemorySegment dx, int planes, Window2d narrow, Window2d odd, long[] kinks) {
        p.maxPool2dF32(x, 0, y, 0, planes, narrow);
        p.maxPool2dBackwardF32(x, 0, dy, 0, dx, 0, planes, narrow, 0f, kinks);
        p.maxPool2dF32(x, 0, y, 0, planes, odd);
        p.maxPool2dBackwardF32(x, 0, dy, 0, dx, 0, planes, odd, 0.5f, kinks);
    }
}
