package dev.inertia.kernels;

import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.Precision.F32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.kernels.KernelFixtures.Precision;
import dev.inertia.kernels.scalar.ScalarKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reductions against the scalar twin: max and argmax exactly, sums within n·eps·sum|terms|. */
class ReductionKernelsTest {
    private final ReductionKernels simd = Kernels.reductions();
    private final ReductionKernels scalar = ScalarKernels.reductions();

    static Stream<Arguments> sizesInBoth() {
        return KernelFixtures.sizesInBoth();
    }

    @ParameterizedTest
    @MethodSource("sizesInBoth")
    void matchesScalar(Precision p, int n) {
        long seed = KernelFixtures.seed("reductions" + p, n);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x = p.random(arena, n, r), y = p.random(arena, n, r);
            double absSum = 0, absDot = 0;
            for (int i = 0; i < n; i++) {
                absSum += Math.abs(p.get(x, PAD + i));
                absDot += Math.abs(p.round(p.get(x, PAD + i) * p.get(y, PAD + i)));
            }
            double tol = 2.0 * (n + 1) * (p == F32 ? Math.ulp(1f) : Math.ulp(1.0));
            double tiny = p == F32 ? 1e-30 : 1e-300;
            String at = "n=" + n + " seed " + seed;
            assertEquals(sum(p, scalar, x, n), sum(p, simd, x, n), tol * absSum + tiny, "sum " + at);
            assertEquals(dot(p, scalar, x, y, n), dot(p, simd, x, y, n), tol * absDot + tiny, "dot " + at);
            assertEquals(max(p, scalar, x, n), max(p, simd, x, n), "max " + at);
            assertEquals(argmax(p, scalar, x, n), argmax(p, simd, x, n), "argmax " + at);
            if (n > 5) {
                p.setNaN(x, PAD + n - 2);
                p.setNaN(x, PAD + n - 1);
                assertTrue(Double.isNaN(max(p, simd, x, n)), "max propagates a NaN in the tail " + at);
                assertEquals(n - 2, argmax(p, simd, x, n), "argmax finds the first NaN in the tail " + at);
                p.setNaN(x, PAD + 1);
                assertTrue(Double.isNaN(max(p, simd, x, n)), "max propagates NaN " + at);
                assertEquals(1, argmax(p, simd, x, n), "argmax finds the first NaN " + at);
            }
        }
    }

    private static double sum(Precision p, ReductionKernels k, MemorySegment x, int n) {
        return p == F32 ? k.sumF32(x, PAD, n) : k.sumF64(x, PAD, n);
    }

    private static double dot(Precision p, ReductionKernels k, MemorySegment x, MemorySegment y, int n) {
        return p == F32 ? k.dotF32(x, PAD, y, PAD, n) : k.dotF64(x, PAD, y, PAD, n);
    }

    private static double max(Precision p, ReductionKernels k, MemorySegment x, int n) {
        return p == F32 ? k.maxF32(x, PAD, n) : k.maxF64(x, PAD, n);
    }

    private static int argmax(Precision p, ReductionKernels k, MemorySegment x, int n) {
        return p == F32 ? k.argmaxF32(x, PAD, n) : k.argmaxF64(x, PAD, n);
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
