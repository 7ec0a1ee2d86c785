package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.D;
import static dev.inertia.kernels.KernelFixtures.F;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.assertSameF32;
import static dev.inertia.kernels.KernelFixtures.assertSameF64;
import static dev.inertia.kernels.KernelFixtures.buffer;
import static dev.inertia.kernels.KernelFixtures.randomF32;
import static dev.inertia.kernels.KernelFixtures.randomF64;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The selected broadcasting kernels against their scalar twin: the elementwise ones bit for
 * bit with sentinels, the sums to rounding (they add in another order), sentinels bit for bit.
 */
class BroadcastKernelsTest {
    private final BroadcastKernels simd = Kernels.broadcast();
    private final BroadcastKernels scalar = ScalarKernels.broadcast();

    /** (outer, channels, inner) layouts: bias rows, channel planes, scalars, odd sizes. */
    static Stream<Arguments> layouts() {
        return Stream.of(Arguments.of(0, 3, 1), Arguments.of(1, 1, 1), Arguments.of(3, 5, 1), Arguments.of(7, 17, 1),
                Arguments.of(4, 1024, 1), Arguments.of(2, 10, 1), Arguments.of(5, 33, 1), Arguments.of(2, 3, 49),
                Arguments.of(3, 4, 7), Arguments.of(1, 1, 4099), Arguments.of(2, 32, 784), Arguments.of(1, 2, 16),
                Arguments.of(129, 3, 1));
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void elementwiseF32(int outer, int channels, int inner) {
        int n = outer * channels * inner;
        long seed = KernelFixtures.seed("broadcastF32", n + channels);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x = randomF32(arena, n, r), b = randomF32(arena, channels, r, 0.5, -2);
            for (int op = 0; op < 3; op++) {
                MemorySegment expected = buffer(arena, n, 4), actual = buffer(arena, n, 4);
                apply32(scalar, op, x, b, expected, outer, channels, inner);
                apply32(simd, op, x, b, actual, outer, channels, inner);
                assertSameF32(expected, actual, n, "op " + op + " seed " + seed);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void elementwiseF64(int outer, int channels, int inner) {
        int n = outer * channels * inner;
        long seed = KernelFixtures.seed("broadcastF64", n + channels);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x = randomF64(arena, n, r), b = randomF64(arena, channels, r, 0.5, -2);
            for (int op = 0; op < 3; op++) {
                MemorySegment expected = buffer(arena, n, 8), actual = buffer(arena, n, 8);
                apply64(scalar, op, x, b, expected, outer, channels, inner);
                apply64(simd, op, x, b, actual, outer, channels, inner);
                assertSameF64(expected, actual, n, "op " + op + " seed " + seed);
            }
        }
    }

    private static void apply32(BroadcastKernels k, int op, MemorySegment x, MemorySegment b, MemorySegment out,
            int outer, int channels, int inner) {
        switch (op) {
            case 0 -> k.addBiasF32(x, PAD, b, PAD, out, PAD, outer, channels, inner);
            case 1 -> k.mulBiasF32(x, PAD, b, PAD, out, PAD, outer, channels, inner);
            default -> k.divBiasF32(x, PAD, b, PAD, out, PAD, outer, channels, inner);
        }
    }

    private static void apply64(BroadcastKernels k, int op, MemorySegment x, MemorySegment b, MemorySegment out,
            int outer, int channels, int inner) {
        switch (op) {
            case 0 -> k.addBiasF64(x, PAD, b, PAD, out, PAD, outer, channels, inner);
            case 1 -> k.mulBiasF64(x, PAD, b, PAD, out, PAD, outer, channels, inner);
            default -> k.divBiasF64(x, PAD, b, PAD, out, PAD, outer, channels, inner);
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void sumsF64(int outer, int channels, int inner) {
        int n = outer * channels * inner;
        long seed = KernelFixtures.seed("sumsF64", n + channels);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment dy = randomF64(arena, n, r), y = randomF64(arena, n, r);
            MemorySegment start = randomF64(arena, channels, r);
            for (boolean product : new boolean[] {false, true}) {
                for (boolean acc : new boolean[] {false, true}) {
                    MemorySegment expected = KernelFixtures.copyOf(arena, start);
                    MemorySegment actual = KernelFixtures.copyOf(arena, start);
                    if (product) {
                        scalar.sumProductF64(dy, PAD, y, PAD, expected, PAD, outer, channels, inner, -0.5, acc);
                        simd.sumProductF64(dy, PAD, y, PAD, actual, PAD, outer, channels, inner, -0.5, acc);
                    } else {
                        scalar.sumBiasF64(dy, PAD, expected, PAD, outer, channels, inner, 1.5, acc);
                        simd.sumBiasF64(dy, PAD, actual, PAD, outer, channels, inner, 1.5, acc);
                    }
                    for (int i = 0; i < channels + 2 * PAD; i++) {
                        double e = expected.getAtIndex(D, i), a = actual.getAtIndex(D, i);
                        double tol = i < PAD || i >= PAD + channels ? 0 : 1e-13 * (outer * inner * 64 + 8);
                        assertEquals(e, a, tol, "product " + product + " acc " + acc + " element " + (i - PAD)
                                + " seed " + seed);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void sumsF32(int outer, int channels, int inner) {
        int n = outer * channels * inner;
        long seed = KernelFixtures.seed("sumsF32", n + channels);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment dy = randomF32(arena, n, r), y = randomF32(arena, n, r);
            MemorySegment start = randomF32(arena, channels, r);
            for (boolean product : new boolean[] {false, true}) {
                for (boolean acc : new boolean[] {false, true}) {
                    MemorySegment expected = KernelFixtures.copyOf(arena, start);
                    MemorySegment actual = KernelFixtures.copyOf(arena, start);
                    if (product) {
                        scalar.sumProductF32(dy, PAD, y, PAD, expected, PAD, outer, channels, inner, -0.5f, acc);
                        simd.sumProductF32(dy, PAD, y, PAD, actual, PAD, outer, channels, inner, -0.5f, acc);
                    } else {
                        scalar.sumBiasF32(dy, PAD, expected, PAD, outer, channels, inner, 1.5f, acc);
                        simd.sumBiasF32(dy, PAD, actual, PAD, outer, channels, inner, 1.5f, acc);
                    }
                    for (int i = 0; i < channels + 2 * PAD; i++) {
                        float e = expected.getAtIndex(F, i), a = actual.getAtIndex(F, i);
                        double tol = i < PAD || i >= PAD + channels ? 0 : 1e-5 * (outer * inner * 64 + 8);
                        assertEquals(e, a, tol, "product " + product + " acc " + acc + " element " + (i - PAD)
                                + " seed " + seed);
                    }
                }
            }
        }
    }
}
