package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.assertSameF32;
import static dev.inertia.kernels.KernelFixtures.assertSameF64;
import static dev.inertia.kernels.KernelFixtures.buffer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rounding kernels: exhaustively over every fp16 value and every midpoint between neighbours
 * (the ties), and on random floats spanning all exponents, against the JDK's
 * Float.floatToFloat16 and the bf16 definition; SIMD against the scalar twin bit for bit.
 */
class PrecisionKernelsTest {
    private final PrecisionKernels simd = Kernels.precision();
    private final PrecisionKernels scalar = ScalarKernels.precision();

    static IntStream sizes() {
        return KernelFixtures.sizes();
    }

    /** Every fp16 value, the midpoints to the next one up, and points just either side of them. */
    private static float[] everyHalfAndTie() {
        float[] v = new float[65536 * 4];
        int k = 0;
        for (int h = 0; h < 65536; h++) {
            float f = Float.float16ToFloat((short) h);
            v[k++] = f;
            float next = Float.float16ToFloat((short) (h + 1));
            boolean sameSignFinite = Float.isFinite(f) && Float.isFinite(next) && (h & 0x7FFF) != 0x7BFF
                    && ((h + 1) & 0xFFFF) != 0x8000;
            float mid = sameSignFinite ? (float) (((double) f + next) / 2) : f;
            v[k++] = mid;
            v[k++] = Math.nextUp(mid);
            v[k++] = Math.nextDown(mid);
        }
        return v;
    }

    @Test
    void fp16ExhaustiveAgainstJdk() {
        float[] v = everyHalfAndTie();
        float[] out = new float[v.length];
        simd.roundF16F32(MemorySegment.ofArray(v), 0, MemorySegment.ofArray(out), 0, v.length);
        for (int i = 0; i < v.length; i++) {
            float expected = Float.float16ToFloat(Float.floatToFloat16(v[i]));
            if (Float.floatToIntBits(expected) != Float.floatToIntBits(out[i])) {
                assertEquals(expected, out[i], "fp16 rounding of " + v[i] + " (bits "
                        + Integer.toHexString(Float.floatToRawIntBits(v[i])) + ")");
            }
        }
    }

    @Test
    void bf16ExhaustiveOverEveryBf16AndTie() {
        float[] v = new float[65536 * 3];
        for (int h = 0; h < 65536; h++) {
            int bits = h << 16;
            v[3 * h] = Float.intBitsToFloat(bits);
            v[3 * h + 1] = Float.intBitsToFloat(bits | 0x8000); // exact tie: to even
            v[3 * h + 2] = Float.intBitsToFloat(bits | 0x8001); // just above the tie: up
        }
        float[] out = new float[v.length];
        simd.roundBf16F32(MemorySegment.ofArray(v), 0, MemorySegment.ofArray(out), 0, v.length);
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            float expected;
            if (Float.isNaN(x)) {
                expected = x;
            } else {
                // reference computed in double: nearest multiple of the bf16 spacing, ties to even
                int bits = Float.floatToRawIntBits(x);
                int lower = bits & 0xFFFF0000;
                int rest = bits & 0xFFFF;
                int pick = rest > 0x8000 || (rest == 0x8000 && ((lower >>> 16) & 1) == 1) ? lower + 0x10000 : lower;
                expected = Float.intBitsToFloat(pick);
            }
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(out[i]), "bf16 rounding of " + x);
        }
    }

    @Test
    void specialValues() {
        float[] v = {65504f, 65519.99f, 65520f, 1e6f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            -0f, 1e-30f, -1e-30f, 0x1p-24f, 0x1p-25f, 0x1.8p-25f, 3e38f};
        float[] out = new float[v.length];
        simd.roundF16F32(MemorySegment.ofArray(v), 0, MemorySegment.ofArray(out), 0, v.length);
        float[] expected = {65504f, 65504f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN, -0f, 0f, -0f, 0x1p-24f, 0f, 0x1p-24f, Float.POSITIVE_INFINITY};
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(out[i]), "fp16 of " + v[i]);
        }
        float[] b = {3.4e38f, Float.MAX_VALUE, Float.NaN, -0f};
        float[] bo = new float[b.length];
        simd.roundBf16F32(MemorySegment.ofArray(b), 0, MemorySegment.ofArray(bo), 0, b.length);
        assertEquals(Float.POSITIVE_INFINITY, bo[1], "bf16 overflow gives infinity");
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(bo[3]));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void simdMatchesScalarOnRandomFloats(int n) {
        long seed = KernelFixtures.seed("precision", n);
        Random r = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = buffer(arena, n, 4);
            MemorySegment xd = buffer(arena, n, 8);
            for (int i = 0; i < n; i++) {
                // random bits: every exponent, subnormals, infinities and NaNs included
                float f = r.nextInt(4) == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) (r.nextGaussian() * 1e-4);
                x.setAtIndex(ValueLayout.JAVA_FLOAT, PAD + i, f);
                xd.setAtIndex(ValueLayout.JAVA_DOUBLE, PAD + i, Double.longBitsToDouble(r.nextLong()));
            }
            MemorySegment e = buffer(arena, n, 4), a = buffer(arena, n, 4);
            scalar.roundF16F32(x, PAD, e, PAD, n);
            simd.roundF16F32(x, PAD, a, PAD, n);
            assertSameF32(e, a, n, "fp16 seed " + seed);
            scalar.roundBf16F32(x, PAD, e, PAD, n);
            simd.roundBf16F32(x, PAD, a, PAD, n);
            assertSameF32(e, a, n, "bf16 seed " + seed);
            MemorySegment ed = buffer(arena, n, 8), ad = buffer(arena, n, 8);
            scalar.roundF32F64(xd, PAD, ed, PAD, n);
            simd.roundF32F64(xd, PAD, ad, PAD, n);
            assertSameF64(ed, ad, n, "fp32 seed " + seed);
        }
    }
}
