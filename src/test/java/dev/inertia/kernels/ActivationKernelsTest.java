package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.copyOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inertia.kernels.KernelFixtures.Precision;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The selected activation kernels against their scalar twin (bitwise, sentinels, kink counts),
 * and the scalar twin against explicit values at the kinks.
 */
class ActivationKernelsTest {
    private final ActivationKernels simd = Kernels.activations();
    private final ActivationKernels scalar = ScalarKernels.activations();

    static Stream<Arguments> sizesInBoth() {
        return KernelFixtures.sizesInBoth();
    }

    @FunctionalInterface
    interface Forward {
        void apply(ActivationKernels k, MemorySegment x, MemorySegment out, int n);
    }

    @FunctionalInterface
    interface Backward {
        void apply(ActivationKernels k, MemorySegment x, MemorySegment dy, MemorySegment dx, int n, long[] kinks);
    }

    /** {@code name}'s {@code $} is the precision; the F32 or F64 call is picked by {@code p}. */
    private void forward(Precision p, String name, int n, double[] kinkPoints, Forward f32, Forward f64) {
        Forward op = p.pick(f32, f64);
        name = p.name(name);
        long seed = KernelFixtures.seed(name, n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = p.random(arena, n, new Random(seed), kinkPoints);
            if (n > 3) {
                p.setNaN(x, PAD + 3);
            }
            MemorySegment expected = p.buffer(arena, n), actual = p.buffer(arena, n);
            op.apply(scalar, x, expected, n);
            op.apply(simd, x, actual, n);
            p.assertSame(expected, actual, n, name + " seed " + seed);
        }
    }

