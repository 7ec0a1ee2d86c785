# Generates PanamaActivations.java and PanamaReductions.java (F32 and F64 from one template).
import re
def inst(tpl, prec):
    if prec == 32:
        r = dict(V='FloatVector', S='F', T='float', B='4', E='Float', SUF='F32', ONE='1f', ZERO='0f')
    else:
        r = dict(V='DoubleVector', S='D', T='double', B='8', E='Double', SUF='F64', ONE='1d', ZERO='0d')
    for k, v in sorted(r.items(), key=lambda kv: -len(kv[0])):
        tpl = tpl.replace('$' + k, v)
    return tpl

ACT = r'''
    @Override
    public void relu$SUF(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * $B, ob = outOff * $B;
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE).max($ZERO).intoMemorySegment(out, ob + i * $BL, NATIVE);
        }
        if (i < n) {
            VectorMask<$E> m = $S.indexInRange(i, n);
            $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE, m).max($ZERO).intoMemorySegment(out, ob + i * $BL, NATIVE, m);
        }
    }

    @Override
    public void reluBackward$SUF(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, $T atZero, long[] kinks) {
        long xb = xOff * $B, gb = dyOff * $B, ob = dxOff * $B;
        $V zero = $V.zero($S), one = $V.broadcast($S, $ONE), s = $V.broadcast($S, atZero);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            $V v = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE);
            $V g = $V.fromMemorySegment($S, dy, gb + i * $BL, NATIVE);
            VectorMask<$E> eq = v.eq(zero);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * $BL, NATIVE);
        }
        if (i < n) {
            VectorMask<$E> m = $S.indexInRange(i, n);
            $V v = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE, m);
            $V g = $V.fromMemorySegment($S, dy, gb + i * $BL, NATIVE, m);
            VectorMask<$E> eq = v.eq(zero).and(m);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * $BL, NATIVE, m);
        }
        count(kinks, hits, live);
    }

    @Override
    public void leakyRelu$SUF(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, $T slope) {
        long xb = xOff * $B, ob = outOff * $B;
        $V zero = $V.zero($S);
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            $V v = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, zero)).intoMemorySegment(out, ob + i * $BL, NATIVE);
        }
        if (i < n) {
            VectorMask<$E> m = $S.indexInRange(i, n);
            $V v = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE, m);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, zero)).intoMemorySegment(out, ob + i * $BL, NATIVE, m);
        }
    }

    @Override
    public void leakyReluBackward$SUF(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, $T slope, $T atZero, long[] kinks) {
        long xb = xOff * $B, gb = dyOff * $B, ob = dxOff * $B;
        $V zero = $V.zero($S), one = $V.broadcast($S, $ONE), s = $V.broadcast($S, atZero);
        $V neg = $V.broadcast($S, slope);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            $V v = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE);
            $V g = $V.fromMemorySegment($S, dy, gb + i * $BL, NATIVE);
            VectorMask<$E> eq = v.eq(zero);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(neg.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * $BL, NATIVE);
        }
        if (i < n) {
            VectorMask<$E> m = $S.indexInRange(i, n);
            $V v = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE, m);
            $V g = $V.fromMemorySegment($S, dy, gb + i * $BL, NATIVE, m);
            VectorMask<$E> eq = v.eq(zero).and(m);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(neg.blend(one, v.compare(VectorOperators.GT, zero)).blend(s, eq))
                    .intoMemorySegment(dx, ob + i * $BL, NATIVE, m);
        }
        count(kinks, hits, live);
    }

    @Override
    public void clamp$SUF(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, $T lo, $T hi) {
        long xb = xOff * $B, ob = outOff * $B;
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE).max(lo).min(hi).intoMemorySegment(out, ob + i * $BL, NATIVE);
        }
        if (i < n) {
            VectorMask<$E> m = $S.indexInRange(i, n);
            $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE, m).max(lo).min(hi)
                    .intoMemorySegment(out, ob + i * $BL, NATIVE, m);
        }
    }

    @Override
    public void clampBackward$SUF(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, $T lo, $T hi, $T atLow, $T atHigh, long[] kinks) {
        long xb = xOff * $B, gb = dyOff * $B, ob = dxOff * $B;
        $V zero = $V.zero($S), one = $V.broadcast($S, $ONE);
        $V low = $V.broadcast($S, lo), high = $V.broadcast($S, hi);
        $V sLow = $V.broadcast($S, atLow), sHigh = $V.broadcast($S, atHigh);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            $V v = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE);
            $V g = $V.fromMemorySegment($S, dy, gb + i * $BL, NATIVE);
            VectorMask<$E> eqLo = v.eq(low), eqHi = v.eq(high);
            VectorMask<$E> kink = eqLo.or(eqHi);
            VectorMask<$E> inside = v.compare(VectorOperators.GT, low).and(v.compare(VectorOperators.LT, high));
            hits += kink.trueCount();
            live += kink.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, inside).blend(sHigh, eqHi).blend(sLow, eqLo))
                    .intoMemorySegment(dx, ob + i * $BL, NATIVE);
        }
        if (i < n) {
            VectorMask<$E> m = $S.indexInRange(i, n);
            $V v = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE, m);
            $V g = $V.fromMemorySegment($S, dy, gb + i * $BL, NATIVE, m);
            VectorMask<$E> eqLo = v.eq(low).and(m), eqHi = v.eq(high).and(m);
            VectorMask<$E> kink = eqLo.or(eqHi);
            VectorMask<$E> inside = v.compare(VectorOperators.GT, low).and(v.compare(VectorOperators.LT, high));
            hits += kink.trueCount();
            live += kink.and(g.compare(VectorOperators.NE, zero)).trueCount();
            g.mul(zero.blend(one, inside).blend(sHigh, eqHi).blend(sLow, eqLo))
                    .intoMemorySegment(dx, ob + i * $BL, NATIVE, m);
        }
        count(kinks, hits, live);
    }

    @Override
    public void abs$SUF(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        long xb = xOff * $B, ob = outOff * $B;
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE).abs().intoMemorySegment(out, ob + i * $BL, NATIVE);
        }
        if (i < n) {
            VectorMask<$E> m = $S.indexInRange(i, n);
            $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE, m).abs().intoMemorySegment(out, ob + i * $BL, NATIVE, m);
        }
    }

    @Override
    public void absBackward$SUF(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, $T atZero, long[] kinks) {
        long xb = xOff * $B, gb = dyOff * $B, ob = dxOff * $B;
        $V zero = $V.zero($S), one = $V.broadcast($S, $ONE), minusOne = $V.broadcast($S, -$ONE);
        $V s = $V.broadcast($S, atZero);
        long hits = 0, live = 0;
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            $V v = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE);
            $V g = $V.fromMemorySegment($S, dy, gb + i * $BL, NATIVE);
            VectorMask<$E> eq = v.eq(zero);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            $V d = zero.blend(one, v.compare(VectorOperators.GT, zero))
                    .blend(minusOne, v.compare(VectorOperators.LT, zero)).blend(s, eq);
            g.mul(d).intoMemorySegment(dx, ob + i * $BL, NATIVE);
        }
        if (i < n) {
            VectorMask<$E> m = $S.indexInRange(i, n);
            $V v = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE, m);
            $V g = $V.fromMemorySegment($S, dy, gb + i * $BL, NATIVE, m);
            VectorMask<$E> eq = v.eq(zero).and(m);
            hits += eq.trueCount();
            live += eq.and(g.compare(VectorOperators.NE, zero)).trueCount();
            $V d = zero.blend(one, v.compare(VectorOperators.GT, zero))
                    .blend(minusOne, v.compare(VectorOperators.LT, zero)).blend(s, eq);
            g.mul(d).intoMemorySegment(dx, ob + i * $BL, NATIVE, m);
        }
        count(kinks, hits, live);
    }
'''

