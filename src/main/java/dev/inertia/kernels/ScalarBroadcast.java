package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of the broadcasting kernels: plain loops in [outer, channels, inner] order. */
final class ScalarBroadcast implements BroadcastKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final int ADD = 0;
    private static final int MUL = 1;
    private static final int DIV = 2;

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
        long at = 0;
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                float bc = b.getAtIndex(F, bOff + c);
                for (int i = 0; i < inner; i++, at++) {
                    float v = x.getAtIndex(F, xOff + at);
                    out.setAtIndex(F, outOff + at, op == ADD ? v + bc : op == MUL ? v * bc : v / bc);
                }
            }
        }
    }

    private static void applyF64(int op, MemorySegment x, long xOff, MemorySegment b, long bOff, MemorySegment out,
            long outOff, int outer, int channels, int inner) {
        long at = 0;
        for (int o = 0; o < outer; o++) {
            for (int c = 0; c < channels; c++) {
                double bc = b.getAtIndex(D, bOff + c);
                for (int i = 0; i < inner; i++, at++) {
                    double v = x.getAtIndex(D, xOff + at);
                    out.setAtIndex(D, outOff + at, op == ADD ? v + bc : op == MUL ? v * bc : v / bc);
                }
            }
        }
    }

    @Override
    public void sumBiasF32(MemorySegment dy, long dyOff, MemorySegment db, long dbOff, int outer, int channels,
            int inner, float alpha, boolean accumulate) {
        for (int c = 0; c < channels; c++) {
            float s = 0;
            for (int o = 0; o < outer; o++) {
                long base = dyOff + ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    s += dy.getAtIndex(F, base + i);
                }
            }
            float r = alpha * s;
            db.setAtIndex(F, dbOff + c, accumulate ? db.getAtIndex(F, dbOff + c) + r : r);
        }
    }

    @Override
    public void sumBiasF64(MemorySegment dy, long dyOff, MemorySegment db, long dbOff, int outer, int channels,
            int inner, double alpha, boolean accumulate) {
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int o = 0; o < outer; o++) {
                long base = dyOff + ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    s += dy.getAtIndex(D, base + i);
                }
            }
            double r = alpha * s;
            db.setAtIndex(D, dbOff + c, accumulate ? db.getAtIndex(D, dbOff + c) + r : r);
        }
    }

    @Override
    public void sumProductF32(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment db, long dbOff,
            int outer, int channels, int inner, float alpha, boolean accumulate) {
        for (int c = 0; c < channels; c++) {
            float s = 0;
            for (int o = 0; o < outer; o++) {
                long base = ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    s += x.getAtIndex(F, xOff + base + i) * y.getAtIndex(F, yOff + base + i);
                }
            }
            float r = alpha * s;
            db.setAtIndex(F, dbOff + c, accumulate ? db.getAtIndex(F, dbOff + c) + r : r);
        }
    }

    @Override
    public void sumProductF64(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment db, long dbOff,
            int outer, int channels, int inner, double alpha, boolean accumulate) {
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int o = 0; o < outer; o++) {
                long base = ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    s += x.getAtIndex(D, xOff + base + i) * y.getAtIndex(D, yOff + base + i);
                }
            }
            double r = alpha * s;
            db.setAtIndex(D, dbOff + c, accumulate ? db.getAtIndex(D, dbOff + c) + r : r);
        }
    }
}
