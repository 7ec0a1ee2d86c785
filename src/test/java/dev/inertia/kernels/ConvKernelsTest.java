package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.assertSameF32;
import static dev.inertia.kernels.KernelFixtures.assertSameF64;
import static dev.inertia.kernels.KernelFixtures.buffer;
import static dev.inertia.kernels.KernelFixtures.randomF32;
import static dev.inertia.kernels.KernelFixtures.randomF64;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The selected im2col / col2im against the scalar twin, bit for bit, sentinels included. */
class ConvKernelsTest {
    private final ConvKernels simd = Kernels.conv();
    private final ConvKernels scalar = ScalarKernels.conv();

    /** channels, h, w, k, stride, padding */
    static Stream<Arguments> geometries() {
        return Stream.of(Arguments.of(1, 28, 28, 5, 1, 2), Arguments.of(3, 14, 14, 5, 1, 2),
                Arguments.of(2, 5, 7, 3, 1, 0), Arguments.of(2, 7, 5, 3, 1, 1), Arguments.of(1, 3, 3, 3, 1, 4),
                Arguments.of(2, 9, 33, 3, 1, 1), Arguments.of(1, 6, 67, 5, 1, 2), Arguments.of(2, 9, 8, 3, 2, 1),
                Arguments.of(1, 4, 4, 1, 1, 0), Arguments.of(1, 2, 40, 2, 1, 3));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void sameAsScalar(int channels, int h, int w, int k, int stride, int padding) {
        Window2d g = Window2d.square(h, w, k, stride, padding);
        int image = channels * h * w, cols = channels * k * k * g.outH() * g.outW();
        long seed = KernelFixtures.seed("conv", image * 7 + cols);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x32 = randomF32(arena, image, r), c32 = randomF32(arena, cols, r);
            MemorySegment e32 = buffer(arena, cols, 4), a32 = buffer(arena, cols, 4);
            scalar.im2colF32(x32, PAD, channels, g, e32, PAD);
            simd.im2colF32(x32, PAD, channels, g, a32, PAD);
            assertSameF32(e32, a32, cols, "im2colF32 seed " + seed);
            MemorySegment ei32 = buffer(arena, image, 4), ai32 = buffer(arena, image, 4);
            scalar.col2imF32(c32, PAD, channels, g, ei32, PAD);
            simd.col2imF32(c32, PAD, channels, g, ai32, PAD);
            assertSameF32(ei32, ai32, image, "col2imF32 seed " + seed);

            MemorySegment x64 = randomF64(arena, image, r), c64 = randomF64(arena, cols, r);
            MemorySegment e64 = buffer(arena, cols, 8), a64 = buffer(arena, cols, 8);
            scalar.im2colF64(x64, PAD, channels, g, e64, PAD);
            simd.im2colF64(x64, PAD, channels, g, a64, PAD);
            assertSameF64(e64, a64, cols, "im2colF64 seed " + seed);
            MemorySegment ei64 = buffer(arena, image, 8), ai64 = buffer(arena, image, 8);
            scalar.col2imF64(c64, PAD, channels, g, ei64, PAD);
            simd.col2imF64(c64, PAD, channels, g, ai64, PAD);
            assertSameF64(ei64, ai64, image, "col2imF64 seed " + seed);
        }
    }

    /** With a leading dimension wider than a row (images side by side): the gaps are left alone. */
    @ParameterizedTest
    @MethodSource("geometries")
    void stridedColumnsSameAsScalar(int channels, int h, int w, int k, int stride, int padding) {
        Window2d g = Window2d.square(h, w, k, stride, padding);
        int p = g.outH() * g.outW(), ld = 2 * p + 5, rows = channels * k * k;
        int image = channels * h * w, cols = rows * ld;
        long seed = KernelFixtures.seed("conv-ld", image * 7 + cols);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x32 = randomF32(arena, image, r), c32 = randomF32(arena, cols, r);
            MemorySegment e32 = buffer(arena, cols, 4), a32 = buffer(arena, cols, 4);
            scalar.im2colF32(x32, PAD, channels, g, e32, PAD + p, ld);
            simd.im2colF32(x32, PAD, channels, g, a32, PAD + p, ld);
            assertSameF32(e32, a32, cols, "strided im2colF32 seed " + seed);
            MemorySegment ei32 = buffer(arena, image, 4), ai32 = buffer(arena, image, 4);
            scalar.col2imF32(c32, PAD + p, ld, channels, g, ei32, PAD);
            simd.col2imF32(c32, PAD + p, ld, channels, g, ai32, PAD);
            assertSameF32(ei32, ai32, image, "strided col2imF32 seed " + seed);

            MemorySegment x64 = randomF64(arena, image, r), c64 = randomF64(arena, cols, r);
            MemorySegment e64 = buffer(arena, cols, 8), a64 = buffer(arena, cols, 8);
            scalar.im2colF64(x64, PAD, channels, g, e64, PAD + p, ld);
            simd.im2colF64(x64, PAD, channels, g, a64, PAD + p, ld);
            assertSameF64(e64, a64, cols, "strided im2colF64 seed " + seed);
            MemorySegment ei64 = buffer(arena, image, 8), ai64 = buffer(arena, image, 8);
            scalar.col2imF64(c64, PAD + p, ld, channels, g, ei64, PAD);
            simd.col2imF64(c64, PAD + p, ld, channels, g, ai64, PAD);
            assertSameF64(ei64, ai64, image, "strided col2imF64 seed " + seed);
        }
    }
}
