package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.D;
import static dev.inertia.kernels.KernelFixtures.F;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.assertSameF32;
import static dev.inertia.kernels.KernelFixtures.assertSameF64;
import static dev.inertia.kernels.KernelFixtures.buffer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
    private static final double[] BETAS = {0, 0.3, 1};

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

    private static MemorySegment fill(Arena arena, int n, int bytes, Random r, boolean nan) {
        MemorySegment s = buffer(arena, n, bytes);
        for (int i = 0; i < n; i++) {
            double v = value(r, nan);
            if (bytes == 4) {
                s.setAtIndex(F, PAD + i, (float) v);
            } else {
                s.setAtIndex(D, PAD + i, v);
            }
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void sameAsScalarF32(int planes, int h, int w, int k, int stride, int padding) {
        Window2d g = Window2d.square(h, w, k, stride, padding);
        int in = planes * h * w, out = planes * g.outH() * g.outW();
        for (boolean nan : new boolean[] {false, true}) {
            long seed = KernelFixtures.seed("poolF32" + nan, in * 31 + k);
            try (Arena arena = Arena.ofConfined()) {
                Random r = new Random(seed);
                MemorySegment x = fill(arena, in, 4, r, nan), dy = fill(arena, out, 4, r, false);
                MemorySegment tx = fill(arena, in, 4, r, false);
                MemorySegment e = buffer(arena, out, 4), a = buffer(arena, out, 4);
                scalar.maxPool2dF32(x, PAD, e, PAD, planes, g);
                simd.maxPool2dF32(x, PAD, a, PAD, planes, g);
                assertSameF32(e, a, out, "forward seed " + seed);
                for (double beta : BETAS) {
                    long[] ke = new long[2], ka = new long[2];
                    MemorySegment de = buffer(arena, in, 4), da = buffer(arena, in, 4);
                    scalar.maxPool2dBackwardF32(x, PAD, dy, PAD, de, PAD, planes, g, (float) beta, ke);
                    simd.maxPool2dBackwardF32(x, PAD, dy, PAD, da, PAD, planes, g, (float) beta, ka);
                    assertSameF32(de, da, in, "backward beta " + beta + " seed " + seed);
                    assertArrayEquals(ke, ka, "backward kinks, seed " + seed);
                    MemorySegment te = buffer(arena, out, 4), ta = buffer(arena, out, 4);
                    ke = new long[2];
                    ka = new long[2];
                    scalar.maxPool2dTangentF32(x, PAD, tx, PAD, te, PAD, planes, g, (float) beta, ke);
                    simd.maxPool2dTangentF32(x, PAD, tx, PAD, ta, PAD, planes, g, (float) beta, ka);
                    assertSameF32(te, ta, out, "tangent beta " + beta + " seed " + seed);
                    assertArrayEquals(ke, ka, "tangent kinks, seed " + seed);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void sameAsScalarF64(int planes, int h, int w, int k, int stride, int padding) {
        Window2d g = Window2d.square(h, w, k, stride, padding);
        int in = planes * h * w, out = planes * g.outH() * g.outW();
        for (boolean nan : new boolean[] {false, true}) {
            long seed = KernelFixtures.seed("poolF64" + nan, in * 31 + k);
            try (Arena arena = Arena.ofConfined()) {
                Random r = new Random(seed);
                MemorySegment x = fill(arena, in, 8, r, nan), dy = fill(arena, out, 8, r, false);
                MemorySegment tx = fill(arena, in, 8, r, false);
                MemorySegment e = buffer(arena, out, 8), a = buffer(arena, out, 8);
                scalar.maxPool2dF64(x, PAD, e, PAD, planes, g);
                simd.maxPool2dF64(x, PAD, a, PAD, planes, g);
                assertSameF64(e, a, out, "forward seed " + seed);
                for (double beta : BETAS) {
                    long[] ke = new long[2], ka = new long[2];
                    MemorySegment de = buffer(arena, in, 8), da = buffer(arena, in, 8);
                    scalar.maxPool2dBackwardF64(x, PAD, dy, PAD, de, PAD, planes, g, beta, ke);
                    simd.maxPool2dBackwardF64(x, PAD, dy, PAD, da, PAD, planes, g, beta, ka);
                    assertSameF64(de, da, in, "backward beta " + beta + " seed " + seed);
                    assertArrayEquals(ke, ka, "backward kinks, seed " + seed);
                    MemorySegment te = buffer(arena, out, 8), ta = buffer(arena, out, 8);
                    ke = new long[2];
                    ka = new long[2];
                    scalar.maxPool2dTangentF64(x, PAD, tx, PAD, te, PAD, planes, g, beta, ke);
                    simd.maxPool2dTangentF64(x, PAD, tx, PAD, ta, PAD, planes, g, beta, ka);
                    assertSameF64(te, ta, out, "tangent beta " + beta + " seed " + seed);
                    assertArrayEquals(ke, ka, "tangent kinks, seed " + seed);
                }
            }
        }
    }
}
