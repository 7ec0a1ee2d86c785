package dev.inertia.kernels;

import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.Precision.F32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
 * The selected max-pooling kernels against the scalar twin, bit for bit with sentinels, kink
 * counts included: data drawn from a few values so that windows tie often, signed zeros, and
 * planes with a NaN.
 */
class PoolingKernelsTest {
    private final PoolingKernels simd = Kernels.pooling();
    private final PoolingKernels scalar = ScalarKernels.pooling();
    /** Inside [0, 1] and outside (the affine family of the MaxPool study sweeps up to 10000). */
    private static final double[] BETAS = {0, 0.3, 1, -2, 10, 10000};

    /**
     * planes, h, w, k, stride, padding: the 2x2/2 fast path on many widths and heights (rows of
     * half a vector and less go two at a time backward), and other windows.
     */
    static Stream<Arguments> shapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int w : new int[] {2, 3, 4, 5, 7, 14, 17, 28, 33, 35, 64, 67}) {
            b.add(Arguments.of(3, 4, w, 2, 2, 0));
        }
        b.add(Arguments.of(2, 28, 28, 2, 2, 0));
        // narrow rows, two output rows per vector: an odd row left over, odd widths, ow = 8
        b.add(Arguments.of(3, 14, 14, 2, 2, 0));
        b.add(Arguments.of(2, 7, 7, 2, 2, 0));
        b.add(Arguments.of(2, 6, 9, 2, 2, 0));
        b.add(Arguments.of(3, 8, 16, 2, 2, 0));
        b.add(Arguments.of(1, 5, 6, 2, 2, 0));
        b.add(Arguments.of(2, 6, 7, 3, 2, 1));
        b.add(Arguments.of(2, 5, 5, 2, 1, 0));
        return b.build();
    }

    private static double value(Random r, boolean nan) {
        if (nan && r.nextInt(40) == 0) {
            return Double.NaN;
        }
        double[] few = {0.0, -0.0, 1, 2, 2, -1.5};
        return r.nextInt(3) == 0 ? r.nextGaussian() : few[r.nextInt(few.length)];
    }

    static Stream<Arguments> shapesInBoth() {
        return KernelFixtures.inBoth(PoolingKernelsTest::shapes);
    }

    private static MemorySegment fill(Arena arena, Precision p, int n, Random r, boolean nan) {
        MemorySegment s = p.buffer(arena, n);
        for (int i = 0; i < n; i++) {
            p.set(s, PAD + i, value(r, nan));
        }
        return s;
    }

    private static void forward(Precision p, PoolingKernels k, MemorySegment x, MemorySegment y, int planes,
            Window2d g) {
        if (p == F32) {
            k.maxPool2dF32(x, PAD, y, PAD, planes, g);
        } else {
            k.maxPool2dF64(x, PAD, y, PAD, planes, g);
        }
    }

    /** The reverse rule of {@code v} (dy) into {@code out}, or with {@code tangent} the tangent rule of v (tx). */
    private static void derivative(Precision p, PoolingKernels k, boolean tangent, MemorySegment x, MemorySegment v,
            MemorySegment out, int planes, Window2d g, double beta, long[] kinks) {
        float beta32 = (float) beta;
        if (p == F32 && tangent) {
            k.maxPool2dTangentF32(x, PAD, v, PAD, out, PAD, planes, g, beta32, kinks);
        } else if (p == F32) {
            k.maxPool2dBackwardF32(x, PAD, v, PAD, out, PAD, planes, g, beta32, kinks);
        } else if (tangent) {
            k.maxPool2dTangentF64(x, PAD, v, PAD, out, PAD, planes, g, beta, kinks);
        } else {
            k.maxPool2dBackwardF64(x, PAD, v, PAD, out, PAD, planes, g, beta, kinks);
        }
    }

    @ParameterizedTest
    @MethodSource("shapesInBoth")
    void sameAsScalar(Precision p, int planes, int h, int w, int k, int stride, int padding) {
        Window2d g = Window2d.square(h, w, k, stride, padding);
        int in = planes * h * w, out = planes * g.outH() * g.outW();
        for (boolean nan : new boolean[] {false, true}) {
            long seed = KernelFixtures.seed("pool" + p + nan, in * 31 + k);
            try (Arena arena = Arena.ofConfined()) {
                Random r = new Random(seed);
                MemorySegment x = fill(arena, p, in, r, nan), dy = fill(arena, p, out, r, false);
                MemorySegment tx = fill(arena, p, in, r, false);
                MemorySegment e = p.buffer(arena, out), a = p.buffer(arena, out);
                forward(p, scalar, x, e, planes, g);
                forward(p, simd, x, a, planes, g);
                p.assertSame(e, a, out, "forward seed " + seed);
                for (double beta : BETAS) {
                    for (boolean tangent : new boolean[] {false, true}) {
                        int n = tangent ? out : in;
                        long[] ke = new long[2], ka = new long[2];
                        MemorySegment de = p.buffer(arena, n), da = p.buffer(arena, n);
                        derivative(p, scalar, tangent, x, tangent ? tx : dy, de, planes, g, beta, ke);
                        derivative(p, simd, tangent, x, tangent ? tx : dy, da, planes, g, beta, ka);
                        String what = (tangent ? "tangent" : "backward") + " beta " + beta + " seed " + seed;
                        p.assertSame(de, da, n, what);
                        assertArrayEquals(ke, ka, what + ": kinks");
                    }
                }
            }
        }
    }
}
