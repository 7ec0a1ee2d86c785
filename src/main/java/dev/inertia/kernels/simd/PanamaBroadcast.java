package dev.inertia.kernels.simd;

import dev.inertia.kernels.BroadcastKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API broadcasting kernels. With {@code inner == 1} (a linear layer's bias) the vectors
 * run along the channels of each row; otherwise along each contiguous inner run, with the
 * channel's value broadcast. Tails are masked vector operations.
 */
public final class PanamaBroadcast implements BroadcastKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final VectorSpecies<Double> D = Widths.D;
    private static final ValueLayout.OfFloat FL = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble DL = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int ADD = 0;
    private static final int MUL = 1;
    private static final int DIV = 2;

    public PanamaBroadcast() {}

    @Override
    public void addBiasF32(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff,
            int outer, int channels, int inner) {
        applyF32(ADD, x, xOff, b, bOff, out, outOff, outer, channels, inner);
    }

    @Override
    public void addBiasF64(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff,
            int outer, int channels, int inner) {
        applyF64(ADD, x, xOff, b, bOff, out, outOff, outer, channels, inner);
    }

    @Override
    public void mulBiasF32(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff,
            int outer, int channels, int inner) {
        applyF32(MUL, x, xOff, b, bOff, out, outOff, outer, channels, inner);
    }

    @Override
    public void mulBiasF64(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff,
            int outer, int channels, int inner) {
        applyF64(MUL, x, xOff, b, bOff, out, outOff, outer, channels, inner);
    }

    @Override
    public void divBiasF32(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff,
            int outer, int channels, int inner) {
        applyF32(DIV, x, xOff, b, bOff, out, outOff, outer, channels, inner);
    }

    @Override
    public void divBiasF64(MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out, long outOff,
            int outer, int channels, int inner) {
        applyF64(DIV, x, xOff, b, bOff, out, outOff, outer, channels, inner);
    }

    private static void applyF32(int op, MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out,
            long outOff, int outer, int channels, int inner) {
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                long row = (long) o * channels;
                int c = 0;
                for (int bound = F.loopBound(channels); c < bound; c += F.length()) {
                    FloatVector v = FloatVector.fromMemorySegment(F, x, (xOff + row + c) * 4L, NATIVE);
                    FloatVector w = FloatVector.fromMemorySegment(F, b, (bOff + c) * 4L, NATIVE);
                    FloatVector r = op == ADD ? v.add(w) : op == MUL ? v.mul(w) : v.div(w);
                    r.intoMemorySegment(out, (outOff + row + c) * 4L, NATIVE);
                }
                if (c < channels) {
                    VectorMask<Float> m = F.indexInRange(c, channels);
                    FloatVector v = FloatVector.fromMemorySegment(F, x, (xOff + row + c) * 4L, NATIVE, m);
                    FloatVector w = FloatVector.fromMemorySegment(F, b, (bOff + c) * 4L, NATIVE, m);
                    FloatVector r = op == ADD ? v.add(w) : op == MUL ? v.mul(w) : v.div(w);
                    r.intoMemorySegment(out, (outOff + row + c) * 4L, NATIVE, m);
                }
            }
            return;
        }
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                long base = ((long) o * channels + c) * inner;
                float bc = b.getAtIndex(FL, bOff + c);
                FloatVector w = FloatVector.broadcast(F, bc);
                int i = 0;
                for (int bound = F.loopBound(inner); i < bound; i += F.length()) {
                    FloatVector v = FloatVector.fromMemorySegment(F, x, (xOff + base + i) * 4L, NATIVE);
                    FloatVector r = op == ADD ? v.add(w) : op == MUL ? v.mul(w) : v.div(w);
                    r.intoMemorySegment(out, (outOff + base + i) * 4L, NATIVE);
                }
                if (i < inner) {
                    VectorMask<Float> m = F.indexInRange(i, inner);
                    FloatVector v = FloatVector.fromMemorySegment(F, x, (xOff + base + i) * 4L, NATIVE, m);
                    FloatVector r = op == ADD ? v.add(w) : op == MUL ? v.mul(w) : v.div(w);
                    r.intoMemorySegment(out, (outOff + base + i) * 4L, NATIVE, m);
                }
            }
        }
    }

    private static void applyF64(int op, MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out,
            long outOff, int outer, int channels, int inner) {
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                long row = (long) o * channels;
                int c = 0;
                for (int bound = D.loopBound(channels); c < bound; c += D.length()) {
                    DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xOff + row + c) * 8L, NATIVE);
                    DoubleVector w = DoubleVector.fromMemorySegment(D, b, (bOff + c) * 8L, NATIVE);
                    DoubleVector r = op == ADD ? v.add(w) : op == MUL ? v.mul(w) : v.div(w);
                    r.intoMemorySegment(out, (outOff + row + c) * 8L, NATIVE);
                }
                if (c < channels) {
                    VectorMask<Double> m = D.indexInRange(c, channels);
                    DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xOff + row + c) * 8L, NATIVE, m);
                    DoubleVector w = DoubleVector.fromMemorySegment(D, b, (bOff + c) * 8L, NATIVE, m);
                    DoubleVector r = op == ADD ? v.add(w) : op == MUL ? v.mul(w) : v.div(w);
                    r.intoMemorySegment(out, (outOff + row + c) * 8L, NATIVE, m);
                }
            }
            return;
        }
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                long base = ((long) o * channels + c) * inner;
                double bc = b.getAtIndex(DL, bOff + c);
                DoubleVector w = DoubleVector.broadcast(D, bc);
                int i = 0;
                for (int bound = D.loopBound(inner); i < bound; i += D.length()) {
                    DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xOff + base + i) * 8L, NATIVE);
                    DoubleVector r = op == ADD ? v.add(w) : op == MUL ? v.mul(w) : v.div(w);
                    r.intoMemorySegment(out, (outOff + base + i) * 8L, NATIVE);
                }
                if (i < inner) {
                    VectorMask<Double> m = D.indexInRange(i, inner);
                    DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xOff + base + i) * 8L, NATIVE, m);
                    DoubleVector r = op == ADD ? v.add(w) : op == MUL ? v.mul(w) : v.div(w);
                    r.intoMemorySegment(out, (outOff + base + i) * 8L, NATIVE, m);
                }
            }
        }
    }

    @Override
    public void sumBiasF32(MemorySegment dy, long dyOff, MemorySegment db, long dbOff, int outer, int channels,
            int inner, float alpha, boolean accumulate) {
        sumF32(false, dy, dyOff, dy, dyOff, db, dbOff, outer, channels, inner, alpha, accumulate);
    }

    @Override
    public void sumBiasF64(MemorySegment dy, long dyOff, MemorySegment db, long dbOff, int outer, int channels,
            int inner, double alpha, boolean accumulate) {
        sumF64(false, dy, dyOff, dy, dyOff, db, dbOff, outer, channels, inner, alpha, accumulate);
    }

    @Override
    public void sumProductF32(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment db, long dbOff,
            int outer, int channels, int inner, float alpha, boolean accumulate) {
        sumF32(true, x, xOff, y, yOff, db, dbOff, outer, channels, inner, alpha, accumulate);
    }

    @Override
    public void sumProductF64(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment db, long dbOff,
            int outer, int channels, int inner, double alpha, boolean accumulate) {
        sumF64(true, x, xOff, y, yOff, db, dbOff, outer, channels, inner, alpha, accumulate);
    }

    /** Sums x (or x * y when {@code product}) per channel. */
    private static void sumF32(boolean product, MemorySegment x, long xOff, MemorySegment y, long yOff,
            MemorySegment db, long dbOff, int outer, int channels, int inner, float alpha, boolean accumulate) {
        if (inner == 1) {
            // Column sums: one vector of channels at a time, down all rows.
            for (int c = 0; c < channels; c += F.length()) {
                VectorMask<Float> m = F.indexInRange(c, channels);
                FloatVector acc = FloatVector.zero(F);
                for (int o = 0; o < outer; o++) {
                    long at = (long) o * channels + c;
                    FloatVector v = FloatVector.fromMemorySegment(F, x, (xOff + at) * 4L, NATIVE, m);
                    if (product) {
                        acc = v.fma(FloatVector.fromMemorySegment(F, y, (yOff + at) * 4L, NATIVE, m), acc);
                    } else {
                        acc = acc.add(v);
                    }
                }
                acc = acc.mul(alpha);
                if (accumulate) {
                    acc = acc.add(FloatVector.fromMemorySegment(F, db, (dbOff + c) * 4L, NATIVE, m));
                }
                acc.intoMemorySegment(db, (dbOff + c) * 4L, NATIVE, m);
            }
            return;
        }
        for (int c = 0; c < channels; c++) {
            FloatVector acc = FloatVector.zero(F);
            for (int o = 0; o < outer; o++) {
                long base = ((long) o * channels + c) * inner;
                int i = 0;
                for (int bound = F.loopBound(inner); i < bound; i += F.length()) {
                    FloatVector v = FloatVector.fromMemorySegment(F, x, (xOff + base + i) * 4L, NATIVE);
                    if (product) {
                        acc = v.fma(FloatVector.fromMemorySegment(F, y, (yOff + base + i) * 4L, NATIVE), acc);
                    } else {
                        acc = acc.add(v);
                    }
                }
                if (i < inner) {
                    VectorMask<Float> m = F.indexInRange(i, inner);
                    FloatVector v = FloatVector.fromMemorySegment(F, x, (xOff + base + i) * 4L, NATIVE, m);
                    if (product) {
                        acc = v.fma(FloatVector.fromMemorySegment(F, y, (yOff + base + i) * 4L, NATIVE, m), acc);
                    } else {
                        acc = acc.add(v);
                    }
                }
            }
            float r = alpha * acc.reduceLanes(VectorOperators.ADD);
            long at = dbOff + c;
            db.setAtIndex(FL, at, accumulate ? db.getAtIndex(FL, at) + r : r);
        }
    }

    private static void sumF64(boolean product, MemorySegment x, long xOff, MemorySegment y, long yOff,
            MemorySegment db, long dbOff, int outer, int channels, int inner, double alpha, boolean accumulate) {
        if (inner == 1) {
            // Column sums: one vector of channels at a time, down all rows.
            for (int c = 0; c < channels; c += D.length()) {
                VectorMask<Double> m = D.indexInRange(c, channels);
                DoubleVector acc = DoubleVector.zero(D);
                for (int o = 0; o < outer; o++) {
                    long at = (long) o * channels + c;
                    DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xOff + at) * 8L, NATIVE, m);
                    if (product) {
                        acc = v.fma(DoubleVector.fromMemorySegment(D, y, (yOff + at) * 8L, NATIVE, m), acc);
                    } else {
                        acc = acc.add(v);
                    }
                }
                acc = acc.mul(alpha);
                if (accumulate) {
                    acc = acc.add(DoubleVector.fromMemorySegment(D, db, (dbOff + c) * 8L, NATIVE, m));
                }
                acc.intoMemorySegment(db, (dbOff + c) * 8L, NATIVE, m);
            }
            return;
        }
        for (int c = 0; c < channels; c++) {
            DoubleVector acc = DoubleVector.zero(D);
            for (int o = 0; o < outer; o++) {
                long base = ((long) o * channels + c) * inner;
                int i = 0;
                for (int bound = D.loopBound(inner); i < bound; i += D.length()) {
                    DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xOff + base + i) * 8L, NATIVE);
                    if (product) {
                        acc = v.fma(DoubleVector.fromMemorySegment(D, y, (yOff + base + i) * 8L, NATIVE), acc);
                    } else {
                        acc = acc.add(v);
                    }
                }
                if (i < inner) {
                    VectorMask<Double> m = D.indexInRange(i, inner);
                    DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xOff + base + i) * 8L, NATIVE, m);
                    if (product) {
                        acc = v.fma(DoubleVector.fromMemorySegment(D, y, (yOff + base + i) * 8L, NATIVE, m), acc);
                    } else {
                        acc = acc.add(v);
                    }
                }
            }
            double r = alpha * acc.reduceLanes(VectorOperators.ADD);
            long at = dbOff + c;
            db.setAtIndex(DL, at, accumulate ? db.getAtIndex(DL, at) + r : r);
        }
    }
}