RED = r'''
    @Override
    public $T sum$SUF(MemorySegment x, long xOff, int n) {
        long xb = xOff * $B;
        $V acc = $V.zero($S);
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            acc = acc.add($V.fromMemorySegment($S, x, xb + i * $BL, NATIVE));
        }
        if (i < n) {
            acc = acc.add($V.fromMemorySegment($S, x, xb + i * $BL, NATIVE, $S.indexInRange(i, n)));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public $T dot$SUF(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        long xb = xOff * $B, yb = yOff * $B;
        $V acc = $V.zero($S);
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            acc = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE)
                    .fma($V.fromMemorySegment($S, y, yb + i * $BL, NATIVE), acc);
        }
        if (i < n) {
            VectorMask<$E> m = $S.indexInRange(i, n);
            acc = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE, m)
                    .fma($V.fromMemorySegment($S, y, yb + i * $BL, NATIVE, m), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public $T max$SUF(MemorySegment x, long xOff, int n) {
        long xb = xOff * $B;
        $V lowest = $V.broadcast($S, $E.NEGATIVE_INFINITY);
        $V acc = lowest;
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            acc = acc.max($V.fromMemorySegment($S, x, xb + i * $BL, NATIVE));
        }
        if (i < n) {
            VectorMask<$E> m = $S.indexInRange(i, n);
            acc = acc.max(lowest.blend($V.fromMemorySegment($S, x, xb + i * $BL, NATIVE, m), m));
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    @Override
    public int argmax$SUF(MemorySegment x, long xOff, int n) {
        if (n == 0) {
            return -1;
        }
        $T best = max$SUF(x, xOff, n);
        long xb = xOff * $B;
        boolean nan = $E.isNaN(best);
        int i = 0;
        for (int bound = $S.loopBound(n); i < bound; i += $S.length()) {
            $V v = $V.fromMemorySegment($S, x, xb + i * $BL, NATIVE);
            VectorMask<$E> hit = nan ? v.test(VectorOperators.IS_NAN) : v.eq(best);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < n; i++) {
            $T v = x.getAtIndex(LAYOUT_$S, xOff + i);
            if (nan ? $E.isNaN(v) : v == best) {
                return i;
            }
        }
        throw new AssertionError("the maximum was not found again");
    }
'''

HEAD_ACT = '''package dev.inertia.kernels.simd;

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
'''
TAIL_ACT = '''
    private static void count(long[] kinks, long hits, long live) {
        if (kinks != null) {
            kinks[KINK_HITS] += hits;
            kinks[KINK_HITS_NONZERO_GRAD] += live;
        }
    }
}
'''
HEAD_RED = '''package dev.inertia.kernels.simd;

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
'''
import sys
out = sys.argv[1]
open(out + '/PanamaActivations.java', 'w').write(HEAD_ACT + inst(ACT, 32) + inst(ACT, 64) + TAIL_ACT)
open(out + '/PanamaReductions.java', 'w').write(HEAD_RED + inst(RED, 32) + inst(RED, 64) + '}\n')
