package dev.inertia.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Shared fixtures for kernel tests: the sizes every kernel is run on, seeded data that hits
 * kinks and special values, and buffers with sentinels around the region a kernel may write.
 */
final class KernelFixtures {
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    /** Elements of padding on each side of a region; filled with {@link #SENTINEL}. */
    static final int PAD = 19;
    static final double SENTINEL = -7777.25;

    private KernelFixtures() {}

    /**
     * The element type of a kernel test, so that one test body serves F32 and F64: each method
     * calls the F32 or F64 fixture of the same name below.
     */
    enum Precision {
        F32(4),
        F64(8);

        /** Bytes per element. */
        final int bytes;

        Precision(int bytes) {
            this.bytes = bytes;
        }

        /** {@link KernelFixtures#buffer} of this element size. */
        MemorySegment buffer(Arena arena, int n) {
            return KernelFixtures.buffer(arena, n, bytes);
        }

        /** Element {@code i} (sentinels included in the count), widened to double. */
        double get(MemorySegment s, long i) {
            return this == F32 ? s.getAtIndex(F, i) : s.getAtIndex(D, i);
        }

        /** {@code f32} or {@code f64}: the F32 or F64 call of a test written once for both. */
        <T> T pick(T f32, T f64) {
            return this == F32 ? f32 : f64;
        }

        /** {@code name} with its {@code $} replaced by this precision's name, like {@code add$} to {@code addF32}. */
        String name(String name) {
            return name.replace("$", name());
        }

        /** {@code v} rounded to this type. */
        double round(double v) {
            return this == F32 ? (float) v : v;
        }

        /** Writes {@code v}, rounded to this type, at element index {@code i}. */
        void set(MemorySegment s, long i, double v) {
            if (this == F32) {
                s.setAtIndex(F, i, (float) v);
            } else {
                s.setAtIndex(D, i, v);
            }
        }

        /** The bits of element {@code i}, NaNs collapsed to one (as {@code floatToIntBits} does). */
        long bits(MemorySegment s, long i) {
            return this == F32 ? Float.floatToIntBits(s.getAtIndex(F, i)) : Double.doubleToLongBits(s.getAtIndex(D, i));
        }

        /** {@code n} seeded values (see {@link KernelFixtures#value}) between sentinels. */
        MemorySegment random(Arena arena, int n, Random r, double... kinkPoints) {
            MemorySegment s = buffer(arena, n);
            for (int i = 0; i < n; i++) {
                set(s, PAD + i, value(r, kinkPoints.length == 0 ? new double[] {0} : kinkPoints));
            }
            return s;
        }

        /** Writes a NaN of this type at element index {@code i} (sentinels included in the count). */
        void setNaN(MemorySegment s, long i) {
            set(s, i, Double.NaN);
        }

        /** Asserts that two buffers of this type are bitwise equal, sentinels included. */
        void assertSame(MemorySegment expected, MemorySegment actual, int n, String what) {
            for (int i = 0; i < n + 2 * PAD; i++) {
                if (bits(expected, i) != bits(actual, i)) {
                    String where = "element " + (i - PAD) + (i < PAD || i >= PAD + n ? " (sentinel)" : "");
                    assertEquals(get(expected, i), get(actual, i), what + ": n=" + n + ", " + where);
                }
            }
        }
    }

    /** 0..70, primes, powers of two and their neighbours, up to 4100. */
    static IntStream sizes() {
        IntStream small = IntStream.rangeClosed(0, 70);
        IntStream larger = IntStream.of(97, 127, 128, 129, 255, 256, 257, 511, 512, 513, 1000, 1021, 1024, 2047,
                2053, 4093, 4096, 4099, 4100);
        return IntStream.concat(small, larger);
    }

    /** (precision, n) for each precision and each of {@link #sizes()}. */
    static Stream<Arguments> sizesInBoth() {
        return inBoth(() -> sizes().mapToObj(Arguments::of));
    }

    /** {@code cases} with each precision in front of their arguments: F32's, then F64's. */
    static Stream<Arguments> inBoth(Supplier<Stream<Arguments>> cases) {
        return Stream.of(Precision.values()).flatMap(p -> cases.get().map(a -> {
            Object[] args = new Object[a.get().length + 1];
            args[0] = p;
            System.arraycopy(a.get(), 0, args, 1, a.get().length);
            return Arguments.of(args);
        }));
    }

    /** A random value; about one in six is exactly 0, one of the kink points, or a signed zero. */
    static double value(Random r, double[] kinkPoints) {
        int pick = r.nextInt(12);
        if (pick == 0) {
            return kinkPoints[r.nextInt(kinkPoints.length)];
        }
        if (pick == 1) {
            return r.nextBoolean() ? 0.0 : -0.0;
        }
        return (r.nextDouble() * 2 - 1) * 8;
    }

    /** A buffer of {@code n} elements surrounded by sentinels; element i is at index PAD + i. */
    static MemorySegment buffer(Arena arena, int n, int bytesPerElement) {
        Precision p = bytesPerElement == 4 ? Precision.F32 : Precision.F64;
        MemorySegment s = arena.allocate((long) (n + 2 * PAD) * bytesPerElement, 64);
        for (int i = 0; i < n + 2 * PAD; i++) {
            p.set(s, i, SENTINEL);
        }
        return s;
    }

    static MemorySegment randomF32(Arena arena, int n, Random r, double... kinkPoints) {
        return Precision.F32.random(arena, n, r, kinkPoints);
    }

    static MemorySegment randomF64(Arena arena, int n, Random r, double... kinkPoints) {
        return Precision.F64.random(arena, n, r, kinkPoints);
    }

    /** Asserts that two F32 buffers are bitwise equal, sentinels included. */
    static void assertSameF32(MemorySegment expected, MemorySegment actual, int n, String what) {
        Precision.F32.assertSame(expected, actual, n, what);
    }

    /** Asserts that two F64 buffers are bitwise equal, sentinels included. */
    static void assertSameF64(MemorySegment expected, MemorySegment actual, int n, String what) {
        Precision.F64.assertSame(expected, actual, n, what);
    }

    static MemorySegment copyOf(Arena arena, MemorySegment s) {
        MemorySegment c = arena.allocate(s.byteSize(), 64);
        c.copyFrom(s);
        return c;
    }

    /** The seed of a test, printed in its failure messages. */
    static long seed(String testName, int n) {
        return testName.hashCode() * 1_000_003L + n;
    }
}
