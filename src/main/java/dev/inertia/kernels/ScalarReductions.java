package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of the reductions: left-to-right loops. */
final class ScalarReductions implements ReductionKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    @Override
    public float sumF32(MemorySegment x, long xOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += x.getAtIndex(F, xOff + i);
        }
        return s;
    }

    @Override
    public double sumF64(MemorySegment x, long xOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x.getAtIndex(D, xOff + i);
        }
        return s;
    }

    @Override
    public float dotF32(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s = Math.fma(x.getAtIndex(F, xOff + i), y.getAtIndex(F, yOff + i), s);
        }
        return s;
    }

    @Override
    public double dotF64(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s = Math.fma(x.getAtIndex(D, xOff + i), y.getAtIndex(D, yOff + i), s);
        }
        return s;
    }

    @Override
    public float maxF32(MemorySegment x, long xOff, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x.getAtIndex(F, xOff + i));
        }
        return m;
    }

    @Override
    public double maxF64(MemorySegment x, long xOff, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x.getAtIndex(D, xOff + i));
        }
        return m;
    }

    @Override
    public int argmaxF32(MemorySegment x, long xOff, int n) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x.getAtIndex(F, xOff + i);
            if (Float.isNaN(v)) {
                return i;
            }
            if (best < 0 || v > bestValue) {
                best = i;
                bestValue = v;
            }
        }
        return best;
    }

    @Override
    public int argmaxF64(MemorySegment x, long xOff, int n) {
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = x.getAtIndex(D, xOff + i);
            if (Double.isNaN(v)) {
                return i;
            }
            if (best < 0 || v > bestValue) {
                best = i;
                bestValue = v;
            }
        }
        return best;
    }
}
