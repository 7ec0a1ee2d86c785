package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.assertSameF32;
import static dev.inertia.kernels.KernelFixtures.assertSameF64;
import static dev.inertia.kernels.KernelFixtures.buffer;
import static dev.inertia.kernels.KernelFixtures.copyOf;
import static dev.inertia.kernels.KernelFixtures.randomF32;
import static dev.inertia.kernels.KernelFixtures.randomF64;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The selected direct convolution against the scalar twin (bit for bit, sentinels included), and
 * the twin against a sum in double.
 */
class DirectConvKernelsTest {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private final DirectConvKernels simd = Kernels.directConv();
    private final DirectConvKernels scalar = ScalarKernels.directConv();

    /**
     * images, channels, outChannels, h, w, k, stride, padding: rows wider than two vectors and
     * narrower than one, output channels not a multiple of the tile's four, an odd window, a kernel
     * wider than the image with padding, stride 2 (the scalar twin's), output channels filling
     * several vectors and leaving one over (the weight gradient's 4-, 2- and 1-vector tiles), and
     * windows deep enough for the forward pass with output channels in the lanes (75 and 72
     * elements; rows of 14, 6 and 11 against its 7-wide tiles).
     */
    static Stream<Arguments> geometries() {
        return Stream.of(Arguments.of(3, 1, 32, 28, 28, 5, 1, 2), Arguments.of(2, 3, 4, 14, 14, 5, 1, 2),
                Arguments.of(1, 2, 3, 5, 7, 3, 1, 0), Arguments.of(2, 1, 2, 7, 5, 3, 1, 1),
                Arguments.of(1, 1, 1, 3, 3, 3, 1, 4), Arguments.of(2, 2, 6, 9, 33, 3, 1, 1),
                Arguments.of(1, 1, 3, 6, 67, 5, 1, 2), Arguments.of(2, 2, 2, 9, 8, 3, 2, 1),
                Arguments.of(3, 1, 5, 4, 4, 1, 1, 0), Arguments.of(1, 1, 7, 2, 40, 2, 1, 3),
                Arguments.of(4, 1, 2, 1, 1, 1, 1, 0), Arguments.of(2, 4, 72, 9, 11, 3, 1, 1),
                Arguments.of(1, 3, 40, 6, 6, 5, 1, 2), Arguments.of(2, 8, 20, 9, 11, 3, 1, 1));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardSameAsScalar(int images, int channels, int outChannels, int h, int w, int k, int stride,
            int padding) {
        Window2d g = Window2d.square(h, w, k, stride, padding);
        int image = images * channels * h * w, weights = outChannels * channels * k * k;
        int out = images * outChannels * g.outH() * g.outW();
        long seed = KernelFixtures.seed("direct-conv", image * 31 + out);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x32 = randomF32(arena, image, r), w32 = randomF32(arena, weights, r);
            MemorySegment b32 = randomF32(arena, outChannels, r);
            for (MemorySegment bias : new MemorySegment[] {b32, null}) {
                MemorySegment e32 = buffer(arena, out, 4), a32 = buffer(arena, out, 4);
                scalar.convForwardF32(x32, PAD, images, channels, g, w32, PAD, outChannels, bias, PAD, e32, PAD);
                simd.convForwardF32(x32, PAD, images, channels, g, w32, PAD, outChannels, bias, PAD, a32, PAD);
                assertSameF32(e32, a32, out, "convForwardF32 bias " + (bias != null) + " seed " + seed);
            }
            MemorySegment x64 = randomF64(arena, image, r), w64 = randomF64(arena, weights, r);
            MemorySegment b64 = randomF64(arena, outChannels, r);
            MemorySegment e64 = buffer(arena, out, 8), a64 = buffer(arena, out, 8);
            scalar.convForwardF64(x64, PAD, images, channels, g, w64, PAD, outChannels, b64, PAD, e64, PAD);
            simd.convForwardF64(x64, PAD, images, channels, g, w64, PAD, outChannels, b64, PAD, a64, PAD);
            assertSameF64(e64, a64, out, "convForwardF64 seed " + seed);
            double[][] want = reference(x64, w64, b64, dyOf(e64, out), images, channels, outChannels, g);
            for (int i = 0; i < out; i++) {
                assertEquals(want[0][i], e64.getAtIndex(D, PAD + i), 1e-12 * (1 + Math.abs(want[0][i])),
                        "scalar convForwardF64 against the reference, element " + i + " seed " + seed);
            }
        }
    }

