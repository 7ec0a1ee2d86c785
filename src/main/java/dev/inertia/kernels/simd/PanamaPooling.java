package dev.inertia.kernels.simd;

import dev.inertia.kernels.ActivationKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.PoolingKernels;
import dev.inertia.kernels.Window2d;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 *
 * <p>Shaped for the JIT: each row is a method of its own, and a row's partial last vector is a
 * second one, with whole-vector loads and stores (no masked memory access: C1 bails out of
 * methods with several, "out of virtual registers", which left them at tier 2 boxing every
 * vector). The lanes of that last vector past the row read the following input and store into
 * output the next rows overwrite; trailing planes whose last vector would leave the segment (or
 * store past the call's output) run the scalar twin instead.
 */
public final class PanamaPooling implements PoolingKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final VectorSpecies<Double> D = Widths.D;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int LF = F.length();
    private static final int LD = D.length();
    private static final long LOW_HALF = 0xFFFF_FFFFL;
    // Lane indices for two-vector selects over (u, v): even lanes, odd lanes, interleaving.
    private static final FloatVector EVEN_F = FloatVector.fromArray(F, indices(LF, 0), 0);
    private static final FloatVector ODD_F = FloatVector.fromArray(F, indices(LF, 1), 0);
    private static final FloatVector LOW_F = FloatVector.fromArray(F, interleave(LF, 0), 0);
    private static final FloatVector HIGH_F = FloatVector.fromArray(F, interleave(LF, LF / 2), 0);
    // Lane numbers, to tell a tail's lanes inside the row from those past it.
    private static final FloatVector LANE_F = FloatVector.fromArray(F, indices(LF, 0), 0).div(2);
    private static final DoubleVector LANE_D = DoubleVector.fromArray(D, toDouble(indices(LD, 0)), 0).div(2);
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
        int vp = planes;
        if (ow % LF != 0) { // the last row's tail reads and writes a whole vector
            long tail = 2L * (ow - ow % LF) + 2L * LF, lastRow = (2L * oh - 1) * w, outTail = ow - ow % LF + LF;
            vp = vectorPlanes(xOff + lastRow + tail, (long) h * w, x.byteSize() / 4, planes);
            vp = Math.min(vp, vectorPlanes(outOff + (oh - 1L) * ow + outTail, (long) oh * ow,
                    outOff + (long) planes * oh * ow, planes));
        }
        for (int p = 0; p < vp; p++) {
            for (int oy = 0; oy < oh; oy++) {
                long row0 = xOff + (long) p * h * w + 2L * oy * w;
                forwardRowF32(x, row0, row0 + w, out, outOff + ((long) p * oh + oy) * ow, ow);
            }
        }
        if (vp < planes) {
            scalar().maxPool2dF32(x, xOff + (long) vp * h * w, out, outOff + (long) vp * oh * ow, planes - vp, g);
        }
    }

    /** One output row from input rows {@code row0}, {@code row1}: whole vectors, then the rest. */
    private static void forwardRowF32(MemorySegment x, long row0, long row1, MemorySegment out, long o, int ow) {
        int j = 0;
        for (; j <= ow - LF; j += LF) {
            long c = 2L * j;
            FloatVector a0 = FloatVector.fromMemorySegment(F, x, (row0 + c) * 4L, NATIVE);
            FloatVector a1 = FloatVector.fromMemorySegment(F, x, (row0 + c + LF) * 4L, NATIVE);
            FloatVector b0 = FloatVector.fromMemorySegment(F, x, (row1 + c) * 4L, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(F, x, (row1 + c + LF) * 4L, NATIVE);
            FloatVector mx = EVEN_F.selectFrom(a0, a1).max(ODD_F.selectFrom(a0, a1))
                    .max(EVEN_F.selectFrom(b0, b1)).max(ODD_F.selectFrom(b0, b1));
            mx.intoMemorySegment(out, (o + j) * 4L, NATIVE);
        }
        if (j < ow) { // a method of its own keeps this one small enough for C1, the way to C2
            forwardTailF32(x, row0, row1, out, o, j);
        }
    }

    /**
     * {@link #forwardRowF32} from output column {@code j} on, with whole vectors: the lanes past
     * the row land in the next row, which is written later (the caller keeps them in bounds).
     */
    private static void forwardTailF32(MemorySegment x, long row0, long row1, MemorySegment out, long o, int j) {
        long c = 2L * j;
        FloatVector a0 = FloatVector.fromMemorySegment(F, x, (row0 + c) * 4L, NATIVE);
        FloatVector a1 = FloatVector.fromMemorySegment(F, x, (row0 + c + LF) * 4L, NATIVE);
        FloatVector b0 = FloatVector.fromMemorySegment(F, x, (row1 + c) * 4L, NATIVE);
        FloatVector b1 = FloatVector.fromMemorySegment(F, x, (row1 + c + LF) * 4L, NATIVE);
        FloatVector mx = EVEN_F.selectFrom(a0, a1).max(ODD_F.selectFrom(a0, a1))
                .max(EVEN_F.selectFrom(b0, b1)).max(ODD_F.selectFrom(b0, b1));
        mx.intoMemorySegment(out, (o + j) * 4L, NATIVE);
    }

    @Override
    public void maxPool2dBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int planes, Window2d g, float beta, long[] kinks) {
        if (!pairWindow(g)) {
            scalar().maxPool2dBackwardF32(x, xOff, dy, dyOff, dx, dxOff, planes, g, beta, kinks);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        int vp = planes;
        if (ow % LF != 0) { // the last row's tail reads and writes whole vectors
            long tail = (2L * oh - 1) * w + 2L * (ow - ow % LF) + 2L * LF;
            vp = vectorPlanes(xOff + tail, (long) h * w, x.byteSize() / 4, planes);
            vp = Math.min(vp, vectorPlanes(dxOff + tail, (long) h * w, dxOff + (long) planes * h * w, planes));
            vp = Math.min(vp, vectorPlanes(dyOff + (oh - 1L) * ow + ow - ow % LF + LF, (long) oh * ow,
                    dy.byteSize() / 4, planes));
        }
        long hits = 0, live = 0;
        for (int p = 0; p < vp; p++) {
            long plane = (long) p * h * w, planeHits = 0, planeLive = 0;
            boolean nan = false;
            int oy = 0;
            if (2 * ow <= LF) { // narrow rows: two output rows per vector
                for (; oy + 1 < oh && !nan; oy += 2) {
                    long row0 = plane + 2L * oy * w, o = dyOff + ((long) p * oh + oy) * ow;
                    long counts = backwardRowPairF32(x, xOff + row0, w, dy, o, dx, dxOff + row0, ow, beta);
                    nan = counts < 0;
                    planeHits += counts >>> 32;
                    planeLive += counts & LOW_HALF;
                }
            }
            for (; oy < oh && !nan; oy++) {
                long row0 = plane + 2L * oy * w, o = dyOff + ((long) p * oh + oy) * ow;
                long counts = backwardRowF32(x, xOff + row0, xOff + row0 + w, dy, o, dx, dxOff + row0,
                        dxOff + row0 + w, ow, beta);
                nan = counts < 0;
                planeHits += counts >>> 32;
                planeLive += counts & LOW_HALF;
            }
            if (nan) { // also rewrites what the previous plane's tails spilled here
                scalar().maxPool2dBackwardF32(x, xOff + plane, dy, dyOff + (long) p * oh * ow, dx, dxOff + plane, 1, g,
                        beta, kinks);
            } else {
                hits += planeHits;
                live += planeLive;
                uncoveredZeroF32(dx, dxOff + plane, h, w, oh, ow);
            }
        }
        count(kinks, hits, live);
        if (vp < planes) {
            long plane = (long) vp * h * w;
            scalar().maxPool2dBackwardF32(x, xOff + plane, dy, dyOff + (long) vp * oh * ow, dx, dxOff + plane,
                    planes - vp, g, beta, kinks);
        }
    }

    /**
     * Zeroes the elements of a plane of dx that no window covers (the rows write all the others;
     * row tails may have spilled onto these).
     */
    private static void uncoveredZeroF32(MemorySegment dx, long plane, int h, int w, int oh, int ow) {
        if (w > 2 * ow) {
            for (int y = 0; y < 2 * oh; y++) {
                dx.setAtIndex(ValueLayout.JAVA_FLOAT, plane + (long) y * w + w - 1, 0f);
            }
        }
        for (long i = plane + 2L * oh * w, end = plane + (long) h * w; i < end; i++) {
            dx.setAtIndex(ValueLayout.JAVA_FLOAT, i, 0f);
        }
    }

    /**
     * One output row of the backward pass from input rows {@code x0}, {@code x1} into dx rows
     * {@code d0}, {@code d1}; returns {@link #counts} of the row, or -1 when a window's maximum is NaN.
     */
    private static long backwardRowF32(MemorySegment x, long x0, long x1, MemorySegment dy, long o,
            MemorySegment dx, long d0, long d1, int ow, float beta) {
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        float keep = 1f - beta;
        long hits = 0, live = 0;
        int full = ow - ow % LF;
        if (full < ow) { // first: its lanes past the row spill into dx where the loop below writes next
            long rest = backwardTailF32(x, x0, x1, dy, o, dx, d0, d1, full, ow, beta);
            if (rest < 0) {
                return -1;
            }
            hits = rest >>> 32;
            live = rest & LOW_HALF;
        }
        for (int j = 0; j < full; j += LF) {
            long c = 2L * j;
            FloatVector a0 = FloatVector.fromMemorySegment(F, x, (x0 + c) * 4L, NATIVE);
            FloatVector a1 = FloatVector.fromMemorySegment(F, x, (x0 + c + LF) * 4L, NATIVE);
            FloatVector b0 = FloatVector.fromMemorySegment(F, x, (x1 + c) * 4L, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(F, x, (x1 + c + LF) * 4L, NATIVE);
            FloatVector tl = EVEN_F.selectFrom(a0, a1), tr = ODD_F.selectFrom(a0, a1);
            FloatVector bl = EVEN_F.selectFrom(b0, b1), br = ODD_F.selectFrom(b0, b1);
            FloatVector mx = tl.max(tr).max(bl).max(br);
            if (mx.compare(VectorOperators.NE, mx).anyTrue()) {
                return -1;
            }
            FloatVector gy = FloatVector.fromMemorySegment(F, dy, (o + j) * 4L, NATIVE);
            VectorMask<Float> e0 = tl.eq(mx), e1 = tr.eq(mx), e2 = bl.eq(mx), e3 = br.eq(mx);
            FloatVector ties = zero.blend(one, e0).add(zero.blend(one, e1)).add(zero.blend(one, e2))
                    .add(zero.blend(one, e3));
            VectorMask<Float> single = ties.eq(one);
            VectorMask<Float> tied = single.not();
            hits += tied.trueCount();
            live += tied.and(gy.compare(VectorOperators.NE, zero)).trueCount();
            // the first maximum in row-major order gets (1 - beta)·dy, or dy when alone
            VectorMask<Float> f1 = e1.andNot(e0), f2 = e2.andNot(e0.or(e1)), f3 = e0.or(e1).or(e2).not();
            FloatVector fv = zero.add(gy.mul(keep)).blend(zero.add(gy), single);
            FloatVector g0 = zero.blend(fv, e0), g1 = zero.blend(fv, f1);
            FloatVector g2 = zero.blend(fv, f2), g3 = zero.blend(fv, f3);
            if (beta != 0) {
                FloatVector share = gy.mul(beta).div(ties);
                g0 = g0.blend(g0.add(share), e0.and(tied));
                g1 = g1.blend(g1.add(share), e1.and(tied));
                g2 = g2.blend(g2.add(share), e2.and(tied));
                g3 = g3.blend(g3.add(share), e3.and(tied));
            }
            LOW_F.selectFrom(g0, g1).intoMemorySegment(dx, (d0 + c) * 4L, NATIVE);
            HIGH_F.selectFrom(g0, g1).intoMemorySegment(dx, (d0 + c + LF) * 4L, NATIVE);
            LOW_F.selectFrom(g2, g3).intoMemorySegment(dx, (d1 + c) * 4L, NATIVE);
            HIGH_F.selectFrom(g2, g3).intoMemorySegment(dx, (d1 + c + LF) * 4L, NATIVE);
        }
        return counts(hits, live);
    }

    /**
     * {@link #backwardRowF32} for output rows oy and oy + 1 of at most LF / 2 columns each, in one
     * vector: lanes [0, ow) from input rows {@code x0} and {@code x0 + w}, lanes [ow, 2·ow) from
     * the next two. Each of the four dx rows is one store of LF elements from its start; what
     * lands past a row is overwritten by the next row's store (the last one's by the next pair or
     * row, or zeroed as uncovered).
     */
    private static long backwardRowPairF32(MemorySegment x, long x0, int w, MemorySegment dy, long o,
            MemorySegment dx, long d0, int ow, float beta) {
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        float keep = 1f - beta;
        VectorMask<Float> second = LANE_F.compare(VectorOperators.GE, (float) ow);
        VectorMask<Float> mo = LANE_F.lt((float) (2 * ow));
        // 2j from the first row pair, LF + 2(j - ow) from the second (0 in the unused lanes)
        FloatVector left = zero.blend(EVEN_F.blend(EVEN_F.add((float) (LF - 2 * ow)), second), mo);
        FloatVector right = left.add(1f);
        FloatVector a0 = FloatVector.fromMemorySegment(F, x, x0 * 4L, NATIVE);
        FloatVector b0 = FloatVector.fromMemorySegment(F, x, (x0 + w) * 4L, NATIVE);
        FloatVector a1 = FloatVector.fromMemorySegment(F, x, (x0 + 2L * w) * 4L, NATIVE);
        FloatVector b1 = FloatVector.fromMemorySegment(F, x, (x0 + 3L * w) * 4L, NATIVE);
        FloatVector tl = left.selectFrom(a0, a1), tr = right.selectFrom(a0, a1);
        FloatVector bl = left.selectFrom(b0, b1), br = right.selectFrom(b0, b1);
        FloatVector mx = tl.max(tr).max(bl).max(br);
        if (mx.compare(VectorOperators.NE, mx).and(mo).anyTrue()) {
            return -1;
        }
        FloatVector gy = FloatVector.fromMemorySegment(F, dy, o * 4L, NATIVE);
        VectorMask<Float> e0 = tl.eq(mx), e1 = tr.eq(mx), e2 = bl.eq(mx), e3 = br.eq(mx);
        FloatVector ties = zero.blend(one, e0).add(zero.blend(one, e1)).add(zero.blend(one, e2))
                .add(zero.blend(one, e3));
        VectorMask<Float> single = ties.eq(one);
        VectorMask<Float> tied = single.not().and(mo);
        long hits = tied.trueCount(), live = tied.and(gy.compare(VectorOperators.NE, zero)).trueCount();
        VectorMask<Float> f1 = e1.andNot(e0), f2 = e2.andNot(e0.or(e1)), f3 = e0.or(e1).or(e2).not();
        FloatVector fv = zero.add(gy.mul(keep)).blend(zero.add(gy), single);
        FloatVector g0 = zero.blend(fv, e0), g1 = zero.blend(fv, f1);
        FloatVector g2 = zero.blend(fv, f2), g3 = zero.blend(fv, f3);
        if (beta != 0) {
            FloatVector share = gy.mul(beta).div(ties);
            g0 = g0.blend(g0.add(share), e0.and(tied));
            g1 = g1.blend(g1.add(share), e1.and(tied));
            g2 = g2.blend(g2.add(share), e2.and(tied));
            g3 = g3.blend(g3.add(share), e3.and(tied));
        }
        // the second pair's outputs interleaved: LOW_F shifted by ow (at most LF - 1 as 2·ow <= LF)
        FloatVector later = LOW_F.add((float) ow);
        LOW_F.selectFrom(g0, g1).intoMemorySegment(dx, d0 * 4L, NATIVE);
        LOW_F.selectFrom(g2, g3).intoMemorySegment(dx, (d0 + w) * 4L, NATIVE);
        later.selectFrom(g0, g1).intoMemorySegment(dx, (d0 + 2L * w) * 4L, NATIVE);
        later.selectFrom(g2, g3).intoMemorySegment(dx, (d0 + 3L * w) * 4L, NATIVE);
        return counts(hits, live);
    }

    /**
     * {@link #backwardRowF32} from output column {@code j} on, with whole vectors: lanes past the
     * row are left out of the NaN test and the counts, and what they store lands where the row
     * or the next ones write later, or on elements no window covers, zeroed after the plane.
     */
    private static long backwardTailF32(MemorySegment x, long x0, long x1, MemorySegment dy, long o,
            MemorySegment dx, long d0, long d1, int j, int ow, float beta) {
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        float keep = 1f - beta;
        long c = 2L * j;
        VectorMask<Float> mo = LANE_F.lt((float) (ow - j));
        FloatVector a0 = FloatVector.fromMemorySegment(F, x, (x0 + c) * 4L, NATIVE);
        FloatVector a1 = FloatVector.fromMemorySegment(F, x, (x0 + c + LF) * 4L, NATIVE);
        FloatVector b0 = FloatVector.fromMemorySegment(F, x, (x1 + c) * 4L, NATIVE);
        FloatVector b1 = FloatVector.fromMemorySegment(F, x, (x1 + c + LF) * 4L, NATIVE);
        FloatVector tl = EVEN_F.selectFrom(a0, a1), tr = ODD_F.selectFrom(a0, a1);
        FloatVector bl = EVEN_F.selectFrom(b0, b1), br = ODD_F.selectFrom(b0, b1);
        FloatVector mx = tl.max(tr).max(bl).max(br);
        if (mx.compare(VectorOperators.NE, mx).and(mo).anyTrue()) {
            return -1;
        }
        FloatVector gy = FloatVector.fromMemorySegment(F, dy, (o + j) * 4L, NATIVE);
        VectorMask<Float> e0 = tl.eq(mx), e1 = tr.eq(mx), e2 = bl.eq(mx), e3 = br.eq(mx);
        FloatVector ties = zero.blend(one, e0).add(zero.blend(one, e1)).add(zero.blend(one, e2))
                .add(zero.blend(one, e3));
        VectorMask<Float> single = ties.eq(one);
        VectorMask<Float> tied = single.not().and(mo);
        long hits = tied.trueCount(), live = tied.and(gy.compare(VectorOperators.NE, zero)).trueCount();
        VectorMask<Float> f1 = e1.andNot(e0), f2 = e2.andNot(e0.or(e1)), f3 = e0.or(e1).or(e2).not();
        FloatVector fv = zero.add(gy.mul(keep)).blend(zero.add(gy), single);
        FloatVector g0 = zero.blend(fv, e0), g1 = zero.blend(fv, f1);
        FloatVector g2 = zero.blend(fv, f2), g3 = zero.blend(fv, f3);
        if (beta != 0) {
            FloatVector share = gy.mul(beta).div(ties);
            g0 = g0.blend(g0.add(share), e0.and(tied));
            g1 = g1.blend(g1.add(share), e1.and(tied));
            g2 = g2.blend(g2.add(share), e2.and(tied));
            g3 = g3.blend(g3.add(share), e3.and(tied));
        }
        LOW_F.selectFrom(g0, g1).intoMemorySegment(dx, (d0 + c) * 4L, NATIVE);
        HIGH_F.selectFrom(g0, g1).intoMemorySegment(dx, (d0 + c + LF) * 4L, NATIVE);
        LOW_F.selectFrom(g2, g3).intoMemorySegment(dx, (d1 + c) * 4L, NATIVE);
        HIGH_F.selectFrom(g2, g3).intoMemorySegment(dx, (d1 + c + LF) * 4L, NATIVE);
        return counts(hits, live);
    }

    @Override
    public void maxPool2dTangentF32(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t,
            long tOff, int planes, Window2d g, float beta, long[] kinks) {
        if (!pairWindow(g)) {
            scalar().maxPool2dTangentF32(x, xOff, tx, txOff, t, tOff, planes, g, beta, kinks);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        int vp = planes;
        if (ow % LF != 0) { // the last row's tail reads and writes whole vectors
            long tail = (2L * oh - 1) * w + 2L * (ow - ow % LF) + 2L * LF;
            vp = vectorPlanes(xOff + tail, (long) h * w, x.byteSize() / 4, planes);
            vp = Math.min(vp, vectorPlanes(txOff + tail, (long) h * w, tx.byteSize() / 4, planes));
            vp = Math.min(vp, vectorPlanes(tOff + (oh - 1L) * ow + ow - ow % LF + LF, (long) oh * ow,
                    tOff + (long) planes * oh * ow, planes));
        }
        long hits = 0, live = 0;
        for (int p = 0; p < vp; p++) {
            long plane = (long) p * h * w, planeHits = 0, planeLive = 0;
            boolean nan = false;
            for (int oy = 0; oy < oh && !nan; oy++) {
                long row0 = plane + 2L * oy * w, o = tOff + ((long) p * oh + oy) * ow;
                long counts = tangentRowF32(x, xOff + row0, xOff + row0 + w, tx, txOff + row0, txOff + row0 + w, t,
                        o, ow, beta);
                nan = counts < 0;
                planeHits += counts >>> 32;
                planeLive += counts & LOW_HALF;
            }
            if (nan) {
                scalar().maxPool2dTangentF32(x, xOff + plane, tx, txOff + plane, t, tOff + (long) p * oh * ow, 1, g,
                        beta, kinks);
            } else {
                hits += planeHits;
                live += planeLive;
            }
        }
        count(kinks, hits, live);
        if (vp < planes) {
            long plane = (long) vp * h * w;
            scalar().maxPool2dTangentF32(x, xOff + plane, tx, txOff + plane, t, tOff + (long) vp * oh * ow,
                    planes - vp, g, beta, kinks);
        }
    }

    /**
     * One output row of the tangent from input rows {@code x0}, {@code x1} and tangent rows
     * {@code s0}, {@code s1}; returns {@link #counts} of the row, or -1 when a window's maximum is NaN.
     */
    private static long tangentRowF32(MemorySegment x, long x0, long x1, MemorySegment tx, long s0, long s1,
            MemorySegment t, long o, int ow, float beta) {
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        float keep = 1f - beta;
        long hits = 0, live = 0;
        int j = 0;
        for (; j <= ow - LF; j += LF) {
            long c = 2L * j;
            FloatVector a0 = FloatVector.fromMemorySegment(F, x, (x0 + c) * 4L, NATIVE);
            FloatVector a1 = FloatVector.fromMemorySegment(F, x, (x0 + c + LF) * 4L, NATIVE);
            FloatVector b0 = FloatVector.fromMemorySegment(F, x, (x1 + c) * 4L, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(F, x, (x1 + c + LF) * 4L, NATIVE);
            FloatVector tl = EVEN_F.selectFrom(a0, a1), tr = ODD_F.selectFrom(a0, a1);
            FloatVector bl = EVEN_F.selectFrom(b0, b1), br = ODD_F.selectFrom(b0, b1);
            FloatVector mx = tl.max(tr).max(bl).max(br);
            if (mx.compare(VectorOperators.NE, mx).anyTrue()) {
                return -1;
            }
            FloatVector u0 = FloatVector.fromMemorySegment(F, tx, (s0 + c) * 4L, NATIVE);
            FloatVector u1 = FloatVector.fromMemorySegment(F, tx, (s0 + c + LF) * 4L, NATIVE);
            FloatVector v0 = FloatVector.fromMemorySegment(F, tx, (s1 + c) * 4L, NATIVE);
            FloatVector v1 = FloatVector.fromMemorySegment(F, tx, (s1 + c + LF) * 4L, NATIVE);
            FloatVector t0 = EVEN_F.selectFrom(u0, u1), t1 = ODD_F.selectFrom(u0, u1);
            FloatVector t2 = EVEN_F.selectFrom(v0, v1), t3 = ODD_F.selectFrom(v0, v1);
            VectorMask<Float> e0 = tl.eq(mx), e1 = tr.eq(mx), e2 = bl.eq(mx), e3 = br.eq(mx);
            FloatVector ties = zero.blend(one, e0).add(zero.blend(one, e1)).add(zero.blend(one, e2))
                    .add(zero.blend(one, e3));
            VectorMask<Float> single = ties.eq(one);
            VectorMask<Float> tied = single.not();
            FloatVector first = t3.blend(t2, e2).blend(t1, e1).blend(t0, e0);
            FloatVector sum = zero.add(zero.blend(t0, e0)).add(zero.blend(t1, e1)).add(zero.blend(t2, e2))
                    .add(zero.blend(t3, e3));
            VectorMask<Float> moving = t0.compare(VectorOperators.NE, zero).and(e0)
                    .or(t1.compare(VectorOperators.NE, zero).and(e1))
                    .or(t2.compare(VectorOperators.NE, zero).and(e2))
                    .or(t3.compare(VectorOperators.NE, zero).and(e3));
            hits += tied.trueCount();
            live += tied.and(moving).trueCount();
            first.mul(keep).add(sum.mul(beta).div(ties)).blend(first, single)
                    .intoMemorySegment(t, (o + j) * 4L, NATIVE);
        }
        if (j < ow) { // a method of its own keeps this one small enough for C1, the way to C2
            long rest = tangentTailF32(x, x0, x1, tx, s0, s1, t, o, j, ow, beta);
            if (rest < 0) {
                return -1;
            }
            hits += rest >>> 32;
            live += rest & LOW_HALF;
        }
        return counts(hits, live);
    }

    /**
     * {@link #tangentRowF32} from output column {@code j} on, with whole vectors: lanes past the
     * row are left out of the NaN test and the counts, and land in the next row, written later.
     */
    private static long tangentTailF32(MemorySegment x, long x0, long x1, MemorySegment tx, long s0, long s1,
            MemorySegment t, long o, int j, int ow, float beta) {
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        float keep = 1f - beta;
        long c = 2L * j;
        VectorMask<Float> mo = LANE_F.lt((float) (ow - j));
        FloatVector a0 = FloatVector.fromMemorySegment(F, x, (x0 + c) * 4L, NATIVE);
        FloatVector a1 = FloatVector.fromMemorySegment(F, x, (x0 + c + LF) * 4L, NATIVE);
        FloatVector b0 = FloatVector.fromMemorySegment(F, x, (x1 + c) * 4L, NATIVE);
        FloatVector b1 = FloatVector.fromMemorySegment(F, x, (x1 + c + LF) * 4L, NATIVE);
        FloatVector tl = EVEN_F.selectFrom(a0, a1), tr = ODD_F.selectFrom(a0, a1);
        FloatVector bl = EVEN_F.selectFrom(b0, b1), br = ODD_F.selectFrom(b0, b1);
        FloatVector mx = tl.max(tr).max(bl).max(br);
        if (mx.compare(VectorOperators.NE, mx).and(mo).anyTrue()) {
            return -1;
        }
        FloatVector u0 = FloatVector.fromMemorySegment(F, tx, (s0 + c) * 4L, NATIVE);
        FloatVector u1 = FloatVector.fromMemorySegment(F, tx, (s0 + c + LF) * 4L, NATIVE);
        FloatVector v0 = FloatVector.fromMemorySegment(F, tx, (s1 + c) * 4L, NATIVE);
        FloatVector v1 = FloatVector.fromMemorySegment(F, tx, (s1 + c + LF) * 4L, NATIVE);
        FloatVector t0 = EVEN_F.selectFrom(u0, u1), t1 = ODD_F.selectFrom(u0, u1);
        FloatVector t2 = EVEN_F.selectFrom(v0, v1), t3 = ODD_F.selectFrom(v0, v1);
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
        long hits = tied.trueCount(), live = tied.and(moving).trueCount();
        first.mul(keep).add(sum.mul(beta).div(ties)).blend(first, single)
                .intoMemorySegment(t, (o + j) * 4L, NATIVE);
        return counts(hits, live);
    }

    @Override
    public void maxPool2dF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int planes, Window2d g) {
        if (!pairWindow(g)) {
            scalar().maxPool2dF64(x, xOff, out, outOff, planes, g);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        int vp = planes;
        if (ow % LD != 0) { // the last row's tail reads and writes a whole vector
            long tail = 2L * (ow - ow % LD) + 2L * LD, lastRow = (2L * oh - 1) * w, outTail = ow - ow % LD + LD;
            vp = vectorPlanes(xOff + lastRow + tail, (long) h * w, x.byteSize() / 8, planes);
            vp = Math.min(vp, vectorPlanes(outOff + (oh - 1L) * ow + outTail, (long) oh * ow,
                    outOff + (long) planes * oh * ow, planes));
        }
        for (int p = 0; p < vp; p++) {
            for (int oy = 0; oy < oh; oy++) {
                long row0 = xOff + (long) p * h * w + 2L * oy * w;
                forwardRowF64(x, row0, row0 + w, out, outOff + ((long) p * oh + oy) * ow, ow);
            }
        }
        if (vp < planes) {
            scalar().maxPool2dF64(x, xOff + (long) vp * h * w, out, outOff + (long) vp * oh * ow, planes - vp, g);
        }
    }

    /** One output row from input rows {@code row0}, {@code row1}: whole vectors, then the rest. */
    private static void forwardRowF64(MemorySegment x, long row0, long row1, MemorySegment out, long o, int ow) {
        int j = 0;
        for (; j <= ow - LD; j += LD) {
            long c = 2L * j;
            DoubleVector a0 = DoubleVector.fromMemorySegment(D, x, (row0 + c) * 8L, NATIVE);
            DoubleVector a1 = DoubleVector.fromMemorySegment(D, x, (row0 + c + LD) * 8L, NATIVE);
            DoubleVector b0 = DoubleVector.fromMemorySegment(D, x, (row1 + c) * 8L, NATIVE);
            DoubleVector b1 = DoubleVector.fromMemorySegment(D, x, (row1 + c + LD) * 8L, NATIVE);
            DoubleVector mx = EVEN_D.selectFrom(a0, a1).max(ODD_D.selectFrom(a0, a1))
                    .max(EVEN_D.selectFrom(b0, b1)).max(ODD_D.selectFrom(b0, b1));
            mx.intoMemorySegment(out, (o + j) * 8L, NATIVE);
        }
        if (j < ow) { // a method of its own keeps this one small enough for C1, the way to C2
            forwardTailF64(x, row0, row1, out, o, j);
        }
    }

    /**
     * {@link #forwardRowF64} from output column {@code j} on, with whole vectors: the lanes past
     * the row land in the next row, which is written later (the caller keeps them in bounds).
     */
    private static void forwardTailF64(MemorySegment x, long row0, long row1, MemorySegment out, long o, int j) {
        long c = 2L * j;
        DoubleVector a0 = DoubleVector.fromMemorySegment(D, x, (row0 + c) * 8L, NATIVE);
        DoubleVector a1 = DoubleVector.fromMemorySegment(D, x, (row0 + c + LD) * 8L, NATIVE);
        DoubleVector b0 = DoubleVector.fromMemorySegment(D, x, (row1 + c) * 8L, NATIVE);
        DoubleVector b1 = DoubleVector.fromMemorySegment(D, x, (row1 + c + LD) * 8L, NATIVE);
        DoubleVector mx = EVEN_D.selectFrom(a0, a1).max(ODD_D.selectFrom(a0, a1))
                .max(EVEN_D.selectFrom(b0, b1)).max(ODD_D.selectFrom(b0, b1));
        mx.intoMemorySegment(out, (o + j) * 8L, NATIVE);
    }

    @Override
    public void maxPool2dBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int planes, Window2d g, double beta, long[] kinks) {
        if (!pairWindow(g)) {
            scalar().maxPool2dBackwardF64(x, xOff, dy, dyOff, dx, dxOff, planes, g, beta, kinks);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        int vp = planes;
        if (ow % LD != 0) { // the last row's tail reads and writes whole vectors
            long tail = (2L * oh - 1) * w + 2L * (ow - ow % LD) + 2L * LD;
            vp = vectorPlanes(xOff + tail, (long) h * w, x.byteSize() / 8, planes);
            vp = Math.min(vp, vectorPlanes(dxOff + tail, (long) h * w, dxOff + (long) planes * h * w, planes));
            vp = Math.min(vp, vectorPlanes(dyOff + (oh - 1L) * ow + ow - ow % LD + LD, (long) oh * ow,
                    dy.byteSize() / 8, planes));
        }
        long hits = 0, live = 0;
        for (int p = 0; p < vp; p++) {
            long plane = (long) p * h * w, planeHits = 0, planeLive = 0;
            boolean nan = false;
            for (int oy = 0; oy < oh && !nan; oy++) {
                long row0 = plane + 2L * oy * w, o = dyOff + ((long) p * oh + oy) * ow;
                long counts = backwardRowF64(x, xOff + row0, xOff + row0 + w, dy, o, dx, dxOff + row0,
                        dxOff + row0 + w, ow, beta);
                nan = counts < 0;
                planeHits += counts >>> 32;
                planeLive += counts & LOW_HALF;
            }
            if (nan) { // also rewrites what the previous plane's tails spilled here
                scalar().maxPool2dBackwardF64(x, xOff + plane, dy, dyOff + (long) p * oh * ow, dx, dxOff + plane, 1, g,
                        beta, kinks);
            } else {
                hits += planeHits;
                live += planeLive;
                uncoveredZeroF64(dx, dxOff + plane, h, w, oh, ow);
            }
        }
        count(kinks, hits, live);
        if (vp < planes) {
            long plane = (long) vp * h * w;
            scalar().maxPool2dBackwardF64(x, xOff + plane, dy, dyOff + (long) vp * oh * ow, dx, dxOff + plane,
                    planes - vp, g, beta, kinks);
        }
    }

    /**
     * Zeroes the elements of a plane of dx that no window covers (the rows write all the others;
     * row tails may have spilled onto these).
     */
    private static void uncoveredZeroF64(MemorySegment dx, long plane, int h, int w, int oh, int ow) {
        if (w > 2 * ow) {
            for (int y = 0; y < 2 * oh; y++) {
                dx.setAtIndex(ValueLayout.JAVA_DOUBLE, plane + (long) y * w + w - 1, 0d);
            }
        }
        for (long i = plane + 2L * oh * w, end = plane + (long) h * w; i < end; i++) {
            dx.setAtIndex(ValueLayout.JAVA_DOUBLE, i, 0d);
        }
    }

    /**
     * One output row of the backward pass from input rows {@code x0}, {@code x1} into dx rows
     * {@code d0}, {@code d1}; returns {@link #counts} of the row, or -1 when a window's maximum is NaN.
     */
    private static long backwardRowF64(MemorySegment x, long x0, long x1, MemorySegment dy, long o,
            MemorySegment dx, long d0, long d1, int ow, double beta) {
        DoubleVector zero = DoubleVector.zero(D), one = DoubleVector.broadcast(D, 1d);
        double keep = 1d - beta;
        long hits = 0, live = 0;
        int full = ow - ow % LD;
        if (full < ow) { // first: its lanes past the row spill into dx where the loop below writes next
            long rest = backwardTailF64(x, x0, x1, dy, o, dx, d0, d1, full, ow, beta);
            if (rest < 0) {
                return -1;
            }
            hits = rest >>> 32;
            live = rest & LOW_HALF;
        }
        for (int j = 0; j < full; j += LD) {
            long c = 2L * j;
            DoubleVector a0 = DoubleVector.fromMemorySegment(D, x, (x0 + c) * 8L, NATIVE);
            DoubleVector a1 = DoubleVector.fromMemorySegment(D, x, (x0 + c + LD) * 8L, NATIVE);
            DoubleVector b0 = DoubleVector.fromMemorySegment(D, x, (x1 + c) * 8L, NATIVE);
            DoubleVector b1 = DoubleVector.fromMemorySegment(D, x, (x1 + c + LD) * 8L, NATIVE);
            DoubleVector tl = EVEN_D.selectFrom(a0, a1), tr = ODD_D.selectFrom(a0, a1);
            DoubleVector bl = EVEN_D.selectFrom(b0, b1), br = ODD_D.selectFrom(b0, b1);
            DoubleVector mx = tl.max(tr).max(bl).max(br);
            if (mx.compare(VectorOperators.NE, mx).anyTrue()) {
                return -1;
            }
            DoubleVector gy = DoubleVector.fromMemorySegment(D, dy, (o + j) * 8L, NATIVE);
            VectorMask<Double> e0 = tl.eq(mx), e1 = tr.eq(mx), e2 = bl.eq(mx), e3 = br.eq(mx);
            DoubleVector ties = zero.blend(one, e0).add(zero.blend(one, e1)).add(zero.blend(one, e2))
                    .add(zero.blend(one, e3));
            VectorMask<Double> single = ties.eq(one);
            VectorMask<Double> tied = single.not();
            hits += tied.trueCount();
            live += tied.and(gy.compare(VectorOperators.NE, zero)).trueCount();
            // the first maximum in row-major order gets (1 - beta)·dy, or dy when alone
            VectorMask<Double> f1 = e1.andNot(e0), f2 = e2.andNot(e0.or(e1)), f3 = e0.or(e1).or(e2).not();
            DoubleVector fv = zero.add(gy.mul(keep)).blend(zero.add(gy), single);
            DoubleVector g0 = zero.blend(fv, e0), g1 = zero.blend(fv, f1);
            DoubleVector g2 = zero.blend(fv, f2), g3 = zero.blend(fv, f3);
            if (beta != 0) {
                DoubleVector share = gy.mul(beta).div(ties);
                g0 = g0.blend(g0.add(share), e0.and(tied));
                g1 = g1.blend(g1.add(share), e1.and(tied));
                g2 = g2.blend(g2.add(share), e2.and(tied));
                g3 = g3.blend(g3.add(share), e3.and(tied));
            }
            LOW_D.selectFrom(g0, g1).intoMemorySegment(dx, (d0 + c) * 8L, NATIVE);
            HIGH_D.selectFrom(g0, g1).intoMemorySegment(dx, (d0 + c + LD) * 8L, NATIVE);
            LOW_D.selectFrom(g2, g3).intoMemorySegment(dx, (d1 + c) * 8L, NATIVE);
            HIGH_D.selectFrom(g2, g3).intoMemorySegment(dx, (d1 + c + LD) * 8L, NATIVE);
        }
        return counts(hits, live);
    }

    /**
     * {@link #backwardRowF64} from output column {@code j} on, with whole vectors: lanes past the
     * row are left out of the NaN test and the counts, and what they store lands where the row
     * or the next ones write later, or on elements no window covers, zeroed after the plane.
     */
    private static long backwardTailF64(MemorySegment x, long x0, long x1, MemorySegment dy, long o,
            MemorySegment dx, long d0, long d1, int j, int ow, double beta) {
        DoubleVector zero = DoubleVector.zero(D), one = DoubleVector.broadcast(D, 1d);
        double keep = 1d - beta;
        long c = 2L * j;
        VectorMask<Double> mo = LANE_D.lt((double) (ow - j));
        DoubleVector a0 = DoubleVector.fromMemorySegment(D, x, (x0 + c) * 8L, NATIVE);
        DoubleVector a1 = DoubleVector.fromMemorySegment(D, x, (x0 + c + LD) * 8L, NATIVE);
        DoubleVector b0 = DoubleVector.fromMemorySegment(D, x, (x1 + c) * 8L, NATIVE);
        DoubleVector b1 = DoubleVector.fromMemorySegment(D, x, (x1 + c + LD) * 8L, NATIVE);
        DoubleVector tl = EVEN_D.selectFrom(a0, a1), tr = ODD_D.selectFrom(a0, a1);
        DoubleVector bl = EVEN_D.selectFrom(b0, b1), br = ODD_D.selectFrom(b0, b1);
        DoubleVector mx = tl.max(tr).max(bl).max(br);
        if (mx.compare(VectorOperators.NE, mx).and(mo).anyTrue()) {
            return -1;
        }
        DoubleVector gy = DoubleVector.fromMemorySegment(D, dy, (o + j) * 8L, NATIVE);
        VectorMask<Double> e0 = tl.eq(mx), e1 = tr.eq(mx), e2 = bl.eq(mx), e3 = br.eq(mx);
        DoubleVector ties = zero.blend(one, e0).add(zero.blend(one, e1)).add(zero.blend(one, e2))
                .add(zero.blend(one, e3));
        VectorMask<Double> single = ties.eq(one);
        VectorMask<Double> tied = single.not().and(mo);
        long hits = tied.trueCount(), live = tied.and(gy.compare(VectorOperators.NE, zero)).trueCount();
        VectorMask<Double> f1 = e1.andNot(e0), f2 = e2.andNot(e0.or(e1)), f3 = e0.or(e1).or(e2).not();
        DoubleVector fv = zero.add(gy.mul(keep)).blend(zero.add(gy), single);
        DoubleVector g0 = zero.blend(fv, e0), g1 = zero.blend(fv, f1);
        DoubleVector g2 = zero.blend(fv, f2), g3 = zero.blend(fv, f3);
        if (beta != 0) {
            DoubleVector share = gy.mul(beta).div(ties);
            g0 = g0.blend(g0.add(share), e0.and(tied));
            g1 = g1.blend(g1.add(share), e1.and(tied));
            g2 = g2.blend(g2.add(share), e2.and(tied));
            g3 = g3.blend(g3.add(share), e3.and(tied));
        }
        LOW_D.selectFrom(g0, g1).intoMemorySegment(dx, (d0 + c) * 8L, NATIVE);
        HIGH_D.selectFrom(g0, g1).intoMemorySegment(dx, (d0 + c + LD) * 8L, NATIVE);
        LOW_D.selectFrom(g2, g3).intoMemorySegment(dx, (d1 + c) * 8L, NATIVE);
        HIGH_D.selectFrom(g2, g3).intoMemorySegment(dx, (d1 + c + LD) * 8L, NATIVE);
        return counts(hits, live);
    }

    @Override
    public void maxPool2dTangentF64(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t,
            long tOff, int planes, Window2d g, double beta, long[] kinks) {
        if (!pairWindow(g)) {
            scalar().maxPool2dTangentF64(x, xOff, tx, txOff, t, tOff, planes, g, beta, kinks);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        int vp = planes;
        if (ow % LD != 0) { // the last row's tail reads and writes whole vectors
            long tail = (2L * oh - 1) * w + 2L * (ow - ow % LD) + 2L * LD;
            vp = vectorPlanes(xOff + tail, (long) h * w, x.byteSize() / 8, planes);
            vp = Math.min(vp, vectorPlanes(txOff + tail, (long) h * w, tx.byteSize() / 8, planes));
            vp = Math.min(vp, vectorPlanes(tOff + (oh - 1L) * ow + ow - ow % LD + LD, (long) oh * ow,
                    tOff + (long) planes * oh * ow, planes));
        }
        long hits = 0, live = 0;
        for (int p = 0; p < vp; p++) {
            long plane = (long) p * h * w, planeHits = 0, planeLive = 0;
            boolean nan = false;
            for (int oy = 0; oy < oh && !nan; oy++) {
                long row0 = plane + 2L * oy * w, o = tOff + ((long) p * oh + oy) * ow;
                long counts = tangentRowF64(x, xOff + row0, xOff + row0 + w, tx, txOff + row0, txOff + row0 + w, t,
                        o, ow, beta);
                nan = counts < 0;
                planeHits += counts >>> 32;
                planeLive += counts & LOW_HALF;
            }
            if (nan) {
                scalar().maxPool2dTangentF64(x, xOff + plane, tx, txOff + plane, t, tOff + (long) p * oh * ow, 1, g,
                        beta, kinks);
            } else {
                hits += planeHits;
                live += planeLive;
            }
        }
        count(kinks, hits, live);
        if (vp < planes) {
            long plane = (long) vp * h * w;
            scalar().maxPool2dTangentF64(x, xOff + plane, tx, txOff + plane, t, tOff + (long) vp * oh * ow,
                    planes - vp, g, beta, kinks);
        }
    }

    /**
     * One output row of the tangent from input rows {@code x0}, {@code x1} and tangent rows
     * {@code s0}, {@code s1}; returns {@link #counts} of the row, or -1 when a window's maximum is NaN.
     */
    private static long tangentRowF64(MemorySegment x, long x0, long x1, MemorySegment tx, long s0, long s1,
            MemorySegment t, long o, int ow, double beta) {
        DoubleVector zero = DoubleVector.zero(D), one = DoubleVector.broadcast(D, 1d);
        double keep = 1d - beta;
        long hits = 0, live = 0;
        int j = 0;
        for (; j <= ow - LD; j += LD) {
            long c = 2L * j;
            DoubleVector a0 = DoubleVector.fromMemorySegment(D, x, (x0 + c) * 8L, NATIVE);
            DoubleVector a1 = DoubleVector.fromMemorySegment(D, x, (x0 + c + LD) * 8L, NATIVE);
            DoubleVector b0 = DoubleVector.fromMemorySegment(D, x, (x1 + c) * 8L, NATIVE);
            DoubleVector b1 = DoubleVector.fromMemorySegment(D, x, (x1 + c + LD) * 8L, NATIVE);
            DoubleVector tl = EVEN_D.selectFrom(a0, a1), tr = ODD_D.selectFrom(a0, a1);
            DoubleVector bl = EVEN_D.selectFrom(b0, b1), br = ODD_D.selectFrom(b0, b1);
            DoubleVector mx = tl.max(tr).max(bl).max(br);
            if (mx.compare(VectorOperators.NE, mx).anyTrue()) {
                return -1;
            }
            DoubleVector u0 = DoubleVector.fromMemorySegment(D, tx, (s0 + c) * 8L, NATIVE);
            DoubleVector u1 = DoubleVector.fromMemorySegment(D, tx, (s0 + c + LD) * 8L, NATIVE);
            DoubleVector v0 = DoubleVector.fromMemorySegment(D, tx, (s1 + c) * 8L, NATIVE);
            DoubleVector v1 = DoubleVector.fromMemorySegment(D, tx, (s1 + c + LD) * 8L, NATIVE);
            DoubleVector t0 = EVEN_D.selectFrom(u0, u1), t1 = ODD_D.selectFrom(u0, u1);
            DoubleVector t2 = EVEN_D.selectFrom(v0, v1), t3 = ODD_D.selectFrom(v0, v1);
            VectorMask<Double> e0 = tl.eq(mx), e1 = tr.eq(mx), e2 = bl.eq(mx), e3 = br.eq(mx);
            DoubleVector ties = zero.blend(one, e0).add(zero.blend(one, e1)).add(zero.blend(one, e2))
                    .add(zero.blend(one, e3));
            VectorMask<Double> single = ties.eq(one);
            VectorMask<Double> tied = single.not();
            DoubleVector first = t3.blend(t2, e2).blend(t1, e1).blend(t0, e0);
            DoubleVector sum = zero.add(zero.blend(t0, e0)).add(zero.blend(t1, e1)).add(zero.blend(t2, e2))
                    .add(zero.blend(t3, e3));
            VectorMask<Double> moving = t0.compare(VectorOperators.NE, zero).and(e0)
                    .or(t1.compare(VectorOperators.NE, zero).and(e1))
                    .or(t2.compare(VectorOperators.NE, zero).and(e2))
                    .or(t3.compare(VectorOperators.NE, zero).and(e3));
            hits += tied.trueCount();
            live += tied.and(moving).trueCount();
            first.mul(keep).add(sum.mul(beta).div(ties)).blend(first, single)
                    .intoMemorySegment(t, (o + j) * 8L, NATIVE);
        }
        if (j < ow) { // a method of its own keeps this one small enough for C1, the way to C2
            long rest = tangentTailF64(x, x0, x1, tx, s0, s1, t, o, j, ow, beta);
            if (rest < 0) {
                return -1;
            }
            hits += rest >>> 32;
            live += rest & LOW_HALF;
        }
        return counts(hits, live);
    }

    /**
     * {@link #tangentRowF64} from output column {@code j} on, with whole vectors: lanes past the
     * row are left out of the NaN test and the counts, and land in the next row, written later.
     */
    private static long tangentTailF64(MemorySegment x, long x0, long x1, MemorySegment tx, long s0, long s1,
            MemorySegment t, long o, int j, int ow, double beta) {
        DoubleVector zero = DoubleVector.zero(D), one = DoubleVector.broadcast(D, 1d);
        double keep = 1d - beta;
        long c = 2L * j;
        VectorMask<Double> mo = LANE_D.lt((double) (ow - j));
        DoubleVector a0 = DoubleVector.fromMemorySegment(D, x, (x0 + c) * 8L, NATIVE);
        DoubleVector a1 = DoubleVector.fromMemorySegment(D, x, (x0 + c + LD) * 8L, NATIVE);
        DoubleVector b0 = DoubleVector.fromMemorySegment(D, x, (x1 + c) * 8L, NATIVE);
        DoubleVector b1 = DoubleVector.fromMemorySegment(D, x, (x1 + c + LD) * 8L, NATIVE);
        DoubleVector tl = EVEN_D.selectFrom(a0, a1), tr = ODD_D.selectFrom(a0, a1);
        DoubleVector bl = EVEN_D.selectFrom(b0, b1), br = ODD_D.selectFrom(b0, b1);
        DoubleVector mx = tl.max(tr).max(bl).max(br);
        if (mx.compare(VectorOperators.NE, mx).and(mo).anyTrue()) {
            return -1;
        }
        DoubleVector u0 = DoubleVector.fromMemorySegment(D, tx, (s0 + c) * 8L, NATIVE);
        DoubleVector u1 = DoubleVector.fromMemorySegment(D, tx, (s0 + c + LD) * 8L, NATIVE);
        DoubleVector v0 = DoubleVector.fromMemorySegment(D, tx, (s1 + c) * 8L, NATIVE);
        DoubleVector v1 = DoubleVector.fromMemorySegment(D, tx, (s1 + c + LD) * 8L, NATIVE);
        DoubleVector t0 = EVEN_D.selectFrom(u0, u1), t1 = ODD_D.selectFrom(u0, u1);
        DoubleVector t2 = EVEN_D.selectFrom(v0, v1), t3 = ODD_D.selectFrom(v0, v1);
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
        long hits = tied.trueCount(), live = tied.and(moving).trueCount();
        first.mul(keep).add(sum.mul(beta).div(ties)).blend(first, single)
                .intoMemorySegment(t, (o + j) * 8L, NATIVE);
        return counts(hits, live);
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

    /** Tied windows in the high half, those of them with a non-zero gradient or tangent in the low half. */
    private static long counts(long hits, long live) {
        return hits << 32 | live;
    }

    /**
     * How many leading planes, {@code stride} elements apart, have their last vector access
     * (ending at {@code end0} for plane 0) within {@code limit}; the others run the scalar twin.
     */
    private static int vectorPlanes(long end0, long stride, long limit, int planes) {
        return end0 > limit ? 0 : (int) Math.min(planes, (limit - end0) / stride + 1);
    }

    private static void count(long[] kinks, long hits, long live) {
        if (kinks != null) {
            kinks[ActivationKernels.KINK_HITS] += hits;
            kinks[ActivationKernels.KINK_HITS_NONZERO_GRAD] += live;
        }
    }
}
