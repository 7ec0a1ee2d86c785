package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of the activations and their conservative derivatives. */
final class ScalarActivations implements ActivationKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    @Override
    public void reluF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, Math.max(x.getAtIndex(F, xOff + i), 0f));
        }
    }

    @Override
    public void reluF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, Math.max(x.getAtIndex(D, xOff + i), 0d));
        }
    }

    @Override
    public void reluBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, float atZero, long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            float v = x.getAtIndex(F, xOff + i);
            float g = dy.getAtIndex(F, dyOff + i);
            float d = v > 0 ? 1f : v == 0 ? atZero : 0f;
            if (v == 0) {
                hits++;
                live += g != 0 ? 1 : 0;
            }
            dx.setAtIndex(F, dxOff + i, g * d);
        }
        count(kinks, hits, live);
    }

    @Override
    public void reluBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, double atZero, long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            double v = x.getAtIndex(D, xOff + i);
            double g = dy.getAtIndex(D, dyOff + i);
            double d = v > 0 ? 1d : v == 0 ? atZero : 0d;
            if (v == 0) {
                hits++;
                live += g != 0 ? 1 : 0;
            }
            dx.setAtIndex(D, dxOff + i, g * d);
        }
        count(kinks, hits, live);
    }

    @Override
    public void leakyReluF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, float slope) {
        for (int i = 0; i < n; i++) {
            float v = x.getAtIndex(F, xOff + i);
            out.setAtIndex(F, outOff + i, v > 0 ? v : slope * v);
        }
    }

    @Override
    public void leakyReluF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, double slope) {
        for (int i = 0; i < n; i++) {
            double v = x.getAtIndex(D, xOff + i);
            out.setAtIndex(D, outOff + i, v > 0 ? v : slope * v);
        }
    }

    @Override
    public void leakyReluBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, float slope, float atZero, long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            float v = x.getAtIndex(F, xOff + i);
            float g = dy.getAtIndex(F, dyOff + i);
            float d = v > 0 ? 1f : v == 0 ? atZero : slope;
            if (v == 0) {
                hits++;
                live += g != 0 ? 1 : 0;
            }
            dx.setAtIndex(F, dxOff + i, g * d);
        }
        count(kinks, hits, live);
    }

    @Override
    public void leakyReluBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, double slope, double atZero, long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            double v = x.getAtIndex(D, xOff + i);
            double g = dy.getAtIndex(D, dyOff + i);
            double d = v > 0 ? 1d : v == 0 ? atZero : slope;
            if (v == 0) {
                hits++;
                live += g != 0 ? 1 : 0;
            }
            dx.setAtIndex(D, dxOff + i, g * d);
        }
        count(kinks, hits, live);
    }

    @Override
    public void clampF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, float lo, float hi) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, Math.min(Math.max(x.getAtIndex(F, xOff + i), lo), hi));
        }
    }

    @Override
    public void clampF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, double lo, double hi) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, Math.min(Math.max(x.getAtIndex(D, xOff + i), lo), hi));
        }
    }

    @Override
    public void clampBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, float lo, float hi, float atLow, float atHigh, long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            float v = x.getAtIndex(F, xOff + i);
            float g = dy.getAtIndex(F, dyOff + i);
            float d = v == lo ? atLow : v == hi ? atHigh : v > lo && v < hi ? 1f : 0f;
            if (v == lo || v == hi) {
                hits++;
                live += g != 0 ? 1 : 0;
            }
            dx.setAtIndex(F, dxOff + i, g * d);
        }
        count(kinks, hits, live);
    }

    @Override
    public void clampBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, double lo, double hi, double atLow, double atHigh, long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            double v = x.getAtIndex(D, xOff + i);
            double g = dy.getAtIndex(D, dyOff + i);
            double d = v == lo ? atLow : v == hi ? atHigh : v > lo && v < hi ? 1d : 0d;
            if (v == lo || v == hi) {
                hits++;
                live += g != 0 ? 1 : 0;
            }
            dx.setAtIndex(D, dxOff + i, g * d);
        }
        count(kinks, hits, live);
    }

    @Override
    public void absF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, Math.abs(x.getAtIndex(F, xOff + i)));
        }
    }

    @Override
    public void absF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, Math.abs(x.getAtIndex(D, xOff + i)));
        }
    }

    @Override
    public void absBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, float atZero, long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            float v = x.getAtIndex(F, xOff + i);
            float g = dy.getAtIndex(F, dyOff + i);
            float d = v > 0 ? 1f : v < 0 ? -1f : v == 0 ? atZero : 0f;
            if (v == 0) {
                hits++;
                live += g != 0 ? 1 : 0;
            }
            dx.setAtIndex(F, dxOff + i, g * d);
        }
        count(kinks, hits, live);
    }

    @Override
    public void absBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, double atZero, long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            double v = x.getAtIndex(D, xOff + i);
            double g = dy.getAtIndex(D, dyOff + i);
            double d = v > 0 ? 1d : v < 0 ? -1d : v == 0 ? atZero : 0d;
            if (v == 0) {
                hits++;
                live += g != 0 ? 1 : 0;
            }
            dx.setAtIndex(D, dxOff + i, g * d);
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