    /** dw += these images' gradient: SIMD against the twin bit for bit, the twin against double sums. */
    @ParameterizedTest
    @MethodSource("geometries")
    void weightGradientMatchesScalar(int images, int channels, int outChannels, int h, int w, int k, int stride,
            int padding) {
        Window2d g = Window2d.square(h, w, k, stride, padding);
        int image = images * channels * h * w, weights = outChannels * channels * k * k;
        int out = images * outChannels * g.outH() * g.outW();
        long seed = KernelFixtures.seed("direct-conv-dw", image * 31 + out);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment x32 = randomF32(arena, image, r), dy32 = randomF32(arena, out, r);
            MemorySegment e32 = randomF32(arena, weights, r), a32 = copyOf(arena, e32);
            scalar.convWeightGradF32(x32, PAD, images, channels, g, dy32, PAD, outChannels, e32, PAD);
            simd.convWeightGradF32(x32, PAD, images, channels, g, dy32, PAD, outChannels, a32, PAD);
            // same order of fused multiply-adds as the twin; the padding's terms add +0
            assertSameF32(e32, a32, weights, "convWeightGradF32 seed " + seed);

            MemorySegment x64 = randomF64(arena, image, r), dy64 = randomF64(arena, out, r);
            MemorySegment e64 = randomF64(arena, weights, r), a64 = copyOf(arena, e64), before = copyOf(arena, e64);
            scalar.convWeightGradF64(x64, PAD, images, channels, g, dy64, PAD, outChannels, e64, PAD);
            simd.convWeightGradF64(x64, PAD, images, channels, g, dy64, PAD, outChannels, a64, PAD);
            assertSameF64(e64, a64, weights, "convWeightGradF64 seed " + seed);
            double[][] want = reference(x64, before, null, dyOf(dy64, out), images, channels, outChannels, g);
            for (int i = 0; i < weights; i++) {
                double expected = before.getAtIndex(D, PAD + i) + want[1][i];
                assertEquals(expected, e64.getAtIndex(D, PAD + i), 1e-12 * (1 + Math.abs(expected)),
                        "scalar convWeightGradF64 against the reference, weight " + i + " seed " + seed);
            }
        }
    }

    private static double[] dyOf(MemorySegment s, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = s.getAtIndex(D, PAD + i);
        }
        return v;
    }

    /** In double: {y (with bias b, unless null), dw = Σ dy · x}. */
    private static double[][] reference(MemorySegment x, MemorySegment w, MemorySegment b, double[] dy, int images,
            int channels, int outChannels, Window2d g) {
        int p = g.outH() * g.outW();
        double[] y = new double[images * outChannels * p], dw = new double[outChannels * channels * g.kh() * g.kw()];
        for (int i = 0; i < y.length; i++) {
            y[i] = b == null ? 0 : b.getAtIndex(D, PAD + i / p % outChannels);
        }
        forEachTerm(images, channels, outChannels, g, (xi, wi, yi) -> {
            y[yi] += w.getAtIndex(D, PAD + wi) * x.getAtIndex(D, PAD + xi);
            dw[wi] += dy[yi] * x.getAtIndex(D, PAD + xi);
        });
        return new double[][] {y, dw};
    }

    private interface Term {
        void add(int xIndex, int wIndex, int yIndex);
    }

    /** Every (input, weight, output) triple of the convolution that reads inside the image. */
    private static void forEachTerm(int images, int channels, int outChannels, Window2d g, Term term) {
        int oh = g.outH(), ow = g.outW();
        for (int n = 0; n < images; n++) {
            forEachTermOf(n, channels, outChannels, g, term);
        }
    }

    private static void forEachTermOf(int n, int channels, int outChannels, Window2d g, Term term) {
        int oh = g.outH(), ow = g.outW();
        for (int o = 0; o < outChannels; o++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int c = 0; c < channels; c++) {
                        for (int ky = 0; ky < g.kh(); ky++) {
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int iy = oy * g.sh() - g.ph() + ky, ix = ox * g.sw() - g.pw() + kx;
                                if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                                    term.add(((n * channels + c) * g.h() + iy) * g.w() + ix,
                                            ((o * channels + c) * g.kh() + ky) * g.kw() + kx,
                                            ((n * outChannels + o) * oh + oy) * ow + ox);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