    /** {@code name}'s {@code $} is the precision; the F32 or F64 call is picked by {@code p}. */
    private void backward(Precision p, String name, int n, double[] kinkPoints, Backward f32, Backward f64) {
        Backward op = p.pick(f32, f64);
        name = p.name(name);
        long seed = KernelFixtures.seed(name, n);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x = p.random(arena, n, r, kinkPoints), dy = p.random(arena, n, r);
            MemorySegment expected = p.buffer(arena, n), actual = p.buffer(arena, n);
            long[] expectedKinks = new long[2], actualKinks = new long[2];
            op.apply(scalar, x, dy, expected, n, expectedKinks);
            op.apply(simd, x, dy, actual, n, actualKinks);
            p.assertSame(expected, actual, n, name + " seed " + seed);
            assertArrayEquals(expectedKinks, actualKinks, name + " kink counts, seed " + seed);
            // in place: dx is dy
            MemorySegment inPlace = copyOf(arena, dy);
            op.apply(simd, x, inPlace, inPlace, n, null);
            p.assertSame(expected, inPlace, n, name + " in place, seed " + seed);
        }
    }

    @ParameterizedTest
    @MethodSource("sizesInBoth")
    void forward(Precision p, int n) {
        double[] zero = {0};
        forward(p, "relu$", n, zero, (k, x, o, m) -> k.reluF32(x, PAD, o, PAD, m),
                (k, x, o, m) -> k.reluF64(x, PAD, o, PAD, m));
        forward(p, "leakyRelu$", n, zero, (k, x, o, m) -> k.leakyReluF32(x, PAD, o, PAD, m, 0.01f),
                (k, x, o, m) -> k.leakyReluF64(x, PAD, o, PAD, m, 0.01));
        forward(p, "clamp$", n, new double[] {-1, 1}, (k, x, o, m) -> k.clampF32(x, PAD, o, PAD, m, -1f, 1f),
                (k, x, o, m) -> k.clampF64(x, PAD, o, PAD, m, -1, 1));
        forward(p, "relu6$", n, new double[] {0, 6}, (k, x, o, m) -> k.clampF32(x, PAD, o, PAD, m, 0f, 6f),
                (k, x, o, m) -> k.clampF64(x, PAD, o, PAD, m, 0, 6));
        forward(p, "abs$", n, zero, (k, x, o, m) -> k.absF32(x, PAD, o, PAD, m),
                (k, x, o, m) -> k.absF64(x, PAD, o, PAD, m));
    }

    @ParameterizedTest
    @MethodSource("sizesInBoth")
    void backward(Precision p, int n) {
        double[] zero = {0};
        backward(p, "reluBackward$", n, zero,
                (k, x, g, d, m, c) -> k.reluBackwardF32(x, PAD, g, PAD, d, PAD, m, 0.5f, c),
                (k, x, g, d, m, c) -> k.reluBackwardF64(x, PAD, g, PAD, d, PAD, m, 0.5, c));
        backward(p, "leakyReluBackward$", n, zero,
                (k, x, g, d, m, c) -> k.leakyReluBackwardF32(x, PAD, g, PAD, d, PAD, m, 0.01f, 0.3f, c),
                (k, x, g, d, m, c) -> k.leakyReluBackwardF64(x, PAD, g, PAD, d, PAD, m, 0.01, 0.3, c));
        backward(p, "clampBackward$", n, new double[] {-1, 1},
                (k, x, g, d, m, c) -> k.clampBackwardF32(x, PAD, g, PAD, d, PAD, m, -1f, 1f, 0.25f, 0.75f, c),
                (k, x, g, d, m, c) -> k.clampBackwardF64(x, PAD, g, PAD, d, PAD, m, -1, 1, 0.25, 0.75, c));
        backward(p, "absBackward$", n, zero,
                (k, x, g, d, m, c) -> k.absBackwardF32(x, PAD, g, PAD, d, PAD, m, 0.2f, c),
                (k, x, g, d, m, c) -> k.absBackwardF64(x, PAD, g, PAD, d, PAD, m, 0.2, c));
    }

    /** The definition itself, at and around every kink, on the selected path. */
    @Test
    void explicitValuesAtKinks() {
        double[] x = {-2, -0.0, 0.0, 3, 6, -1, 1, 7};
        double[] dy = {1, 1, 2, 1, 1, 1, 1, 0};
        // relu'(0) = s multiplies the incoming gradient
        assertArrayEquals(new double[] {0, 0.5, 1, 1, 1, 0, 1, 0}, backward(x, dy,
                (k, xs, g, d, n, c) -> k.reluBackwardF64(xs, 0, g, 0, d, 0, n, 0.5, c)));
        assertArrayEquals(new double[] {0.1, 0.3, 0.6, 1, 1, 0.1, 1, 0}, backward(x, dy,
                (k, xs, g, d, n, c) -> k.leakyReluBackwardF64(xs, 0, g, 0, d, 0, n, 0.1, 0.3, c)));
        // relu6 with 0.25 at 0 and 0.75 at 6
        assertArrayEquals(new double[] {0, 0.25, 0.5, 1, 0.75, 0, 1, 0}, backward(x, dy,
                (k, xs, g, d, n, c) -> k.clampBackwardF64(xs, 0, g, 0, d, 0, n, 0, 6, 0.25, 0.75, c)));
        // hardtanh with its corners at -1 and 1
        assertArrayEquals(new double[] {0, 1, 2, 0, 0, 0.25, 0.75, 0}, backward(x, dy,
                (k, xs, g, d, n, c) -> k.clampBackwardF64(xs, 0, g, 0, d, 0, n, -1, 1, 0.25, 0.75, c)));
        assertArrayEquals(new double[] {-1, 0.2, 0.4, 1, 1, -1, 1, 0}, backward(x, dy,
                (k, xs, g, d, n, c) -> k.absBackwardF64(xs, 0, g, 0, d, 0, n, 0.2, c)));
        long[] kinks = new long[2];
        double[] atZero = {0, 0, -0.0, 5};
        double[] grads = {1, 0, 3, 1};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = MemorySegment.ofArray(atZero);
            MemorySegment g = MemorySegment.ofArray(grads.clone());
            simd.reluBackwardF64(xs, 0, g, 0, g, 0, 4, 0, kinks);
        }
        assertArrayEquals(new long[] {3, 2}, kinks, "three inputs on the kink, two with a nonzero gradient");
    }

    @Test
    void forwardValuesAreUnchangedByKinkPolicy() {
        float[] x = {-1f, -0.0f, 0f, 2f, 7f, Float.NaN};
        float[] out = new float[x.length];
        simd.reluF32(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(out), 0, x.length);
        assertArrayEquals(new float[] {0f, 0f, 0f, 2f, 7f, Float.NaN}, out);
        simd.clampF32(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(out), 0, x.length, 0f, 6f);
        assertArrayEquals(new float[] {0f, 0f, 0f, 2f, 6f, Float.NaN}, out);
        assertEquals(0, Float.floatToRawIntBits(out[1]), "relu6(-0) is +0 as in PyTorch");
    }

    private double[] backward(double[] x, double[] dy, Backward op) {
        double[] dx = new double[x.length];
        op.apply(simd, MemorySegment.ofArray(x), MemorySegment.ofArray(dy), MemorySegment.ofArray(dx), x.length, null);
        return dx;
    }
}
