package dev.inertia.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inertia.kernels.scalar.ScalarKernels;
import org.junit.jupiter.api.Test;

/** The peak probe does the work it claims: every lane of every chain follows the FMA recurrence exactly. */
class PeakKernelsTest {
    @Test
    void everyLaneFollowsTheRecurrence() {
        for (PeakKernels probe : new PeakKernels[] {Kernels.peak(), ScalarKernels.peak()}) {
            for (long iterations : new long[] {0, 1, 2, 7, 1000, 100_003}) {
                float[] out = probe.fmaChains(iterations);
                assertEquals(probe.chains() * probe.lanes(), out.length, probe + ": values returned");
                for (int c = 0; c < probe.chains(); c++) {
                    float expected = PeakKernels.start(c);
                    for (long i = 0; i < iterations; i++) {
                        expected = Math.fma(expected, PeakKernels.MULTIPLIER, PeakKernels.ADDEND);
                    }
                    for (int lane = 0; lane < probe.lanes(); lane++) {
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[c * probe.lanes() + lane]),
                                probe.getClass().getSimpleName() + ", " + iterations + " iterations, chain " + c + ", lane " + lane);
                    }
                }
            }
        }
    }

    @Test
    void flopsCountTwoPerLaneOfEveryChain() {
        PeakKernels probe = Kernels.peak();
        assertEquals(2L * probe.chains() * probe.lanes(), probe.flopsPerIteration());
        int expectedLanes = Simd.enabled() ? Simd.bits() / Float.SIZE : 1;
        assertEquals(expectedLanes, probe.lanes(), "lanes at the chosen width");
    }
}
