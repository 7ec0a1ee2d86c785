package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.assertSameF32;
import static dev.inertia.kernels.KernelFixtures.copyOf;
import static dev.inertia.kernels.KernelFixtures.randomF32;

import dev.inertia.kernels.KernelFixtures.Precision;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The selected elementwise kernels against their scalar twin, bit for bit, sentinels included. */
class ElementwiseKernelsTest {
    private final ElementwiseKernels simd = Kernels.elementwise();
    private final ElementwiseKernels scalar = ScalarKernels.elementwise();

    static IntStream sizes() {
        return KernelFixtures.sizes();
    }

    static Stream<Arguments> sizesInBoth() {
        return KernelFixtures.sizesInBoth();
    }

    @FunctionalInterface
    interface Binary {
        void apply(ElementwiseKernels k, MemorySegment a, MemorySegment b, MemorySegment out, int n);
    }

    /** {@code name}'s {@code $} is the precision; {@code op} does the F32 or F64 call ({@link Precision#pick}). */
    private void binary(Precision p, String name, int n, Binary f32, Binary f64) {
        Binary op = p.pick(f32, f64);
        name = p.name(name);
        long seed = KernelFixtures.seed(name, n);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment a = p.random(arena, n, r), b = p.random(arena, n, r);
            MemorySegment expected = p.buffer(arena, n), actual = p.buffer(arena, n);
            op.apply(scalar, a, b, expected, n);
            op.apply(simd, a, b, actual, n);
            p.assertSame(expected, actual, n, name + " seed " + seed);
        }
    }

    @ParameterizedTest
    @MethodSource("sizesInBoth")
    void binaryOps(Precision p, int n) {
        binary(p, "add$", n, (k, a, b, o, m) -> k.addF32(a, PAD, b, PAD, o, PAD, m),
                (k, a, b, o, m) -> k.addF64(a, PAD, b, PAD, o, PAD, m));
        binary(p, "sub$", n, (k, a, b, o, m) -> k.subF32(a, PAD, b, PAD, o, PAD, m),
                (k, a, b, o, m) -> k.subF64(a, PAD, b, PAD, o, PAD, m));
        binary(p, "mul$", n, (k, a, b, o, m) -> k.mulF32(a, PAD, b, PAD, o, PAD, m),
                (k, a, b, o, m) -> k.mulF64(a, PAD, b, PAD, o, PAD, m));
        binary(p, "scale$", n, (k, a, b, o, m) -> k.scaleF32(-0.37f, a, PAD, o, PAD, m),
                (k, a, b, o, m) -> k.scaleF64(-0.37, a, PAD, o, PAD, m));
        binary(p, "fill$", n, (k, a, b, o, m) -> k.fillF32(2.5f, o, PAD, m),
                (k, a, b, o, m) -> k.fillF64(2.5, o, PAD, m));
        binary(p, "fill$ zero", n, (k, a, b, o, m) -> k.fillF32(0f, o, PAD, m),
                (k, a, b, o, m) -> k.fillF64(0, o, PAD, m));
        binary(p, "copy$", n, (k, a, b, o, m) -> k.copyF32(a, PAD, o, PAD, m),
                (k, a, b, o, m) -> k.copyF64(a, PAD, o, PAD, m));
        binary(p, "axpy$", n, (k, a, b, o, m) -> {
            k.copyF32(b, PAD, o, PAD, m);
            k.axpyF32(1.7f, a, PAD, o, PAD, m);
        }, (k, a, b, o, m) -> {
            k.copyF64(b, PAD, o, PAD, m);
            k.axpyF64(1.7, a, PAD, o, PAD, m);
        });
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void inPlaceAndUnalignedOffsets(int n) {
        long seed = KernelFixtures.seed("inPlace", n);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment a = randomF32(arena, n, r), b = randomF32(arena, n, r);
            MemorySegment expected = copyOf(arena, a), actual = copyOf(arena, a);
            // out aliases a; offsets shifted by one element so vectors straddle cache lines
            int m = Math.max(n - 1, 0);
            scalar.addF32(expected, PAD + 1, b, PAD, expected, PAD + 1, m);
            simd.addF32(actual, PAD + 1, b, PAD, actual, PAD + 1, m);
            assertSameF32(expected, actual, n, "in-place add, seed " + seed);
        }
    }
}
