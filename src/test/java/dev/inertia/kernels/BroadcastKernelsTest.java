package dev.inertia.kernels;

import static dev.inertia.kernels.KernelFixtures.PAD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inertia.kernels.KernelFixtures.Precision;
import dev.inertia.kernels.scalar.ScalarKernels;
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

    static Stream<Arguments> layoutsInBoth() {
        return KernelFixtures.inBoth(BroadcastKernelsTest::layouts);
    }

    @ParameterizedTest
    @MethodSource("layoutsInBoth")
    void elementwise(Precision p, int outer, int channels, int inner) {
        int n = outer * channels * inner;
        long seed = KernelFixtures.seed("broadcast" + p, n + channels);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x = p.random(arena, n, r), b = p.random(arena, channels, r, 0.5, -2);
            for (int op = 0; op < 3; op++) {
                MemorySegment expected = p.buffer(arena, n), actual = p.buffer(arena, n);
                apply(p, scalar, op, x, b, expected, outer, channels, inner);
                apply(p, simd, op, x, b, actual, outer, channels, inner);
                p.assertSame(expected, actual, n, "op " + op + " seed " + seed);
            }
        }
    }

    /** Op 0 adds, 1 multiplies, 2 divides by the bias. */
    private static void apply(Precision p, BroadcastKernels k, int op, MemorySegment x, MemorySegment b,
            MemorySegment out, int outer, int channels, int inner) {
        switch (op) {
            case 0 -> p.pick((Runnable) () -> k.addBiasF32(x, PAD, b, PAD, out, PAD, outer, channels, inner),
                    () -> k.addBiasF64(x, PAD, b, PAD, out, PAD, outer, channels, inner)).run();
            case 1 -> p.pick((Runnable) () -> k.mulBiasF32(x, PAD, b, PAD, out, PAD, outer, channels, inner),
                    () -> k.mulBiasF64(x, PAD, b, PAD, out, PAD, outer, channels, inner)).run();
            default -> p.pick((Runnable) () -> k.divBiasF32(x, PAD, b, PAD, out, PAD, outer, channels, inner),
                    () -> k.divBiasF64(x, PAD, b, PAD, out, PAD, outer, channels, inner)).run();
        }
    }

    /** The channel sums of dy (times y when {@code product}), scaled and added to out or not. */
    private static void sums(Precision p, BroadcastKernels k, boolean product, MemorySegment dy, MemorySegment y,
            MemorySegment out, int outer, int channels, int inner, double scale, boolean acc) {
        if (product) {
            p.pick((Runnable) () -> k.sumProductF32(dy, PAD, y, PAD, out, PAD, outer, channels, inner, (float) scale,
                    acc), () -> k.sumProductF64(dy, PAD, y, PAD, out, PAD, outer, channels, inner, scale, acc)).run();
        } else {
            p.pick((Runnable) () -> k.sumBiasF32(dy, PAD, out, PAD, outer, channels, inner, (float) scale, acc),
                    () -> k.sumBiasF64(dy, PAD, out, PAD, outer, channels, inner, scale, acc)).run();
        }
    }

    @ParameterizedTest
    @MethodSource("layoutsInBoth")
    void sums(Precision p, int outer, int channels, int inner) {
        int n = outer * channels * inner;
        long seed = KernelFixtures.seed("sums" + p, n + channels);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment dy = p.random(arena, n, r), y = p.random(arena, n, r);
            MemorySegment start = p.random(arena, channels, r);
            double eps = p == Precision.F32 ? 1e-5 : 1e-13;
            for (boolean product : new boolean[] {false, true}) {
                for (boolean acc : new boolean[] {false, true}) {
                    MemorySegment expected = KernelFixtures.copyOf(arena, start);
                    MemorySegment actual = KernelFixtures.copyOf(arena, start);
                    double scale = product ? -0.5 : 1.5;
                    sums(p, scalar, product, dy, y, expected, outer, channels, inner, scale, acc);
                    sums(p, simd, product, dy, y, actual, outer, channels, inner, scale, acc);
                    for (int i = 0; i < channels + 2 * PAD; i++) {
                        double e = p.get(expected, i), a = p.get(actual, i);
                        double tol = i < PAD || i >= PAD + channels ? 0 : eps * (outer * inner * 64 + 8);
                        assertEquals(e, a, tol, "product " + product + " acc " + acc + " element " + (i - PAD)
                                + " seed " + seed);
                    }
                }
            }
        }
    }
}
