package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.Precision.F32;
import static dev.inertia.kernels.KernelFixtures.Precision.F64;
import static dev.inertia.kernels.KernelFixtures.copyOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inertia.kernels.KernelFixtures.Precision;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The selected activation kernels against their scalar twin (bitwise, sentinels, kink counts),
 * and the scalar twin against explicit values at the kinks.
 */
class ActivationKernelsTest {
    private final ActivationKernels simd = Kernels.activations();
    private final ActivationKernels scalar = ScalarKernels.activations();

    static IntStream sizes() {
        return KernelFixtures.sizes();
    }

    @FunctionalInterface
    interface Forward {
        void apply(ActivationKernels k, MemorySegment x, MemorySegment out, int n);
    }

    @FunctionalInterface
    interface Backward {
        void apply(ActivationKernels k, MemorySegment x, MemorySegment dy, MemorySegment dx, int n, long[] kinks);
    }

    private void forward(Precision p, String name, int n, double[] kinkPoints, Forward op) {
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

    private void backward(Precision p, String name, int n, double[] kinkPoints, Backward op) {
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
    @MethodSource("sizes")
    void forwardF32(int n) {
        double[] zero = {0};
        forward(F32, "reluF32", n, zero, (k, x, o, m) -> k.reluF32(x, PAD, o, PAD, m));
        forward(F32, "leakyReluF32", n, zero, (k, x, o, m) -> k.leakyReluF32(x, PAD, o, PAD, m, 0.01f));
        forward(F32, "clampF32", n, new double[] {-1, 1}, (k, x, o, m) -> k.clampF32(x, PAD, o, PAD, m, -1f, 1f));
        forward(F32, "relu6F32", n, new double[] {0, 6}, (k, x, o, m) -> k.clampF32(x, PAD, o, PAD, m, 0f, 6f));
        forward(F32, "absF32", n, zero, (k, x, o, m) -> k.absF32(x, PAD, o, PAD, m));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void forwardF64(int n) {
        double[] zero = {0};
        forward(F64, "reluF64", n, zero, (k, x, o, m) -> k.reluF64(x, PAD, o, PAD, m));
        forward(F64, "leakyReluF64", n, zero, (k, x, o, m) -> k.leakyReluF64(x, PAD, o, PAD, m, 0.01));
        forward(F64, "clampF64", n, new double[] {-1, 1}, (k, x, o, m) -> k.clampF64(x, PAD, o, PAD, m, -1, 1));
        forward(F64, "relu6F64", n, new double[] {0, 6}, (k, x, o, m) -> k.clampF64(x, PAD, o, PAD, m, 0, 6));
        forward(F64, "absF64", n, zero, (k, x, o, m) -> k.absF64(x, PAD, o, PAD, m));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void backwardF32(int n) {
        double[] zero = {0};
        backward(F32, "reluBackwardF32", n, zero,
                (k, x, g, d, m, c) -> k.reluBackwardF32(x, PAD, g, PAD, d, PAD, m, 0.5f, c));
        backward(F32, "leakyReluBackwardF32", n, zero,
                (k, x, g, d, m, c) -> k.leakyReluBackwardF32(x, PAD, g, PAD, d, PAD, m, 0.01f, 0.3f, c));
        backward(F32, "clampBackwardF32", n, new double[] {-1, 1},
                (k, x, g, d, m, c) -> k.clampBackwardF32(x, PAD, g, PAD, d, PAD, m, -1f, 1f, 0.25f, 0.75f, c));
        backward(F32, "absBackwardF32", n, zero,
                (k, x, g, d, m, c) -> k.absBackwardF32(x, PAD, g, PAD, d, PAD, m, 0.2f, c));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void backwardF64(int n) {
        double[] zero = {0};
        backward(F64, "reluBackwardF64", n, zero,
                (k, x, g, d, m, c) -> k.reluBackwardF64(x, PAD, g, PAD, d, PAD, m, 0.5, c));
        backward(F64, "leakyReluBackwardF64", n, zero,
                (k, x, g, d, m, c) -> k.leakyReluBackwardF64(x, PAD, g, PAD, d, PAD, m, 0.01, 0.3, c));
        backward(F64, "clampBackwardF64", n, new double[] {-1, 1},
                (k, x, g, d, m, c) -> k.clampBackwardF64(x, PAD, g, PAD, d, PAD, m, -1, 1, 0.25, 0.75, c));
        backward(F64, "absBackwardF64", n, zero,
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
