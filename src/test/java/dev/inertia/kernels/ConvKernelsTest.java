package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.Precision.F32;

import dev.inertia.kernels.KernelFixtures.Precision;
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

    static Stream<Arguments> geometriesInBoth() {
        return KernelFixtures.inBoth(ConvKernelsTest::geometries);
    }

    /**
     * im2col of {@code image} into {@code cols} or, with {@code back}, col2im of {@code cols} into
     * {@code image}; the columns at {@code off}, {@code ld} 0 for the overloads without a leading dimension.
     */
    private static void lower(Precision p, ConvKernels k, boolean back, MemorySegment image, MemorySegment cols,
            int off, int ld, int channels, Window2d g) {
        // one case per direction, precision and overload (ld 0: the one without a leading dimension)
        switch ((back ? 4 : 0) + (p == F32 ? 2 : 0) + (ld == 0 ? 1 : 0)) {
            case 0 -> k.im2colF64(image, PAD, channels, g, cols, off, ld);
            case 1 -> k.im2colF64(image, PAD, channels, g, cols, off);
            case 2 -> k.im2colF32(image, PAD, channels, g, cols, off, ld);
            case 3 -> k.im2colF32(image, PAD, channels, g, cols, off);
            case 4 -> k.col2imF64(cols, off, ld, channels, g, image, PAD);
            case 5 -> k.col2imF64(cols, off, channels, g, image, PAD);
            case 6 -> k.col2imF32(cols, off, ld, channels, g, image, PAD);
            default -> k.col2imF32(cols, off, channels, g, image, PAD);
        }
    }

    /** im2col then col2im, each against the scalar twin; {@code what} names the case in failures. */
    private void bothWays(Precision p, String what, long seed, int channels, Window2d g, int image, int cols, int off,
            int ld) {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x = p.random(arena, image, r), c = p.random(arena, cols, r);
            for (boolean back : new boolean[] {false, true}) {
                int n = back ? image : cols;
                MemorySegment e = p.buffer(arena, n), a = p.buffer(arena, n);
                lower(p, scalar, back, back ? e : x, back ? c : e, off, ld, channels, g);
                lower(p, simd, back, back ? a : x, back ? c : a, off, ld, channels, g);
                p.assertSame(e, a, n, p.name(what + (back ? "col2im$" : "im2col$") + " seed ") + seed);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("geometriesInBoth")
    void sameAsScalar(Precision p, int channels, int h, int w, int k, int stride, int padding) {
        Window2d g = Window2d.square(h, w, k, stride, padding);
        int image = channels * h * w, cols = channels * k * k * g.outH() * g.outW();
        bothWays(p, "", KernelFixtures.seed("conv", image * 7 + cols), channels, g, image, cols, PAD, 0);
    }

    /** With a leading dimension wider than a row (images side by side): the gaps are left alone. */
    @ParameterizedTest
    @MethodSource("geometriesInBoth")
    void stridedColumnsSameAsScalar(Precision p, int channels, int h, int w, int k, int stride, int padding) {
        Window2d g = Window2d.square(h, w, k, stride, padding);
        int outPixels = g.outH() * g.outW(), ld = 2 * outPixels + 5, rows = channels * k * k;
        int image = channels * h * w, cols = rows * ld;
        bothWays(p, "strided ", KernelFixtures.seed("conv-ld", image * 7 + cols), channels, g, image, cols,
                PAD + outPixels, ld);
    }
}
