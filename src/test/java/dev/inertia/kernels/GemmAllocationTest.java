package dev.inertia.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inertia.train.Allocations;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * A warm GEMM call allocates no heap memory: packing buffers and call objects are reused, and
 * no vector escapes into a call C2 did not inline (that would box it on every tile). Measured
 * with the thread's allocation counter on a single thread, after warm-up; the JIT compiles in
 * the background, so the check repeats until the compiled code runs or a generous limit is hit
 * (with the 2 shared cores under load, the last kernels reached C2 after 40 to 190 rounds).
 * The counter is {@link Allocations}.
 * Checked on the production path (the machine's vector width), not in the runs that force a
 * narrower width for coverage. It runs in a surefire execution of its own: after other tests
 * have called the kernels with heap segments of several array types, C2's type profiles at the
 * vector loads are megamorphic and it boxes vectors (~1 MB per call set here), a known cliff for
 * callers that mix heap and native segments (see docs/PERFORMANCE.md).
 */
class GemmAllocationTest {
    private static final int ROUNDS = 600;

    @Test
    void warmCallsAllocateNothing() {
        assumeTrue(System.getProperty(Simd.PROPERTY) == null, "vector width forced: a coverage run");
        assumeTrue(Allocations.available(), "thread allocation counting unsupported");
        GemmKernels gemm = Kernels.gemm();
        // Edge sizes on purpose: partial row panels, masked column vectors, transposed packing with tails.
        int m = 21, n = 53, k = 19;
        try (Arena arena = Arena.ofShared(); KernelPool pool = KernelPool.ofThreads(1);
                KernelPool.Binding bound = pool.bind()) {
            MemorySegment a = arena.allocate(8L * m * k, 64), b = arena.allocate(8L * k * n, 64);
            MemorySegment c = arena.allocate(8L * m * n, 64), bias = arena.allocate(8L * n, 64);
            Epilogue relu = Epilogue.NONE.withColumnBias(bias, 0).relu();
            long allocated = Allocations.whenWarm(ROUNDS, () -> calls(gemm, m, n, k, a, b, c, relu));
            assertEquals(0, allocated, "bytes allocated by " + Allocations.MEASURED_CALLS
                    + " warm rounds of GEMM calls on "
                    + gemm.getClass().getSimpleName());
        }
    }

    private static void calls(GemmKernels g, int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c,
            Epilogue e) {
        g.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        g.sgemm(true, true, m, n, k, 0.5f, a, 0, m, b, 0, k, 1f, c, 0, n, e);
        g.dgemm(false, true, m, n, k, 1.0, a, 0, k, b, 0, k, 0.5, c, 0, n, e);
        g.dgemm(true, false, m, n, k, 1.0, a, 0, m, b, 0, n, 0.0, c, 0, n);
    }
}
