package dev.inertia.kernels.simd;

import dev.inertia.kernels.ActivationKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.PoolingKernels;
import dev.inertia.kernels.Window2d;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API max pooling for the 2×2 window with stride 2 and no padding (the models' pooling);
 * every other geometry, and the max reductions, run the scalar twin.
 *
 * <p>One output row at a time: two input rows are loaded as pairs of vectors, the four corners
 * of each window are separated with two-vector selects (even and odd lanes), and the backward
 * pass interleaves the four corner gradients back. Results are bitwise those of the scalar
 * twin: the same operations in the same order per window. A plane whose maximum is NaN
 * somewhere is recomputed by the scalar twin (its tie rule for NaN differs from a lane test).
 */
public final class PanamaPooling implements PoolingKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final VectorSpecies<Double> D = Widths.D;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int LF = F.length();
    private static final int LD = D.length();
    // Lane indices for two-vector selects over (u, v): even lanes, odd lanes, interleaving.
    private static final FloatVector EVEN_F = FloatVector.fromArray(F, indices(LF, 0), 0);
    private static final FloatVector ODD_F = FloatVector.fromArray(F, indices(LF, 1), 0);
    private static final FloatVector LOW_F = FloatVector.fromArray(F, interleave(LF, 0), 0);
    private static final FloatVector HIGH_F = FloatVector.fromArray(F, interleave(LF, LF / 2), 0);
    private static final DoubleVector EVEN_D = DoubleVector.fromArray(D, toDouble(indices(LD, 0)), 0);
    private static final DoubleVector ODD_D = DoubleVector.fromArray(D, toDouble(indices(LD, 1)), 0);
    private static final DoubleVector LOW_D = DoubleVector.fromArray(D, toDouble(interleave(LD, 0)), 0);
    private static final DoubleVector HIGH_D = DoubleVector.fromArray(D, toDouble(interleave(LD, LD / 2)), 0);

    public PanamaPooling() {}

    /** 2i + start: lanes of the concatenation (u, v) holding every other element. */
    private static float[] indices(int lanes, int start) {
        float[] idx = new float[lanes];
        for (int i = 0; i < lanes; i++) {
            idx[i] = 2 * i + start;
        }
        return idx;
    }

    /** u[from], v[from], u[from + 1], v[from + 1], ... as lanes of (u, v). */
    private static float[] interleave(int lanes, int from) {
        float[] idx = new float[lanes];
        for (int i = 0; i < lanes; i++) {
            idx[i] = (i % 2 == 0 ? 0 : lanes) + from + i / 2;
        }
        return idx;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static boolean pairWindow(Window2d g) {
        return g.kh() == 2 && g.kw() == 2 && g.sh() == 2 && g.sw() == 2 && g.ph() == 0 && g.pw() == 0;
    }

    private static PoolingKernels scalar() {
        return Kernels.scalarPooling();
    }

    @Override
    public void maxPool2dF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int planes, Window2d g) {
        if (!pairWindow(g)) {
            scalar().maxPool2dF32(x, xOff, out, outOff, planes, g);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                long row0 = xOff + (long) p * h * w + 2L * oy * w, row1 = row0 + w;
                long o = outOff + ((long) p * oh + oy) * ow;
                for (int j = 0; j < ow; j += LF) {
                    int c = 2 * j;
                    VectorMask<Float> m0 = F.indexInRange(c, 2 * ow), m1 = F.indexInRange(c + LF, 2 * ow);
                    FloatVector a0 = FloatVector.fromMemorySegment(F, x, (row0 + c) * 4L, NATIVE, m0);
                    FloatVector a1 = FloatVector.fromMemorySegment(F, x, (row0 + c + LF) * 4L, NATIVE, m1);
                    FloatVector b0 = FloatVector.fromMemorySegment(F, x, (row1 + c) * 4L, NATIVE, m0);
                    FloatVector b1 = FloatVector.fromMemorySegment(F, x, (row1 + c + LF) * 4L, NATIVE, m1);
                    FloatVector mx = EVEN_F.selectFrom(a0, a1).max(ODD_F.selectFrom(a0, a1))
                            .max(EVEN_F.selectFrom(b0, b1)).max(ODD_F.selectFrom(b0, b1));
                    mx.intoMemorySegment(out, (o + j) * 4L, NATIVE, F.indexInRange(j, ow));
                }
            }
        }
    }

    @Override
    public void maxPool2dF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int planes, Window2d g) {
        if (!pairWindow(g)) {
            scalar().maxPool2dF64(x, xOff, out, outOff, planes, g);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                long row0 = xOff + (long) p * h * w + 2L * oy * w, row1 = row0 + w;
                long o = outOff + ((long) p * oh + oy) * ow;
                for (int j = 0; j < ow; j += LD) {
                    int c = 2 * j;
                    VectorMask<Double> m0 = D.indexInRange(c, 2 * ow), m1 = D.indexInRange(c + LD, 2 * ow);
                    DoubleVector a0 = DoubleVector.fromMemorySegment(D, x, (row0 + c) * 8L, NATIVE, m0);
                    DoubleVector a1 = DoubleVector.fromMemorySegment(D, x, (row0 + c + LD) * 8L, NATIVE, m1);
                    DoubleVector b0 = DoubleVector.fromMemorySegment(D, x, (row1 + c) * 8L, NATIVE, m0);
                    DoubleVector b1 = DoubleVector.fromMemorySegment(D, x, (row1 + c + LD) * 8L, NATIVE, m1);
                    DoubleVector mx = EVEN_D.selectFrom(a0, a1).max(ODD_D.selectFrom(a0, a1))
                            .max(EVEN_D.selectFrom(b0, b1)).max(ODD_D.selectFrom(b0, b1));
                    mx.intoMemorySegment(out, (o + j) * 8L, NATIVE, D.indexInRange(j, ow));
                }
            }
        }
    }

    @Override
    public void maxPool2dBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int planes, Window2d g, float beta, long[] kinks) {
        if (!pairWindow(g)) {
            scalar().maxPool2dBackwardF32(x, xOff, dy, dyOff, dx, dxOff, planes, g, beta, kinks);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        dx.asSlice(dxOff * 4L, (long) planes * h * w * 4L).fill((byte) 0);
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        float keep = 1f - beta;
        long hits = 0, live = 0;
        for (int p = 0; p < planes; p++) {
            long planeHits = 0, planeLive = 0;
            boolean nan = false;
            for (int oy = 0; oy < oh && !nan; oy++) {
                long row0 = (long) p * h * w + 2L * oy * w, row1 = row0 + w;
                long o = dyOff + ((long) p * oh + oy) * ow;
                for (int j = 0; j < ow; j += LF) {
                    int c = 2 * j;
                    VectorMask<Float> m0 = F.indexInRange(c, 2 * ow), m1 = F.indexInRange(c + LF, 2 * ow);
                    VectorMask<Float> mo = F.indexInRange(j, ow);
                    FloatVector a0 = FloatVector.fromMemorySegment(F, x, (xOff + row0 + c) * 4L, NATIVE, m0);
                    FloatVector a1 = FloatVector.fromMemorySegment(F, x, (xOff + row0 + c + LF) * 4L, NATIVE, m1);
                    FloatVector b0 = FloatVector.fromMemorySegment(F, x, (xOff + row1 + c) * 4L, NATIVE, m0);
                    FloatVector b1 = FloatVector.fromMemorySegment(F, x, (xOff + row1 + c + LF) * 4L, NATIVE, m1);
                    FloatVector tl = EVEN_F.selectFrom(a0, a1), tr = ODD_F.selectFrom(a0, a1);
                    FloatVector bl = EVEN_F.selectFrom(b0, b1), br = ODD_F.selectFrom(b0, b1);
                    FloatVector mx = tl.max(tr).max(bl).max(br);
                    if (mx.test(VectorOperators.IS_NAN).and(mo).anyTrue()) {
                        nan = true;
                        break;
                    }
                    FloatVector gy = FloatVector.fromMemorySegment(F, dy, (o + j) * 4L, NATIVE, mo);
                    VectorMask<Float> e0 = tl.eq(mx), e1 = tr.eq(mx), e2 = bl.eq(mx), e3 = br.eq(mx);
                    FloatVector ties = zero.blend(one, e0).add(zero.blend(one, e1)).add(zero.blend(one, e2))
                            .add(zero.blend(one, e3));
                    VectorMask<Float> single = ties.eq(one);
                    VectorMask<Float> tied = single.not().and(mo);
                    planeHits += tied.trueCount();
                    planeLive += tied.and(gy.compare(VectorOperators.NE, zero)).trueCount();
                    // the first maximum in row-major order gets (1 - beta)·dy, or dy when alone
                    VectorMask<Float> f1 = e1.andNot(e0), f2 = e2.andNot(e0.or(e1)), f3 = e0.or(e1).or(e2).not();
                    FloatVector fv = zero.add(gy.mul(keep)).blend(zero.add(gy), single);
                    FloatVector d0 = zero.blend(fv, e0), d1 = zero.blend(fv, f1);
                    FloatVector d2 = zero.blend(fv, f2), d3 = zero.blend(fv, f3);
                    if (beta != 0) {
                        FloatVector share = gy.mul(beta).div(ties);
                        d0 = d0.blend(d0.add(share), e0.and(tied));
                        d1 = d1.blend(d1.add(share), e1.and(tied));
                        d2 = d2.blend(d2.add(share), e2.and(tied));
                        d3 = d3.blend(d3.add(share), e3.and(tied));
                    }
                    LOW_F.selectFrom(d0, d1).intoMemorySegment(dx, (dxOff + row0 + c) * 4L, NATIVE, m0);
                    HIGH_F.selectFrom(d0, d1).intoMemorySegment(dx, (dxOff + row0 + c + LF) * 4L, NATIVE, m1);
                    LOW_F.selectFrom(d2, d3).intoMemorySegment(dx, (dxOff + row1 + c) * 4L, NATIVE, m0);
                    HIGH_F.selectFrom(d2, d3).intoMemorySegment(dx, (dxOff + row1 + c + LF) * 4L, NATIVE, m1);
                }
            }
            if (nan) {
                long plane = (long) p * h * w;
                scalar().maxPool2dBackwardF32(x, xOff + plane, dy, dyOff + (long) p * oh * ow, dx, dxOff + plane, 1, g,
                        beta, kinks);
            } else {
                hits += planeHits;
                live += planeLive;
            }
        }
        count(kinks, hits, live);
    }

    @Override
    public void maxPool2dBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int planes, Window2d g, double beta, long[] kinks) {
        if (!pairWindow(g)) {
            scalar().maxPool2dBackwardF64(x, xOff, dy, dyOff, dx, dxOff, planes, g, beta, kinks);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        dx.asSlice(dxOff * 8L, (long) planes * h * w * 8L).fill((byte) 0);
        DoubleVector zero = DoubleVector.zero(D), one = DoubleVector.broadcast(D, 1d);
        double keep = 1d - beta;
        long hits = 0, live = 0;
        for (int p = 0; p < planes; p++) {
            long planeHits = 0, planeLive = 0;
            boolean nan = false;
            for (int oy = 0; oy < oh && !nan; oy++) {
                long row0 = (long) p * h * w + 2L * oy * w, row1 = row0 + w;
                long o = dyOff + ((long) p * oh + oy) * ow;
                for (int j = 0; j < ow; j += LD) {
                    int c = 2 * j;
                    VectorMask<Double> m0 = D.indexInRange(c, 2 * ow), m1 = D.indexInRange(c + LD, 2 * ow);
                    VectorMask<Double> mo = D.indexInRange(j, ow);
                    DoubleVector a0 = DoubleVector.fromMemorySegment(D, x, (xOff + row0 + c) * 8L, NATIVE, m0);
                    DoubleVector a1 = DoubleVector.fromMemorySegment(D, x, (xOff + row0 + c + LD) * 8L, NATIVE, m1);
                    DoubleVector b0 = DoubleVector.fromMemorySegment(D, x, (xOff + row1 + c) * 8L, NATIVE, m0);
                    DoubleVector b1 = DoubleVector.fromMemorySegment(D, x, (xOff + row1 + c + LD) * 8L, NATIVE, m1);
                    DoubleVector tl = EVEN_D.selectFrom(a0, a1), tr = ODD_D.selectFrom(a0, a1);
                    DoubleVector bl = EVEN_D.selectFrom(b0, b1), br = ODD_D.selectFrom(b0, b1);
                    DoubleVector mx = tl.max(tr).max(bl).max(br);
                    if (mx.test(VectorOperators.IS_NAN).and(mo).anyTrue()) {
                        nan = true;
                        break;
                    }
                    DoubleVector gy = DoubleVector.fromMemorySegment(D, dy, (o + j) * 8L, NATIVE, mo);
                    VectorMask<Double> e0 = tl.eq(mx), e1 = tr.eq(mx), e2 = bl.eq(mx), e3 = br.eq(mx);
                    DoubleVector ties = zero.blend(one, e0).add(zero.blend(one, e1)).add(zero.blend(one, e2))
                            .add(zero.blend(one, e3));
                    VectorMask<Double> single = ties.eq(one);
                    VectorMask<Double> tied = single.not().and(mo);
                    planeHits += tied.trueCount();
                    planeLive += tied.and(gy.compare(VectorOperators.NE, zero)).trueCount();
                    // the first maximum in row-major order gets (1 - beta)·dy, or dy when alone
                    VectorMask<Double> f1 = e1.andNot(e0), f2 = e2.andNot(e0.or(e1)), f3 = e0.or(e1).or(e2).not();
                    DoubleVector fv = zero.add(gy.mul(keep)).blend(zero.add(gy), single);
                    DoubleVector d0 = zero.blend(fv, e0), d1 = zero.blend(fv, f1);
                    DoubleVector d2 = zero.blend(fv, f2), d3 = zero.blend(fv, f3);
                    if (beta != 0) {
                        DoubleVector share = gy.mul(beta).div(ties);
                        d0 = d0.blend(d0.add(share), e0.and(tied));
                        d1 = d1.blend(d1.add(share), e1.and(tied));
                        d2 = d2.blend(d2.add(share), e2.and(tied));
                        d3 = d3.blend(d3.add(share), e3.and(tied));
                    }
                    LOW_D.selectFrom(d0, d1).intoMemorySegment(dx, (dxOff + row0 + c) * 8L, NATIVE, m0);
                    HIGH_D.selectFrom(d0, d1).intoMemorySegment(dx, (dxOff + row0 + c + LD) * 8L, NATIVE, m1);
                    LOW_D.selectFrom(d2, d3).intoMemorySegment(dx, (dxOff + row1 + c) * 8L, NATIVE, m0);
                    HIGH_D.selectFrom(d2, d3).intoMemorySegment(dx, (dxOff + row1 + c + LD) * 8L, NATIVE, m1);
                }
            }
            if (nan) {
                long plane = (long) p * h * w;
                scalar().maxPool2dBackwardF64(x, xOff + plane, dy, dyOff + (long) p * oh * ow, dx, dxOff + plane, 1, g,
                        beta, kinks);
            } else {
                hits += planeHits;
                live += planeLive;
            }
        }
        count(kinks, hits, live);
    }

    @Override
    public void maxPool2dTangentF32(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t,
            long tOff, int planes, Window2d g, float beta, long[] kinks) {
        if (!pairWindow(g)) {
            scalar().maxPool2dTangentF32(x, xOff, tx, txOff, t, tOff, planes, g, beta, kinks);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        float keep = 1f - beta;
        long hits = 0, live = 0;
        for (int p = 0; p < planes; p++) {
            long planeHits = 0, planeLive = 0;
            boolean nan = false;
            for (int oy = 0; oy < oh && !nan; oy++) {
                long row0 = (long) p * h * w + 2L * oy * w, row1 = row0 + w;
                long o = tOff + ((long) p * oh + oy) * ow;
                for (int j = 0; j < ow; j += LF) {
                    int c = 2 * j;
                    VectorMask<Float> m0 = F.indexInRange(c, 2 * ow), m1 = F.indexInRange(c + LF, 2 * ow);
                    VectorMask<Float> mo = F.indexInRange(j, ow);
                    FloatVector a0 = FloatVector.fromMemorySegment(F, x, (xOff + row0 + c) * 4L, NATIVE, m0);
                    FloatVector a1 = FloatVector.fromMemorySegment(F, x, (xOff + row0 + c + LF) * 4L, NATIVE, m1);
                    FloatVector b0 = FloatVector.fromMemorySegment(F, x, (xOff + row1 + c) * 4L, NATIVE, m0);
                    FloatVector b1 = FloatVector.fromMemorySegment(F, x, (xOff + row1 + c + LF) * 4L, NATIVE, m1);
                    FloatVector tl = EVEN_F.selectFrom(a0, a1), tr = ODD_F.selectFrom(a0, a1);
                    FloatVector bl = EVEN_F.selectFrom(b0, b1), br = ODD_F.selectFrom(b0, b1);
                    FloatVector mx = tl.max(tr).max(bl).max(br);
                    if (mx.test(VectorOperators.IS_NAN).and(mo).anyTrue()) {
                        nan = true;
                        break;
                    }
                    FloatVector s0 = FloatVector.fromMemorySegment(F, tx, (txOff + row0 + c) * 4L, NATIVE, m0);
                    FloatVector s1 = FloatVector.fromMemorySegment(F, tx, (txOff + row0 + c + LF) * 4L, NATIVE, m1);
                    FloatVector s2 = FloatVector.fromMemorySegment(F, tx, (txOff + row1 + c) * 4L, NATIVE, m0);
                    FloatVector s3 = FloatVector.fromMemorySegment(F, tx, (txOff + row1 + c + LF) * 4L, NATIVE, m1);
                    FloatVector t0 = EVEN_F.selectFrom(s0, s1), t1 = ODD_F.selectFrom(s0, s1);
                    FloatVector t2 = EVEN_F.selectFrom(s2, s3), t3 = ODD_F.selectFrom(s2, s3);
                    VectorMask<Float> e0 = tl.eq(mx), e1 = tr.eq(mx), e2 = bl.eq(mx), e3 = br.eq(mx);
                    FloatVector ties = zero.blend(one, e0).add(zero.blend(one, e1)).add(zero.blend(one, e2))
                            .add(zero.blend(one, e3));
                    VectorMask<Float> single = ties.eq(one);
                    VectorMask<Float> tied = single.not().and(mo);
                    FloatVector first = t3.blend(t2, e2).blend(t1, e1).blend(t0, e0);
                    FloatVector sum = zero.add(zero.blend(t0, e0)).add(zero.blend(t1, e1)).add(zero.blend(t2, e2))
                            .add(zero.blend(t3, e3));
                    VectorMask<Float> moving = t0.compare(VectorOperators.NE, zero).and(e0)
                            .or(t1.compare(VectorOperators.NE, zero).and(e1))
                            .or(t2.compare(VectorOperators.NE, zero).and(e2))
                            .or(t3.compare(VectorOperators.NE, zero).and(e3));
                    planeHits += tied.trueCount();
                    planeLive += tied.and(moving).trueCount();
                    first.mul(keep).add(sum.mul(beta).div(ties)).blend(first, single)
                            .intoMemorySegment(t, (o + j) * 4L, NATIVE, mo);
                }
            }
            if (nan) {
                long plane = (long) p * h * w;
                scalar().maxPool2dTangentF32(x, xOff + plane, tx, txOff + plane, t, tOff + (long) p * oh * ow, 1, g,
                        beta, kinks);
            } else {
                hits += planeHits;
                live += planeLive;
            }
        }
        count(kinks, hits, live);
    }

    @Override
    public void maxPool2dTangentF64(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t,
            long tOff, int planes, Window2d g, double beta, long[] kinks) {
        if (!pairWindow(g)) {
            scalar().maxPool2dTangentF64(x, xOff, tx, txOff, t, tOff, planes, g, beta, kinks);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        DoubleVector zero = DoubleVector.zero(D), one = DoubleVector.broadcast(D, 1d);
        double keep = 1d - beta;
        long hits = 0, live = 0;
        for (int p = 0; p < planes; p++) {
            long planeHits = 0, planeLive = 0;
            boolean nan = false;
            for (int oy = 0; oy < oh && !nan; oy++) {
                long row0 = (long) p * h * w + 2L * oy * w, row1 = row0 + w;
                long o = tOff + ((long) p * oh + oy) * ow;
                for (int j = 0; j < ow; j += LD) {
                    int c = 2 * j;
                    VectorMask<Double> m0 = D.indexInRange(c, 2 * ow), m1 = D.indexInRange(c + LD, 2 * ow);
                    VectorMask<Double> mo = D.indexInRange(j, ow);
                    DoubleVector a0 = DoubleVector.fromMemorySegment(D, x, (xOff + row0 + c) * 8L, NATIVE, m0);
                    DoubleVector a1 = DoubleVector.fromMemorySegment(D, x, (xOff + row0 + c + LD) * 8L, NATIVE, m1);
                    DoubleVector b0 = DoubleVector.fromMemorySegment(D, x, (xOff + row1 + c) * 8L, NATIVE, m0);
                    DoubleVector b1 = DoubleVector.fromMemorySegment(D, x, (xOff + row1 + c + LD) * 8L, NATIVE, m1);
                    DoubleVector tl = EVEN_D.selectFrom(a0, a1), tr = ODD_D.selectFrom(a0, a1);
                    DoubleVector bl = EVEN_D.selectFrom(b0, b1), br = ODD_D.selectFrom(b0, b1);
                    DoubleVector mx = tl.max(tr).max(bl).max(br);
                    if (mx.test(VectorOperators.IS_NAN).and(mo).anyTrue()) {
                        nan = true;
                        break;
                    }
                    DoubleVector s0 = DoubleVector.fromMemorySegment(D, tx, (txOff + row0 + c) * 8L, NATIVE, m0);
                    DoubleVector s1 = DoubleVector.fromMemorySegment(D, tx, (txOff + row0 + c + LD) * 8L, NATIVE, m1);
                    DoubleVector s2 = DoubleVector.fromMemorySegment(D, tx, (txOff + row1 + c) * 8L, NATIVE, m0);
                    DoubleVector s3 = DoubleVector.fromMemorySegment(D, tx, (txOff + row1 + c + LD) * 8L, NATIVE, m1);
                    DoubleVector t0 = EVEN_D.selectFrom(s0, s1), t1 = ODD_D.selectFrom(s0, s1);
                    DoubleVector t2 = EVEN_D.selectFrom(s2, s3), t3 = ODD_D.selectFrom(s2, s3);
                    VectorMask<Double> e0 = tl.eq(mx), e1 = tr.eq(mx), e2 = bl.eq(mx), e3 = br.eq(mx);
                    DoubleVector ties = zero.blend(one, e0).add(zero.blend(one, e1)).add(zero.blend(one, e2))
                            .add(zero.blend(one, e3));
                    VectorMask<Double> single = ties.eq(one);
                    VectorMask<Double> tied = single.not().and(mo);
                    DoubleVector first = t3.blend(t2, e2).blend(t1, e1).blend(t0, e0);
                    DoubleVector sum = zero.add(zero.blend(t0, e0)).add(zero.blend(t1, e1)).add(zero.blend(t2, e2))
                            .add(zero.blend(t3, e3));
                    VectorMask<Double> moving = t0.compare(VectorOperators.NE, zero).and(e0)
                            .or(t1.compare(VectorOperators.NE, zero).and(e1))
                            .or(t2.compare(VectorOperators.NE, zero).and(e2))
                            .or(t3.compare(VectorOperators.NE, zero).and(e3));
                    planeHits += tied.trueCount();
                    planeLive += tied.and(moving).trueCount();
                    first.mul(keep).add(sum.mul(beta).div(ties)).blend(first, single)
                            .intoMemorySegment(t, (o + j) * 8L, NATIVE, mo);
                }
            }
            if (nan) {
                long plane = (long) p * h * w;
                scalar().maxPool2dTangentF64(x, xOff + plane, tx, txOff + plane, t, tOff + (long) p * oh * ow, 1, g,
                        beta, kinks);
            } else {
                hits += planeHits;
                live += planeLive;
            }
        }
        count(kinks, hits, live);
    }

    @Override
    public void maxReduceF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int outer, int n,
            int inner) {
        scalar().maxReduceF32(x, xOff, out, outOff, outer, n, inner);
    }

    @Override
    public void maxReduceF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int outer, int n,
            int inner) {
        scalar().maxReduceF64(x, xOff, out, outOff, outer, n, inner);
    }

    @Override
    public void maxReduceBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int outer, int n, int inner, float beta, long[] kinks) {
        scalar().maxReduceBackwardF32(x, xOff, dy, dyOff, dx, dxOff, outer, n, inner, beta, kinks);
    }

    @Override
    public void maxReduceBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int outer, int n, int inner, double beta, long[] kinks) {
        scalar().maxReduceBackwardF64(x, xOff, dy, dyOff, dx, dxOff, outer, n, inner, beta, kinks);
    }

    @Override
    public void maxReduceTangentF32(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t,
            long tOff, int outer, int n, int inner, float beta, long[] kinks) {
        scalar().maxReduceTangentF32(x, xOff, tx, txOff, t, tOff, outer, n, inner, beta, kinks);
    }

    @Override
    public void maxReduceTangentF64(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t,
            long tOff, int outer, int n, int inner, double beta, long[] kinks) {
        scalar().maxReduceTangentF64(x, xOff, tx, txOff, t, tOff, outer, n, inner, beta, kinks);
    }

    private static void count(long[] kinks, long hits, long live) {
        if (kinks != null) {
            kinks[ActivationKernels.KINK_HITS] += hits;
            kinks[ActivationKernels.KINK_HITS_NONZERO_GRAD] += live;
        }
    }
}
