package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of max pooling and max reduction. Every window is scanned once for its
 * maximum, the first index holding it and the number of ties; the mode then decides what is
 * written: the maximum (forward), the weighted scatter of dy (backward) or the weighted sum of
 * tangents (forward mode).
 */
final class ScalarPooling implements PoolingKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final int FORWARD = 0;
    private static final int BACKWARD = 1;
    private static final int TANGENT = 2;

    @Override
    public void maxPool2dF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int planes, Window2d g) {
        poolF32(FORWARD, x, xOff, null, 0, out, outOff, planes, g, 0, null);
    }

    @Override
    public void maxPool2dF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int planes, Window2d g) {
        poolF64(FORWARD, x, xOff, null, 0, out, outOff, planes, g, 0, null);
    }

    @Override
    public void maxPool2dBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int planes, Window2d g, float beta, long[] kinks) {
        for (long i = 0, n = (long) planes * g.h() * g.w(); i < n; i++) {
            dx.setAtIndex(F, dxOff + i, 0f);
        }
        poolF32(BACKWARD, x, xOff, dy, dyOff, dx, dxOff, planes, g, beta, kinks);
    }

    @Override
    public void maxPool2dBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int planes, Window2d g, double beta, long[] kinks) {
        for (long i = 0, n = (long) planes * g.h() * g.w(); i < n; i++) {
            dx.setAtIndex(D, dxOff + i, 0d);
        }
        poolF64(BACKWARD, x, xOff, dy, dyOff, dx, dxOff, planes, g, beta, kinks);
    }

    @Override
    public void maxPool2dTangentF32(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t,
            long tOff, int planes, Window2d g, float beta, long[] kinks) {
        poolF32(TANGENT, x, xOff, tx, txOff, t, tOff, planes, g, beta, kinks);
    }

    @Override
    public void maxPool2dTangentF64(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t,
            long tOff, int planes, Window2d g, double beta, long[] kinks) {
        poolF64(TANGENT, x, xOff, tx, txOff, t, tOff, planes, g, beta, kinks);
    }

    /**
     * One pass over all windows. {@code s} is dy (backward) or the input tangent (tangent mode);
     * {@code r} is out (forward), dx (backward) or the output tangent.
     */
    private static void poolF32(int mode, MemorySegment x, long xOff, MemorySegment s, long sOff, MemorySegment r,
            long rOff, int planes, Window2d g, float beta, long[] kinks) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        long hits = 0, live = 0;
        for (int p = 0; p < planes; p++) {
            long in = xOff + (long) p * h * w;
            long inS = (mode == BACKWARD ? rOff : sOff) + (long) p * h * w;
            long o = (long) p * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * g.sh() - g.ph();
                int ya = Math.max(y0, 0), yb = Math.min(y0 + g.kh(), h);
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = ox * g.sw() - g.pw();
                    int xa = Math.max(x0, 0), xb = Math.min(x0 + g.kw(), w);
                    float m = Float.NEGATIVE_INFINITY;
                    for (int y = ya; y < yb; y++) {
                        for (int xx = xa; xx < xb; xx++) {
                            m = Math.max(m, x.getAtIndex(F, in + (long) y * w + xx));
                        }
                    }
                    if (mode == FORWARD) {
                        r.setAtIndex(F, rOff + o, m);
                        continue;
                    }
                    int first = -1, ties = 0;
                    for (int y = ya; y < yb; y++) {
                        for (int xx = xa; xx < xb; xx++) {
                            float v = x.getAtIndex(F, in + (long) y * w + xx);
                            if (v == m || (v != v && m != m)) {
                                if (first < 0) {
                                    first = y * w + xx;
                                }
                                ties++;
                            }
                        }
                    }
                    if (m != m) {
                        ties = 1; // a NaN maximum: the first NaN gets everything
                    }
                    if (first < 0) {
                        if (mode == TANGENT) {
                            r.setAtIndex(F, rOff + o, 0f);
                        }
                        continue; // an empty window (all padding)
                    }
                    if (mode == BACKWARD) {
                        float gy = s.getAtIndex(F, sOff + o);
                        if (ties == 1) {
                            r.setAtIndex(F, inS + first, r.getAtIndex(F, inS + first) + gy);
                            continue;
                        }
                        hits++;
                        live += gy != 0 ? 1 : 0;
                        float share = gy * beta / ties;
                        r.setAtIndex(F, inS + first, r.getAtIndex(F, inS + first) + gy * (1f - beta));
                        if (beta != 0) {
                            for (int y = ya; y < yb; y++) {
                                for (int xx = xa; xx < xb; xx++) {
                                    long at = (long) y * w + xx;
                                    if (x.getAtIndex(F, in + at) == m) {
                                        r.setAtIndex(F, inS + at, r.getAtIndex(F, inS + at) + share);
                                    }
                                }
                            }
                        }
                    } else {
                        float tf = s.getAtIndex(F, inS + first);
                        if (ties == 1) {
                            r.setAtIndex(F, rOff + o, tf);
                            continue;
                        }
                        hits++;
                        float sum = 0;
                        boolean nonzero = false;
                        for (int y = ya; y < yb; y++) {
                            for (int xx = xa; xx < xb; xx++) {
                                long at = (long) y * w + xx;
                                if (x.getAtIndex(F, in + at) == m) {
                                    float tv = s.getAtIndex(F, inS + at);
                                    sum += tv;
                                    nonzero |= tv != 0;
                                }
                            }
                        }
                        live += nonzero ? 1 : 0;
                        r.setAtIndex(F, rOff + o, (1f - beta) * tf + beta * sum / ties);
                    }
                }
            }
        }
        ScalarMath.count(kinks, hits, live);
    }

    private static void poolF64(int mode, MemorySegment x, long xOff, MemorySegment s, long sOff, MemorySegment r,
            long rOff, int planes, Window2d g, double beta, long[] kinks) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        long hits = 0, live = 0;
        for (int p = 0; p < planes; p++) {
            long in = xOff + (long) p * h * w;
            long inS = (mode == BACKWARD ? rOff : sOff) + (long) p * h * w;
            long o = (long) p * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * g.sh() - g.ph();
                int ya = Math.max(y0, 0), yb = Math.min(y0 + g.kh(), h);
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = ox * g.sw() - g.pw();
                    int xa = Math.max(x0, 0), xb = Math.min(x0 + g.kw(), w);
                    double m = Double.NEGATIVE_INFINITY;
                    for (int y = ya; y < yb; y++) {
                        for (int xx = xa; xx < xb; xx++) {
                            m = Math.max(m, x.getAtIndex(D, in + (long) y * w + xx));
                        }
                    }
                    if (mode == FORWARD) {
                        r.setAtIndex(D, rOff + o, m);
                        continue;
                    }
                    int first = -1, ties = 0;
                    for (int y = ya; y < yb; y++) {
                        for (int xx = xa; xx < xb; xx++) {
                            double v = x.getAtIndex(D, in + (long) y * w + xx);
                            if (v == m || (v != v && m != m)) {
                                if (first < 0) {
                                    first = y * w + xx;
                                }
                                ties++;
                            }
                        }
                    }
                    if (m != m) {
                        ties = 1; // a NaN maximum: the first NaN gets everything
                    }
                    if (first < 0) {
                        if (mode == TANGENT) {
                            r.setAtIndex(D, rOff + o, 0d);
                        }
                        continue; // an empty window (all padding)
                    }
                    if (mode == BACKWARD) {
                        double gy = s.getAtIndex(D, sOff + o);
                        if (ties == 1) {
                            r.setAtIndex(D, inS + first, r.getAtIndex(D, inS + first) + gy);
                            continue;
                        }
                        hits++;
                        live += gy != 0 ? 1 : 0;
                        double share = gy * beta / ties;
                        r.setAtIndex(D, inS + first, r.getAtIndex(D, inS + first) + gy * (1d - beta));
                        if (beta != 0) {
                            for (int y = ya; y < yb; y++) {
                                for (int xx = xa; xx < xb; xx++) {
                                    long at = (long) y * w + xx;
                                    if (x.getAtIndex(D, in + at) == m) {
                                        r.setAtIndex(D, inS + at, r.getAtIndex(D, inS + at) + share);
                                    }
                                }
                            }
                        }
                    } else {
                        double tf = s.getAtIndex(D, inS + first);
                        if (ties == 1) {
                            r.setAtIndex(D, rOff + o, tf);
                            continue;
                        }
                        hits++;
                        double sum = 0;
                        boolean nonzero = false;
                        for (int y = ya; y < yb; y++) {
                            for (int xx = xa; xx < xb; xx++) {
                                long at = (long) y * w + xx;
                                if (x.getAtIndex(D, in + at) == m) {
                                    double tv = s.getAtIndex(D, inS + at);
                                    sum += tv;
                                    nonzero |= tv != 0;
                                }
                            }
                        }
                        live += nonzero ? 1 : 0;
                        r.setAtIndex(D, rOff + o, (1d - beta) * tf + beta * sum / ties);
                    }
                }
            }
        }
        ScalarMath.count(kinks, hits, live);
    }

    @Override
    public void maxReduceF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int outer, int n,
            int inner) {
        reduceF32(FORWARD, x, xOff, null, 0, out, outOff, outer, n, inner, 0, null);
    }

    @Override
    public void maxReduceF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int outer, int n,
            int inner) {
        reduceF64(FORWARD, x, xOff, null, 0, out, outOff, outer, n, inner, 0, null);
    }

    @Override
    public void maxReduceBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int outer, int n, int inner, float beta, long[] kinks) {
        reduceF32(BACKWARD, x, xOff, dy, dyOff, dx, dxOff, outer, n, inner, beta, kinks);
    }

    @Override
    public void maxReduceBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int outer, int n, int inner, double beta, long[] kinks) {
        reduceF64(BACKWARD, x, xOff, dy, dyOff, dx, dxOff, outer, n, inner, beta, kinks);
    }

    @Override
    public void maxReduceTangentF32(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t,
            long tOff, int outer, int n, int inner, float beta, long[] kinks) {
        reduceF32(TANGENT, x, xOff, tx, txOff, t, tOff, outer, n, inner, beta, kinks);
    }

    @Override
    public void maxReduceTangentF64(MemorySegment x, long xOff, MemorySegment tx, long txOff, MemorySegment t,
            long tOff, int outer, int n, int inner, double beta, long[] kinks) {
        reduceF64(TANGENT, x, xOff, tx, txOff, t, tOff, outer, n, inner, beta, kinks);
    }

    /** Like {@link #poolF64} for the windows {@code x[o, 0..n-1, i]} (stride {@code inner}). */
    private static void reduceF32(int mode, MemorySegment x, long xOff, MemorySegment s, long sOff, MemorySegment r,
            long rOff, int outer, int n, int inner, float beta, long[] kinks) {
        long hits = 0, live = 0;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                long base = (long) o * n * inner + i;
                long out = (long) o * inner + i;
                float m = Float.NEGATIVE_INFINITY;
                int first = -1, ties = 0;
                for (int j = 0; j < n; j++) {
                    m = Math.max(m, x.getAtIndex(F, xOff + base + (long) j * inner));
                }
                if (mode == FORWARD) {
                    r.setAtIndex(F, rOff + out, m);
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    float v = x.getAtIndex(F, xOff + base + (long) j * inner);
                    if (v == m || (v != v && m != m)) {
                        if (first < 0) {
                            first = j;
                        }
                        ties++;
                    }
                }
                if (m != m) {
                    ties = 1;
                }
                if (mode == BACKWARD) {
                    float gy = s.getAtIndex(F, sOff + out);
                    if (ties > 1) {
                        hits++;
                        live += gy != 0 ? 1 : 0;
                    }
                    float share = ties > 1 ? gy * beta / ties : 0f;
                    for (int j = 0; j < n; j++) {
                        long at = base + (long) j * inner;
                        float d = j == first ? (ties == 1 ? gy : gy * (1f - beta) + share)
                                : ties > 1 && x.getAtIndex(F, xOff + at) == m ? share : 0f;
                        r.setAtIndex(F, rOff + at, d);
                    }
                } else if (first < 0) {
                    r.setAtIndex(F, rOff + out, 0f);
                } else if (ties == 1) {
                    r.setAtIndex(F, rOff + out, s.getAtIndex(F, sOff + base + (long) first * inner));
                } else {
                    hits++;
                    float sum = 0;
                    boolean nonzero = false;
                    for (int j = 0; j < n; j++) {
                        long at = base + (long) j * inner;
                        if (x.getAtIndex(F, xOff + at) == m) {
                            float tv = s.getAtIndex(F, sOff + at);
                            sum += tv;
                            nonzero |= tv != 0;
                        }
                    }
                    live += nonzero ? 1 : 0;
                    float tf = s.getAtIndex(F, sOff + base + (long) first * inner);
                    r.setAtIndex(F, rOff + out, (1f - beta) * tf + beta * sum / ties);
                }
            }
        }
        ScalarMath.count(kinks, hits, live);
    }

    private static void reduceF64(int mode, MemorySegment x, long xOff, MemorySegment s, long sOff, MemorySegment r,
            long rOff, int outer, int n, int inner, double beta, long[] kinks) {
        long hits = 0, live = 0;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                long base = (long) o * n * inner + i;
                long out = (long) o * inner + i;
                double m = Double.NEGATIVE_INFINITY;
                int first = -1, ties = 0;
                for (int j = 0; j < n; j++) {
                    m = Math.max(m, x.getAtIndex(D, xOff + base + (long) j * inner));
                }
                if (mode == FORWARD) {
                    r.setAtIndex(D, rOff + out, m);
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    double v = x.getAtIndex(D, xOff + base + (long) j * inner);
                    if (v == m || (v != v && m != m)) {
                        if (first < 0) {
                            first = j;
                        }
                        ties++;
                    }
                }
                if (m != m) {
                    ties = 1;
                }
                if (mode == BACKWARD) {
                    double gy = s.getAtIndex(D, sOff + out);
                    if (ties > 1) {
                        hits++;
                        live += gy != 0 ? 1 : 0;
                    }
                    double share = ties > 1 ? gy * beta / ties : 0d;
                    for (int j = 0; j < n; j++) {
                        long at = base + (long) j * inner;
                        double d = j == first ? (ties == 1 ? gy : gy * (1d - beta) + share)
                                : ties > 1 && x.getAtIndex(D, xOff + at) == m ? share : 0d;
                        r.setAtIndex(D, rOff + at, d);
                    }
                } else if (first < 0) {
                    r.setAtIndex(D, rOff + out, 0d);
                } else if (ties == 1) {
                    r.setAtIndex(D, rOff + out, s.getAtIndex(D, sOff + base + (long) first * inner));
                } else {
                    hits++;
                    double sum = 0;
                    boolean nonzero = false;
                    for (int j = 0; j < n; j++) {
                        long at = base + (long) j * inner;
                        if (x.getAtIndex(D, xOff + at) == m) {
                            double tv = s.getAtIndex(D, sOff + at);
                            sum += tv;
                            nonzero |= tv != 0;
                        }
                    }
                    live += nonzero ? 1 : 0;
                    double tf = s.getAtIndex(D, sOff + base + (long) first * inner);
                    r.setAtIndex(D, rOff + out, (1d - beta) * tf + beta * sum / ties);
                }
            }
        }
        ScalarMath.count(kinks, hits, live);
    }
}
