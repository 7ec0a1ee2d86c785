package dev.inertia.kernels.simd;

import dev.inertia.kernels.ReductionKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API reductions. Generated for F32 and F64 from one template by
 * scripts/gen_simd_templates.py; edit the template, not this file.
 */
public final class PanamaReductions implements ReductionKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final VectorSpecies<Double> D = Widths.D;
    private static final ValueLayout.OfFloat LAYOUT_F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble LAYOUT_D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    public PanamaReductions() {}

    @Override
    public float sumF32(MemorySegment x, long xOff, int n) {
        long xb = xOff * 4;
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc = acc.add(FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE));
        }
        if (i < n) {
            acc = acc.add(FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, F.indexInRange(i, n)));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public float dotF32(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        long xb = xOff * 4, yb = yOff * 4;
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE)
                    .fma(FloatVector.fromMemorySegment(F, y, yb + i * 4L, NATIVE), acc);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            acc = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m)
                    .fma(FloatVector.fromMemorySegment(F, y, yb + i * 4L, NATIVE, m), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public float maxF32(MemorySegment x, long xOff, int n) {
        long xb = xOff * 4;
        FloatVector lowest = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        FloatVector acc = lowest;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc = acc.max(FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE));
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            acc = acc.max(lowest.blend(FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m), m));
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    @Override
    public int argmaxF32(MemorySegment x, long xOff, int n) {
        if (n == 0) {
            return -1;
        }
        float best = maxF32(x, xOff, n);
        long xb = xOff * 4;
        boolean nan = Float.isNaN(best);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE);
            VectorMask<Float> hit = nan ? v.compare(VectorOperators.NE, v) : v.eq(best);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < n; i++) {
            float v = x.getAtIndex(LAYOUT_F, xOff + i);
            if (nan ? Float.isNaN(v) : v == best) {
                return i;
            }
        }
        throw new AssertionError("the maximum was not found again");
    }

    @Override
    public double sumF64(MemorySegment x, long xOff, int n) {
        long xb = xOff * 8;
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            acc = acc.add(DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE));
        }
        if (i < n) {
            acc = acc.add(DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, D.indexInRange(i, n)));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public double dotF64(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        long xb = xOff * 8, yb = yOff * 8;
        DoubleVector acc = DoubleVector.zero(D);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            acc = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE)
                    .fma(DoubleVector.fromMemorySegment(D, y, yb + i * 8L, NATIVE), acc);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            acc = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m)
                    .fma(DoubleVector.fromMemorySegment(D, y, yb + i * 8L, NATIVE, m), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public double maxF64(MemorySegment x, long xOff, int n) {
        long xb = xOff * 8;
        DoubleVector lowest = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
        DoubleVector acc = lowest;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            acc = acc.max(DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE));
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            acc = acc.max(lowest.blend(DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m), m));
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    @Override
    public int argmaxF64(MemorySegment x, long xOff, int n) {
        if (n == 0) {
            return -1;
        }
        double best = maxF64(x, xOff, n);
        long xb = xOff * 8;
        boolean nan = Double.isNaN(best);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE);
            VectorMask<Double> hit = nan ? v.compare(VectorOperators.NE, v) : v.eq(best);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < n; i++) {
            double v = x.getAtIndex(LAYOUT_D, xOff + i);
            if (nan ? Double.isNaN(v) : v == best) {
                return i;
            }
        }
        throw new AssertionError("the maximum was not found again");
    }
}
