package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of the math kernels (also the implementation used on every path). */
final class ScalarMath implements MathKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    @Override
    public void expF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, (float) Math.exp(x.getAtIndex(F, xOff + i)));
        }
    }

    @Override
    public void expF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, Math.exp(x.getAtIndex(D, xOff + i)));
        }
    }

    @Override
    public void logF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, (float) Math.log(x.getAtIndex(F, xOff + i)));
        }
    }

    @Override
    public void logF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, Math.log(x.getAtIndex(D, xOff + i)));
        }
    }

    @Override
    public void sqrtF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, (float) Math.sqrt(x.getAtIndex(F, xOff + i)));
        }
    }

    @Override
    public void sqrtF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, Math.sqrt(x.getAtIndex(D, xOff + i)));
        }
    }

    @Override
    public void tanhF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, (float) Math.tanh(x.getAtIndex(F, xOff + i)));
        }
    }

    @Override
    public void tanhF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, Math.tanh(x.getAtIndex(D, xOff + i)));
        }
    }

    @Override
    public void sigmoidF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x.getAtIndex(F, xOff + i);
            // exp of a non-positive argument only: no overflow for large |x|.
            float e = (float) Math.exp(-Math.abs(v));
            out.setAtIndex(F, outOff + i, v >= 0 ? 1f / (1f + e) : e / (1f + e));
        }
    }

    @Override
    public void sigmoidF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x.getAtIndex(D, xOff + i);
            // exp of a non-positive argument only: no overflow for large |x|.
            double e = Math.exp(-Math.abs(v));
            out.setAtIndex(D, outOff + i, v >= 0 ? 1d / (1d + e) : e / (1d + e));
        }
    }

    @Override
    public void divF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, a.getAtIndex(F, aOff + i) / b.getAtIndex(F, bOff + i));
        }
    }

    @Override
    public void divF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, a.getAtIndex(D, aOff + i) / b.getAtIndex(D, bOff + i));
        }
    }

    @Override
    public void sqrtBackwardF32(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n) {
        for (int i = 0; i < n; i++) {
            dx.setAtIndex(F, dxOff + i, dy.getAtIndex(F, dyOff + i) * 0.5f / y.getAtIndex(F, yOff + i));
        }
    }

    @Override
    public void sqrtBackwardF64(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n) {
        for (int i = 0; i < n; i++) {
            dx.setAtIndex(D, dxOff + i, dy.getAtIndex(D, dyOff + i) * 0.5d / y.getAtIndex(D, yOff + i));
        }
    }

    @Override
    public void tanhBackwardF32(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = y.getAtIndex(F, yOff + i);
            dx.setAtIndex(F, dxOff + i, dy.getAtIndex(F, dyOff + i) * (1f - v * v));
        }
    }

    @Override
    public void tanhBackwardF64(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = y.getAtIndex(D, yOff + i);
            dx.setAtIndex(D, dxOff + i, dy.getAtIndex(D, dyOff + i) * (1d - v * v));
        }
    }

    @Override
    public void sigmoidBackwardF32(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = y.getAtIndex(F, yOff + i);
            dx.setAtIndex(F, dxOff + i, dy.getAtIndex(F, dyOff + i) * v * (1f - v));
        }
    }

    @Override
    public void sigmoidBackwardF64(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = y.getAtIndex(D, yOff + i);
            dx.setAtIndex(D, dxOff + i, dy.getAtIndex(D, dyOff + i) * v * (1d - v));
        }
    }

    @Override
    public void divisorBackwardF32(MemorySegment y, long yOff, MemorySegment b, long bOff, MemorySegment dy,
            long dyOff, MemorySegment db, long dbOff, int n) {
        for (int i = 0; i < n; i++) {
            float q = y.getAtIndex(F, yOff + i) / b.getAtIndex(F, bOff + i);
            db.setAtIndex(F, dbOff + i, -dy.getAtIndex(F, dyOff + i) * q);
        }
    }

    @Override
    public void divisorBackwardF64(MemorySegment y, long yOff, MemorySegment b, long bOff, MemorySegment dy,
            long dyOff, MemorySegment db, long dbOff, int n) {
        for (int i = 0; i < n; i++) {
            double q = y.getAtIndex(D, yOff + i) / b.getAtIndex(D, bOff + i);
            db.setAtIndex(D, dbOff + i, -dy.getAtIndex(D, dyOff + i) * q);
        }
    }

    @Override
    public void maxF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(F, outOff + i, Math.max(a.getAtIndex(F, aOff + i), b.getAtIndex(F, bOff + i)));
        }
    }

    @Override
    public void maxF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n) {
        for (int i = 0; i < n; i++) {
            out.setAtIndex(D, outOff + i, Math.max(a.getAtIndex(D, aOff + i), b.getAtIndex(D, bOff + i)));
        }
    }

    @Override
    public void maxBackwardF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment dy,
            long dyOff, MemorySegment da, long daOff, MemorySegment db, long dbOff, int n, float tieFirst,
            long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            float u = a.getAtIndex(F, aOff + i);
            float v = b.getAtIndex(F, bOff + i);
            float g = dy.getAtIndex(F, dyOff + i);
            float wa = u > v ? 1f : u == v ? tieFirst : 0f;
            float wb = v > u ? 1f : u == v ? 1f - tieFirst : 0f;
            if (u == v) {
                hits++;
                live += g != 0 ? 1 : 0;
            }
            if (da != null) {
                da.setAtIndex(F, daOff + i, g * wa);
            }
            if (db != null) {
                db.setAtIndex(F, dbOff + i, g * wb);
            }
        }
        count(kinks, hits, live);
    }

    @Override
    public void maxBackwardF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment dy,
            long dyOff, MemorySegment da, long daOff, MemorySegment db, long dbOff, int n, double tieFirst,
            long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            double u = a.getAtIndex(D, aOff + i);
            double v = b.getAtIndex(D, bOff + i);
            double g = dy.getAtIndex(D, dyOff + i);
            double wa = u > v ? 1d : u == v ? tieFirst : 0d;
            double wb = v > u ? 1d : u == v ? 1d - tieFirst : 0d;
            if (u == v) {
                hits++;
                live += g != 0 ? 1 : 0;
            }
            if (da != null) {
                da.setAtIndex(D, daOff + i, g * wa);
            }
            if (db != null) {
                db.setAtIndex(D, dbOff + i, g * wb);
            }
        }
        count(kinks, hits, live);
    }

    @Override
    public void maxTangentF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment ta,
            long taOff, MemorySegment tb, long tbOff, MemorySegment t, long tOff, int n, float tieFirst,
            long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            float u = a.getAtIndex(F, aOff + i);
            float v = b.getAtIndex(F, bOff + i);
            float wa = u > v ? 1f : u == v ? tieFirst : 0f;
            float wb = v > u ? 1f : u == v ? 1f - tieFirst : 0f;
            float du = ta == null ? 0f : ta.getAtIndex(F, taOff + i);
            float dv = tb == null ? 0f : tb.getAtIndex(F, tbOff + i);
            if (u == v) {
                hits++;
                live += du != 0 || dv != 0 ? 1 : 0;
            }
            t.setAtIndex(F, tOff + i, wa * du + wb * dv);
        }
        count(kinks, hits, live);
    }

    @Override
    public void maxTangentF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment ta,
            long taOff, MemorySegment tb, long tbOff, MemorySegment t, long tOff, int n, double tieFirst,
            long[] kinks) {
        long hits = 0;
        long live = 0;
        for (int i = 0; i < n; i++) {
            double u = a.getAtIndex(D, aOff + i);
            double v = b.getAtIndex(D, bOff + i);
            double wa = u > v ? 1d : u == v ? tieFirst : 0d;
            double wb = v > u ? 1d : u == v ? 1d - tieFirst : 0d;
            double du = ta == null ? 0d : ta.getAtIndex(D, taOff + i);
            double dv = tb == null ? 0d : tb.getAtIndex(D, tbOff + i);
            if (u == v) {
                hits++;
                live += du != 0 || dv != 0 ? 1 : 0;
            }
            t.setAtIndex(D, tOff + i, wa * du + wb * dv);
        }
        count(kinks, hits, live);
    }

    static void count(long[] kinks, long hits, long live) {
        if (kinks != null) {
            kinks[ActivationKernels.KINK_HITS] += hits;
            kinks[ActivationKernels.KINK_HITS_NONZERO_GRAD] += live;
        }
    }
}
