package dev.inertia.kernels.simd;

import dev.inertia.kernels.BroadcastKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API broadcasting kernels. With {@code inner == 1} (a linear layer's bias) the vectors
 * run along the channels of each row; otherwise along each contiguous inner run, with the
 * channel's value broadcast. Each op has its own loop (no vector merged across branches) and
 * tails are scalar, so that compiled code keeps every vector in registers and allocates nothing.
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
            int bound = F.loopBound(channels);
            for (int o = 0; o < outer; o++) {
                long xr = xOff + (long) o * channels, or = outOff + (long) o * channels;
                int c = 0;
                if (op == ADD) {
                    for (; c < bound; c += F.length()) {
                        FloatVector v = FloatVector.fromMemorySegment(F, x, (xr + c) * 4L, NATIVE);
                        FloatVector w = FloatVector.fromMemorySegment(F, b, (bOff + c) * 4L, NATIVE);
                        v.add(w).intoMemorySegment(out, (or + c) * 4L, NATIVE);
                    }
                } else if (op == MUL) {
                    for (; c < bound; c += F.length()) {
                        FloatVector v = FloatVector.fromMemorySegment(F, x, (xr + c) * 4L, NATIVE);
                        FloatVector w = FloatVector.fromMemorySegment(F, b, (bOff + c) * 4L, NATIVE);
                        v.mul(w).intoMemorySegment(out, (or + c) * 4L, NATIVE);
                    }
                } else {
                    for (; c < bound; c += F.length()) {
                        FloatVector v = FloatVector.fromMemorySegment(F, x, (xr + c) * 4L, NATIVE);
                        FloatVector w = FloatVector.fromMemorySegment(F, b, (bOff + c) * 4L, NATIVE);
                        v.div(w).intoMemorySegment(out, (or + c) * 4L, NATIVE);
                    }
                }
                for (; c < channels; c++) {
                    float v = x.getAtIndex(FL, xr + c), w = b.getAtIndex(FL, bOff + c);
                    out.setAtIndex(FL, or + c, op == ADD ? v + w : op == MUL ? v * w : v / w);
                }
            }
            return;
        }
        int bound = F.loopBound(inner);
        for (int o = 0; o < outer; o++) {
            for (int ch = 0; ch < channels; ch++) {
                long base = ((long) o * channels + ch) * inner, xr = xOff + base, or = outOff + base;
                float bc = b.getAtIndex(FL, bOff + ch);
                FloatVector w = FloatVector.broadcast(F, bc);
                int c = 0;
                if (op == ADD) {
                    for (; c < bound; c += F.length()) {
                        FloatVector v = FloatVector.fromMemorySegment(F, x, (xr + c) * 4L, NATIVE);
                        v.add(w).intoMemorySegment(out, (or + c) * 4L, NATIVE);
                    }
                } else if (op == MUL) {
                    for (; c < bound; c += F.length()) {
                        FloatVector v = FloatVector.fromMemorySegment(F, x, (xr + c) * 4L, NATIVE);
                        v.mul(w).intoMemorySegment(out, (or + c) * 4L, NATIVE);
                    }
                } else {
                    for (; c < bound; c += F.length()) {
                        FloatVector v = FloatVector.fromMemorySegment(F, x, (xr + c) * 4L, NATIVE);
                        v.div(w).intoMemorySegment(out, (or + c) * 4L, NATIVE);
                    }
                }
                for (; c < inner; c++) {
                    float v = x.getAtIndex(FL, xr + c);
                    out.setAtIndex(FL, or + c, op == ADD ? v + bc : op == MUL ? v * bc : v / bc);
                }
            }
        }
    }

    private static void applyF64(int op, MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out,
            long outOff, int outer, int channels, int inner) {
        if (inner == 1) {
            int bound = D.loopBound(channels);
            for (int o = 0; o < outer; o++) {
                long xr = xOff + (long) o * channels, or = outOff + (long) o * channels;
                int c = 0;
                if (op == ADD) {
                    for (; c < bound; c += D.length()) {
                        DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xr + c) * 8L, NATIVE);
                        DoubleVector w = DoubleVector.fromMemorySegment(D, b, (bOff + c) * 8L, NATIVE);
                        v.add(w).intoMemorySegment(out, (or + c) * 8L, NATIVE);
                    }
                } else if (op == MUL) {
                    for (; c < bound; c += D.length()) {
                        DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xr + c) * 8L, NATIVE);
                        DoubleVector w = DoubleVector.fromMemorySegment(D, b, (bOff + c) * 8L, NATIVE);
                        v.mul(w).intoMemorySegment(out, (or + c) * 8L, NATIVE);
                    }
                } else {
                    for (; c < bound; c += D.length()) {
                        DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xr + c) * 8L, NATIVE);
                        DoubleVector w = DoubleVector.fromMemorySegment(D, b, (bOff + c) * 8L, NATIVE);
                        v.div(w).intoMemorySegment(out, (or + c) * 8L, NATIVE);
                    }
                }
                for (; c < channels; c++) {
                    double v = x.getAtIndex(DL, xr + c), w = b.getAtIndex(DL, bOff + c);
                    out.setAtIndex(DL, or + c, op == ADD ? v + w : op == MUL ? v * w : v / w);
                }
            }
            return;
        }
        int bound = D.loopBound(inner);
        for (int o = 0; o < outer; o++) {
            for (int ch = 0; ch < channels; ch++) {
                long base = ((long) o * channels + ch) * inner, xr = xOff + base, or = outOff + base;
                double bc = b.getAtIndex(DL, bOff + ch);
                DoubleVector w = DoubleVector.broadcast(D, bc);
                int c = 0;
                if (op == ADD) {
                    for (; c < bound; c += D.length()) {
                        DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xr + c) * 8L, NATIVE);
                        v.add(w).intoMemorySegment(out, (or + c) * 8L, NATIVE);
                    }
                } else if (op == MUL) {
                    for (; c < bound; c += D.length()) {
                        DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xr + c) * 8L, NATIVE);
                        v.mul(w).intoMemorySegment(out, (or + c) * 8L, NATIVE);
                    }
                } else {
                    for (; c < bound; c += D.length()) {
                        DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xr + c) * 8L, NATIVE);
                        v.div(w).intoMemorySegment(out, (or + c) * 8L, NATIVE);
                    }
                }
                for (; c < inner; c++) {
                    double v = x.getAtIndex(DL, xr + c);
                    out.setAtIndex(DL, or + c, op == ADD ? v + bc : op == MUL ? v * bc : v / bc);
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

    private static void sumF32(boolean product, MemorySegment x, long xOff, MemorySegment y, long yOff,
            MemorySegment db, long dbOff, int outer, int channels, int inner, float alpha, boolean accumulate) {
        if (inner == 1) {
            // Column sums: one vector of channels at a time, down all rows; the last channels scalar.
            int c = 0;
            for (int bound = F.loopBound(channels); c < bound; c += F.length()) {
                FloatVector acc = FloatVector.zero(F);
                if (product) {
                    for (int o = 0; o < outer; o++) {
                        long at = (long) o * channels + c;
                        FloatVector v = FloatVector.fromMemorySegment(F, x, (xOff + at) * 4L, NATIVE);
                        acc = v.fma(FloatVector.fromMemorySegment(F, y, (yOff + at) * 4L, NATIVE), acc);
                    }
                } else {
                    for (int o = 0; o < outer; o++) {
                        acc = acc.add(FloatVector.fromMemorySegment(F, x, (xOff + (long) o * channels + c) * 4L, NATIVE));
                    }
                }
                acc = acc.mul(alpha);
                if (accumulate) {
                    acc = acc.add(FloatVector.fromMemorySegment(F, db, (dbOff + c) * 4L, NATIVE));
                }
                acc.intoMemorySegment(db, (dbOff + c) * 4L, NATIVE);
            }
            for (; c < channels; c++) {
                float s = 0;
                for (int o = 0; o < outer; o++) {
                    long at = (long) o * channels + c;
                    s = product ? Math.fma(x.getAtIndex(FL, xOff + at), y.getAtIndex(FL, yOff + at), s)
                            : s + x.getAtIndex(FL, xOff + at);
                }
                float r = alpha * s;
                db.setAtIndex(FL, dbOff + c, accumulate ? r + db.getAtIndex(FL, dbOff + c) : r);
            }
            return;
        }
        int bound = F.loopBound(inner);
        for (int c = 0; c < channels; c++) {
            FloatVector acc = FloatVector.zero(F);
            float tail = 0;
            for (int o = 0; o < outer; o++) {
                long base = ((long) o * channels + c) * inner;
                int i = 0;
                if (product) {
                    for (; i < bound; i += F.length()) {
                        FloatVector v = FloatVector.fromMemorySegment(F, x, (xOff + base + i) * 4L, NATIVE);
                        acc = v.fma(FloatVector.fromMemorySegment(F, y, (yOff + base + i) * 4L, NATIVE), acc);
                    }
                    for (; i < inner; i++) {
                        tail = Math.fma(x.getAtIndex(FL, xOff + base + i), y.getAtIndex(FL, yOff + base + i), tail);
                    }
                } else {
                    for (; i < bound; i += F.length()) {
                        acc = acc.add(FloatVector.fromMemorySegment(F, x, (xOff + base + i) * 4L, NATIVE));
                    }
                    for (; i < inner; i++) {
                        tail += x.getAtIndex(FL, xOff + base + i);
                    }
                }
            }
            // Lanes summed in lane order, not reduceLanes: its order is unspecified and differs
            // between C2 and the interpreter, which made training results depend on JIT timing.
            float lanes = 0;
            for (int l = 0; l < F.length(); l++) {
                lanes += acc.lane(l);
            }
            float r = alpha * (lanes + tail);
            long at = dbOff + c;
            db.setAtIndex(FL, at, accumulate ? db.getAtIndex(FL, at) + r : r);
        }
    }

    private static void sumF64(boolean product, MemorySegment x, long xOff, MemorySegment y, long yOff,
            MemorySegment db, long dbOff, int outer, int channels, int inner, double alpha, boolean accumulate) {
        if (inner == 1) {
            // Column sums: one vector of channels at a time, down all rows; the last channels scalar.
            int c = 0;
            for (int bound = D.loopBound(channels); c < bound; c += D.length()) {
                DoubleVector acc = DoubleVector.zero(D);
                if (product) {
                    for (int o = 0; o < outer; o++) {
                        long at = (long) o * channels + c;
                        DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xOff + at) * 8L, NATIVE);
                        acc = v.fma(DoubleVector.fromMemorySegment(D, y, (yOff + at) * 8L, NATIVE), acc);
                    }
                } else {
                    for (int o = 0; o < outer; o++) {
                        acc = acc.add(DoubleVector.fromMemorySegment(D, x, (xOff + (long) o * channels + c) * 8L, NATIVE));
                    }
                }
                acc = acc.mul(alpha);
                if (accumulate) {
                    acc = acc.add(DoubleVector.fromMemorySegment(D, db, (dbOff + c) * 8L, NATIVE));
                }
                acc.intoMemorySegment(db, (dbOff + c) * 8L, NATIVE);
            }
            for (; c < channels; c++) {
                double s = 0;
                for (int o = 0; o < outer; o++) {
                    long at = (long) o * channels + c;
                    s = product ? Math.fma(x.getAtIndex(DL, xOff + at), y.getAtIndex(DL, yOff + at), s)
                            : s + x.getAtIndex(DL, xOff + at);
                }
                double r = alpha * s;
                db.setAtIndex(DL, dbOff + c, accumulate ? r + db.getAtIndex(DL, dbOff + c) : r);
            }
            return;
        }
        int bound = D.loopBound(inner);
        for (int c = 0; c < channels; c++) {
            DoubleVector acc = DoubleVector.zero(D);
            double tail = 0;
            for (int o = 0; o < outer; o++) {
                long base = ((long) o * channels + c) * inner;
                int i = 0;
                if (product) {
                    for (; i < bound; i += D.length()) {
                        DoubleVector v = DoubleVector.fromMemorySegment(D, x, (xOff + base + i) * 8L, NATIVE);
                        acc = v.fma(DoubleVector.fromMemorySegment(D, y, (yOff + base + i) * 8L, NATIVE), acc);
                    }
                    for (; i < inner; i++) {
                        tail = Math.fma(x.getAtIndex(DL, xOff + base + i), y.getAtIndex(DL, yOff + base + i), tail);
                    }
                } else {
                    for (; i < bound; i += D.length()) {
                        acc = acc.add(DoubleVector.fromMemorySegment(D, x, (xOff + base + i) * 8L, NATIVE));
                    }
                    for (; i < inner; i++) {
                        tail += x.getAtIndex(DL, xOff + base + i);
                    }
                }
            }
            double lanes = 0; // in lane order: see sumF32
            for (int l = 0; l < D.length(); l++) {
                lanes += acc.lane(l);
            }
            double r = alpha * (lanes + tail);
            long at = dbOff + c;
            db.setAtIndex(DL, at, accumulate ? db.getAtIndex(DL, at) + r : r);
        }
    }
}
