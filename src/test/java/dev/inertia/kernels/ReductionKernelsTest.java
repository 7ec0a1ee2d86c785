package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.D;
import static dev.inertia.kernels.KernelFixtures.F;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.randomF32;
import static dev.inertia.kernels.KernelFixtures.randomF64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reductions against the scalar twin: max and argmax exactly, sums within n·eps·sum|terms|. */
class ReductionKernelsTest {
    private final ReductionKernels simd = Kernels.reductions();
    private final ReductionKernels scalar = ScalarKernels.reductions();

    static IntStream sizes() {
        return KernelFixtures.sizes();
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void f32(int n) {
        long seed = KernelFixtures.seed("reductionsF32", n);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x = randomF32(arena, n, r), y = randomF32(arena, n, r);
            double absSum = 0, absDot = 0;
            for (int i = 0; i < n; i++) {
                absSum += Math.abs(x.getAtIndex(F, PAD + i));
                absDot += Math.abs(x.getAtIndex(F, PAD + i) * y.getAtIndex(F, PAD + i));
            }
            double tol = 2.0 * (n + 1) * Math.ulp(1f);
            String at = "n=" + n + " seed " + seed;
            assertEquals(scalar.sumF32(x, PAD, n), simd.sumF32(x, PAD, n), tol * absSum + 1e-30, "sum " + at);
            assertEquals(scalar.dotF32(x, PAD, y, PAD, n), simd.dotF32(x, PAD, y, PAD, n), tol * absDot + 1e-30,
                    "dot " + at);
            assertEquals(scalar.maxF32(x, PAD, n), simd.maxF32(x, PAD, n), "max " + at);
            assertEquals(scalar.argmaxF32(x, PAD, n), simd.argmaxF32(x, PAD, n), "argmax " + at);
            if (n > 5) {
                x.setAtIndex(F, PAD + n - 2, Float.NaN);
                x.setAtIndex(F, PAD + n - 1, Float.NaN);
                assertTrue(Float.isNaN(simd.maxF32(x, PAD, n)), "max propagates NaN " + at);
                assertEquals(n - 2, simd.argmaxF32(x, PAD, n), "argmax finds the first NaN " + at);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void f64(int n) {
        long seed = KernelFixtures.seed("reductionsF64", n);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x = randomF64(arena, n, r), y = randomF64(arena, n, r);
            double absSum = 0, absDot = 0;
            for (int i = 0; i < n; i++) {
                absSum += Math.abs(x.getAtIndex(D, PAD + i));
                absDot += Math.abs(x.getAtIndex(D, PAD + i) * y.getAtIndex(D, PAD + i));
            }
            double tol = 2.0 * (n + 1) * Math.ulp(1.0);
            String at = "n=" + n + " seed " + seed;
            assertEquals(scalar.sumF64(x, PAD, n), simd.sumF64(x, PAD, n), tol * absSum + 1e-300, "sum " + at);
            assertEquals(scalar.dotF64(x, PAD, y, PAD, n), simd.dotF64(x, PAD, y, PAD, n), tol * absDot + 1e-300,
                    "dot " + at);
            assertEquals(scalar.maxF64(x, PAD, n), simd.maxF64(x, PAD, n), "max " + at);
            assertEquals(scalar.argmaxF64(x, PAD, n), simd.argmaxF64(x, PAD, n), "argmax " + at);
            if (n > 5) {
                x.setAtIndex(D, PAD + 1, Double.NaN);
                assertTrue(Double.isNaN(simd.maxF64(x, PAD, n)), "max propagates NaN " + at);
                assertEquals(1, simd.argmaxF64(x, PAD, n), "argmax finds the first NaN " + at);
            }
        }
    }

    @Test
    void emptyAndTies() {
        MemorySegment empty = MemorySegment.ofArray(new float[0]);
        assertEquals(Float.NEGATIVE_INFINITY, simd.maxF32(empty, 0, 0));
        assertEquals(-1, simd.argmaxF32(empty, 0, 0));
        assertEquals(0f, simd.sumF32(empty, 0, 0));
        double[] ties = new double[100];
        ties[37] = 5;
        ties[38] = 5;
        ties[99] = 5;
        assertEquals(37, simd.argmaxF64(MemorySegment.ofArray(ties), 0, ties.length), "first index of a tie");
        float[] allNegInf = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertEquals(0, simd.argmaxF32(MemorySegment.ofArray(allNegInf), 0, 2));
    }
}
