package dev.inertia.kernels.simd;

import dev.inertia.kernels.PrecisionKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API rounding to fp16, bf16 and fp32 precision. The Vector API has no half-float
 * conversion, so fp16 rounding is done on the float's bits: round-to-nearest-even at mantissa
 * bit 13 in the normal range, the add-and-subtract-0.5 trick in fp16's subnormal range (where the
 * spacing is 2^-24, the ulp of 0.5f), infinity beyond 65504. The bits are read from memory as
 * ints rather than reinterpreted from float vectors: see the package documentation.
 */
public final class PanamaPrecision implements PrecisionKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final VectorSpecies<Double> D = Widths.D;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Smallest positive normal fp16, 2^-14. */
    private static final float F16_MIN_NORMAL = 0x1p-14f;
    /** fp16 values at or beyond 2^16 after rounding are out of range: infinity. */
    private static final float F16_OVERFLOW = 65536f;
    private static final int F16_MIN_NORMAL_BITS = Float.floatToRawIntBits(F16_MIN_NORMAL);
    private static final int F16_OVERFLOW_BITS = Float.floatToRawIntBits(F16_OVERFLOW);
    private static final int INF_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

    public PanamaPrecision() {}

    @Override
    public void roundF16F32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * 4, ob = outOff * 4;
        FloatVector half = FloatVector.broadcast(F, 0.5f);
        for (int i = 0; i < n; i += F.length()) {
            VectorMask<Float> mf = F.indexInRange(i, n);
            VectorMask<Integer> mi = I.indexInRange(i, n);
            long xo = xb + i * 4L, oo = ob + i * 4L;
            IntVector bits = IntVector.fromMemorySegment(I, x, xo, NATIVE, mi);
            FloatVector a = FloatVector.fromMemorySegment(F, x, xo, NATIVE, mf).abs();
            // fp16's subnormal range in floats; its bits come back through out (no reinterpreting)
            a.add(half).sub(half).intoMemorySegment(out, oo, NATIVE, mf);
            IntVector subnormal = IntVector.fromMemorySegment(I, out, oo, NATIVE, mi);
            // for non-negative floats, comparing bits as ints orders them as floats
            IntVector magnitude = bits.and(0x7FFFFFFF);
            IntVector normal = magnitude.add(magnitude.lanewise(VectorOperators.LSHR, 13).and(1).add(0xFFF))
                    .and(~0x1FFF);
            normal = normal.blend(INF_BITS, normal.compare(VectorOperators.GE, F16_OVERFLOW_BITS));
            IntVector r = normal.blend(subnormal, magnitude.compare(VectorOperators.LT, F16_MIN_NORMAL_BITS));
            // restore the sign bit; NaN passes through unchanged
            r.or(bits.and(0x80000000)).blend(bits, magnitude.compare(VectorOperators.GT, INF_BITS))
                    .intoMemorySegment(out, oo, NATIVE, mi);
        }
    }

    @Override
    public void roundBf16F32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * 4, ob = outOff * 4;
        for (int i = 0; i < n; i += F.length()) {
            VectorMask<Integer> m = I.indexInRange(i, n);
            IntVector bits = IntVector.fromMemorySegment(I, x, xb + i * 4L, NATIVE, m);
            IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7FFF)).and(0xFFFF0000);
            // NaN (magnitude bits above infinity's) passes through unchanged
            rounded.blend(bits, bits.and(0x7FFFFFFF).compare(VectorOperators.GT, INF_BITS))
                    .intoMemorySegment(out, ob + i * 4L, NATIVE, m);
        }
    }

    @Override
    public void roundF32F64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * 8, ob = outOff * 8;
        int i = 0;
        for (; i < n; i += D.length()) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m);
            // to float and back: two lane conversions at half width (a cast, not reinterpretAsDoubles)
            ((DoubleVector) v.convert(VectorOperators.D2F, 0).convert(VectorOperators.F2D, 0))
                    .intoMemorySegment(out, ob + i * 8L, NATIVE, m);
        }
    }
}
