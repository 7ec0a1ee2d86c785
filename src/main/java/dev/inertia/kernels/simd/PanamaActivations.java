package dev.inertia.kernels.simd;

import dev.inertia.kernels.ActivationKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API activations and their conservative derivatives, kink counting included (one mask
 * popcount per vector, no second pass). Generated for F32 and F64 from one template by
 * scripts/gen_simd_templates.py; edit the template, not this file.
 */
public final class PanamaActivations implements ActivationKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final VectorSpecies<Double> D = Widths.D;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    public PanamaActivations() {}

    @Override
    public void reluF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * 4, ob = outOff * 4;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE).max(0f).intoMemorySegment(out, ob + i * 4L, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m).max(0f).intoMemorySegment(out, ob + i * 4L, NATIVE, m);
        }
    }

    @Override
    public void reluBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, float atZero, long[] kinks) {
        long xb = xOff * 4, gb = dyOff * 4, ob = dxOff * 4;
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f), s = FloatVector.broadcast(F, atZero);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE);
            FloatVector g = FloatVector.fromMemorySegment(F, dy, gb + i * 4L, NATIVE);
            VectorMask<Float> eq = v.eq(zero);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * 4L, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m);
            FloatVector g = FloatVector.fromMemorySegment(F, dy, gb + i * 4L, NATIVE, m);
            VectorMask<Float> eq = v.eq(zero).and(m);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * 4L, NATIVE, m);
        }
        count(kinks, hits, live);
    }

    @Override
    public void leakyReluF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, float slope) {
        long xb = xOff * 4, ob = outOff * 4;
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, zero)).intoMemorySegment(out, ob + i * 4L, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, zero)).intoMemorySegment(out, ob + i * 4L, NATIVE, m);
        }
    }

    @Override
    public void leakyReluBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, float slope, float atZero, long[] kinks) {
        long xb = xOff * 4, gb = dyOff * 4, ob = dxOff * 4;
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f), s = FloatVector.broadcast(F, atZero);
        FloatVector neg = FloatVector.broadcast(F, slope);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE);
            FloatVector g = FloatVector.fromMemorySegment(F, dy, gb + i * 4L, NATIVE);
            VectorMask<Float> eq = v.eq(zero);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(neg.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * 4L, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m);
            FloatVector g = FloatVector.fromMemorySegment(F, dy, gb + i * 4L, NATIVE, m);
            VectorMask<Float> eq = v.eq(zero).and(m);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(neg.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * 4L, NATIVE, m);
        }
        count(kinks, hits, live);
    }

    @Override
    public void clampF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, float lo, float hi) {
        long xb = xOff * 4, ob = outOff * 4;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE).max(lo).min(hi).intoMemorySegment(out, ob + i * 4L, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m).max(lo).min(hi)
                    .intoMemorySegment(out, ob + i * 4L, NATIVE, m);
        }
    }

    @Override
    public void clampBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, float lo, float hi, float atLow, float atHigh, long[] kinks) {
        long xb = xOff * 4, gb = dyOff * 4, ob = dxOff * 4;
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        FloatVector low = FloatVector.broadcast(F, lo), high = FloatVector.broadcast(F, hi);
        FloatVector sLow = FloatVector.broadcast(F, atLow), sHigh = FloatVector.broadcast(F, atHigh);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE);
            FloatVector g = FloatVector.fromMemorySegment(F, dy, gb + i * 4L, NATIVE);
            VectorMask<Float> eqLo = v.eq(low), eqHi = v.eq(high);
            VectorMask<Float> kink = eqLo.or(eqHi);
            VectorMask<Float> inside = v.compare(VectorOperators.GT, low).and(v.compare(VectorOperators.LT, high));
            hits += kink.trueCount();
            live += kink.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, inside).blend(sHigh, eqHi).blend(sLow, eqLo))
                    .intoMemorySegment(dx, ob + i * 4L, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m);
            FloatVector g = FloatVector.fromMemorySegment(F, dy, gb + i * 4L, NATIVE, m);
            VectorMask<Float> eqLo = v.eq(low).and(m), eqHi = v.eq(high).and(m);
            VectorMask<Float> kink = eqLo.or(eqHi);
            VectorMask<Float> inside = v.compare(VectorOperators.GT, low).and(v.compare(VectorOperators.LT, high));
            hits += kink.trueCount();
            live += kink.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, inside).blend(sHigh, eqHi).blend(sLow, eqLo))
                    .intoMemorySegment(dx, ob + i * 4L, NATIVE, m);
        }
        count(kinks, hits, live);
    }

    @Override
    public void absF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * 4, ob = outOff * 4;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE).abs().intoMemorySegment(out, ob + i * 4L, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m).abs().intoMemorySegment(out, ob + i * 4L, NATIVE, m);
        }
    }

    @Override
    public void absBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, float atZero, long[] kinks) {
        long xb = xOff * 4, gb = dyOff * 4, ob = dxOff * 4;
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f), minusOne = FloatVector.broadcast(F, -1f);
        FloatVector s = FloatVector.broadcast(F, atZero);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE);
            FloatVector g = FloatVector.fromMemorySegment(F, dy, gb + i * 4L, NATIVE);
            VectorMask<Float> eq = v.eq(zero);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            FloatVector d = zero.blend(one, v.compare(VectorOperators.GT, zero))
                    .blend(minusOne, v.compare(VectorOperators.LT, zero)).blend(s, eq);
            g.mul(d).intoMemorySegment(dx, ob + i * 4L, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromMemorySegment(F, x, xb + i * 4L, NATIVE, m);
            FloatVector g = FloatVector.fromMemorySegment(F, dy, gb + i * 4L, NATIVE, m);
            VectorMask<Float> eq = v.eq(zero).and(m);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            FloatVector d = zero.blend(one, v.compare(VectorOperators.GT, zero))
                    .blend(minusOne, v.compare(VectorOperators.LT, zero)).blend(s, eq);
            g.mul(d).intoMemorySegment(dx, ob + i * 4L, NATIVE, m);
        }
        count(kinks, hits, live);
    }

    @Override
    public void reluF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * 8, ob = outOff * 8;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE).max(0d).intoMemorySegment(out, ob + i * 8L, NATIVE);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m).max(0d).intoMemorySegment(out, ob + i * 8L, NATIVE, m);
        }
    }

    @Override
    public void reluBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, double atZero, long[] kinks) {
        long xb = xOff * 8, gb = dyOff * 8, ob = dxOff * 8;
        DoubleVector zero = DoubleVector.zero(D), one = DoubleVector.broadcast(D, 1d), s = DoubleVector.broadcast(D, atZero);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE);
            DoubleVector g = DoubleVector.fromMemorySegment(D, dy, gb + i * 8L, NATIVE);
            VectorMask<Double> eq = v.eq(zero);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * 8L, NATIVE);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m);
            DoubleVector g = DoubleVector.fromMemorySegment(D, dy, gb + i * 8L, NATIVE, m);
            VectorMask<Double> eq = v.eq(zero).and(m);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * 8L, NATIVE, m);
        }
        count(kinks, hits, live);
    }

    @Override
    public void leakyReluF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, double slope) {
        long xb = xOff * 8, ob = outOff * 8;
        DoubleVector zero = DoubleVector.zero(D);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, zero)).intoMemorySegment(out, ob + i * 8L, NATIVE);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, zero)).intoMemorySegment(out, ob + i * 8L, NATIVE, m);
        }
    }

    @Override
    public void leakyReluBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, double slope, double atZero, long[] kinks) {
        long xb = xOff * 8, gb = dyOff * 8, ob = dxOff * 8;
        DoubleVector zero = DoubleVector.zero(D), one = DoubleVector.broadcast(D, 1d), s = DoubleVector.broadcast(D, atZero);
        DoubleVector neg = DoubleVector.broadcast(D, slope);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE);
            DoubleVector g = DoubleVector.fromMemorySegment(D, dy, gb + i * 8L, NATIVE);
            VectorMask<Double> eq = v.eq(zero);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(neg.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * 8L, NATIVE);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m);
            DoubleVector g = DoubleVector.fromMemorySegment(D, dy, gb + i * 8L, NATIVE, m);
            VectorMask<Double> eq = v.eq(zero).and(m);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(neg.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * 8L, NATIVE, m);
        }
        count(kinks, hits, live);
    }

    @Override
    public void clampF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, double lo, double hi) {
        long xb = xOff * 8, ob = outOff * 8;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE).max(lo).min(hi).intoMemorySegment(out, ob + i * 8L, NATIVE);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m).max(lo).min(hi)
                    .intoMemorySegment(out, ob + i * 8L, NATIVE, m);
        }
    }

    @Override
    public void clampBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, double lo, double hi, double atLow, double atHigh, long[] kinks) {
        long xb = xOff * 8, gb = dyOff * 8, ob = dxOff * 8;
        DoubleVector zero = DoubleVector.zero(D), one = DoubleVector.broadcast(D, 1d);
        DoubleVector low = DoubleVector.broadcast(D, lo), high = DoubleVector.broadcast(D, hi);
        DoubleVector sLow = DoubleVector.broadcast(D, atLow), sHigh = DoubleVector.broadcast(D, atHigh);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE);
            DoubleVector g = DoubleVector.fromMemorySegment(D, dy, gb + i * 8L, NATIVE);
            VectorMask<Double> eqLo = v.eq(low), eqHi = v.eq(high);
            VectorMask<Double> kink = eqLo.or(eqHi);
            VectorMask<Double> inside = v.compare(VectorOperators.GT, low).and(v.compare(VectorOperators.LT, high));
            hits += kink.trueCount();
            live += kink.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, inside).blend(sHigh, eqHi).blend(sLow, eqLo))
                    .intoMemorySegment(dx, ob + i * 8L, NATIVE);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m);
            DoubleVector g = DoubleVector.fromMemorySegment(D, dy, gb + i * 8L, NATIVE, m);
            VectorMask<Double> eqLo = v.eq(low).and(m), eqHi = v.eq(high).and(m);
            VectorMask<Double> kink = eqLo.or(eqHi);
            VectorMask<Double> inside = v.compare(VectorOperators.GT, low).and(v.compare(VectorOperators.LT, high));
            hits += kink.trueCount();
            live += kink.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, inside).blend(sHigh, eqHi).blend(sLow, eqLo))
                    .intoMemorySegment(dx, ob + i * 8L, NATIVE, m);
        }
        count(kinks, hits, live);
    }

    @Override
    public void absF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * 8, ob = outOff * 8;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE).abs().intoMemorySegment(out, ob + i * 8L, NATIVE);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m).abs().intoMemorySegment(out, ob + i * 8L, NATIVE, m);
        }
    }

    @Override
    public void absBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, double atZero, long[] kinks) {
        long xb = xOff * 8, gb = dyOff * 8, ob = dxOff * 8;
        DoubleVector zero = DoubleVector.zero(D), one = DoubleVector.broadcast(D, 1d), minusOne = DoubleVector.broadcast(D, -1d);
        DoubleVector s = DoubleVector.broadcast(D, atZero);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE);
            DoubleVector g = DoubleVector.fromMemorySegment(D, dy, gb + i * 8L, NATIVE);
            VectorMask<Double> eq = v.eq(zero);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            DoubleVector d = zero.blend(one, v.compare(VectorOperators.GT, zero))
                    .blend(minusOne, v.compare(VectorOperators.LT, zero)).blend(s, eq);
            g.mul(d).intoMemorySegment(dx, ob + i * 8L, NATIVE);
        }
        if (i < n) {
            VectorMask<Double> m = D.indexInRange(i, n);
            DoubleVector v = DoubleVector.fromMemorySegment(D, x, xb + i * 8L, NATIVE, m);
            DoubleVector g = DoubleVector.fromMemorySegment(D, dy, gb + i * 8L, NATIVE, m);
            VectorMask<Double> eq = v.eq(zero).and(m);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            DoubleVector d = zero.blend(one, v.compare(VectorOperators.GT, zero))
                    .blend(minusOne, v.compare(VectorOperators.LT, zero)).blend(s, eq);
            g.mul(d).intoMemorySegment(dx, ob + i * 8L, NATIVE, m);
        }
        count(kinks, hits, live);
    }

    private static void count(long[] kinks, long hits, long live) {
        if (kinks != null) {
            kinks[KINK_HITS] += hits;
            kinks[KINK_HITS_NONZERO_GRAD] += live;
        }
    }
}
