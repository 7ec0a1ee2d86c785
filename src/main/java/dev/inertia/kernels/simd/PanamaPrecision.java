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
 * spacing is 2^-24, the ulp of 0.5f), infinity beyond 65504.
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

    public PanamaPrecision() {}

    @Override
    public void roundF16F32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * 4, ob = outOff * 4;
        FloatVector half = FloatVector.broadcast(F, 0.5f);
        FloatVector inf = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        int i = 0;
        for (; i < n; i += F.length()) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m);
            FloatVector a = v.abs();
            IntVector bits = a.reinterpretAsInts();
            IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 13).and(1).add(0xFFF)).and(~0x1FFF);
            FloatVector normal = rounded.reinterpretAsFloats();
            normal = normal.blend(inf, normal.compare(VectorOperators.GE, F16_OVERFLOW));
            FloatVector subnormal = a.add(half).sub(half);
            FloatVector r = normal.blend(subnormal, a.compare(VectorOperators.LT, F16_MIN_NORMAL));
            // restore the sign bit; NaN passes through unchanged
            IntVector sign = v.reinterpretAsInts().and(0x80000000);
            FloatVector signed = r.reinterpretAsInts().or(sign).reinterpretAsFloats();
            signed.blend(v, v.test(VectorOperators.IS_NAN)).intoMemorySegment(out, ob + i * 4L, NATIVE, m);
        }
    }

    @Override
    public void roundBf16F32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * 4, ob = outOff * 4;
        int i = 0;
        for (; i < n; i += F.length()) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m);
            IntVector bits = v.reinterpretAsInts();
            IntVector rounded = bits.add(bits.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7FFF)).and(0xFFFF0000);
            rounded.reinterpretAsFloats().blend(v, v.test(VectorOperators.IS_NAN))
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
            // to float and back: two lane conversions at half width, then reassembled
            v.convert(VectorOperators.D2F, 0).convert(VectorOperators.F2D, 0).reinterpretAsDoubles()
                    .intoMemorySegment(out, ob + i * 8L, NATIVE, m);
        }
    }
}
