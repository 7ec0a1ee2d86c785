package dev.inertia.autodiff;

import dev.inertia.kernels.Window2d;
import dev.inertia.memory.Tensor;

/**
 * The lexicographic (LD-) derivative rules of the ops with kinks (Nesterov 2005; Khan and
 * Barton 2015). Along a sequence of directions, carried as a tangent block {@code [k, size]}
 * whose row j is the directional derivative along direction j, a kink is resolved by the sign of
 * the first nonzero entry of the sequence (argument − kink, its derivative along direction 1,
 * along direction 2, ...): the op then behaves as the smooth piece on that side. With directions
 * spanning the input space the sweep follows one smooth piece of the whole program, so its
 * result is an element of the Clarke Jacobian, whatever the kinks' policies say.
 *
 * <p>These loops read elements one at a time: a lexicographic sweep serves small programs and
 * tests, not training steps.
 */
final class Lexicographic {
    private Lexicographic() {}

    /** A piecewise-linear elementwise function: where its kinks are and its slope on either side. */
    interface Slope {
        /** Whether {@code u} is a kink. */
        boolean kink(double u);

        /** The slope at {@code u}; at a kink, of the piece on side {@code side} (+1 right, -1 left, 0 unknown). */
        double at(double u, int side);
    }

    static final Slope RELU = new Slope() {
        @Override
        public boolean kink(double u) {
            return u == 0;
        }

        @Override
        public double at(double u, int side) {
            return u > 0 || u == 0 && side > 0 ? 1 : 0;
        }
    };

    static final Slope ABS = new Slope() {
        @Override
        public boolean kink(double u) {
            return u == 0;
        }

        @Override
        public double at(double u, int side) {
            return u > 0 ? 1 : u < 0 ? -1 : side;
        }
    };

    /** Leaky ReLU of negative slope {@code slope}. */
    static Slope leaky(double slope) {
        return new Slope() {
            @Override
            public boolean kink(double u) {
                return u == 0;
            }

            @Override
            public double at(double u, int side) {
                return u > 0 || u == 0 && side > 0 ? 1 : slope;
            }
        };
    }

    /** Clamp to [lo, hi] (relu6, hardtanh): slope 1 inside, 0 outside. */
    static Slope clamp(double lo, double hi) {
        return new Slope() {
            @Override
            public boolean kink(double u) {
                return u == lo || u == hi;
            }

            @Override
            public double at(double u, int side) {
                if (lo == hi) {
                    return 0;
                }
                if (u == lo) {
                    return side > 0 ? 1 : 0;
                }
                if (u == hi) {
                    return side < 0 ? 1 : 0;
                }
                return u > lo && u < hi ? 1 : 0;
            }
        };
    }

    /**
     * {@code out[j, i] = f'(u[i]; side) · in[j, i]} for the k rows, the side at a kink being the
     * sign of the first nonzero {@code in[j, i]}; {@code out} may be {@code in}. Counts kink hits
     * and, of them, those with a nonzero direction in {@code counts}.
     */
    static void apply(Tensor u, Tensor in, Tensor out, int k, Slope f, long[] counts) {
        long size = u.size();
        for (long i = 0; i < size; i++) {
            double ui = u.getDouble(i);
            int side = 0;
            if (f.kink(ui)) {
                side = firstSign(in, k, size, i);
                counts[0]++;
                counts[1] += side != 0 ? 1 : 0;
            }
            double slope = f.at(ui, side);
            for (int j = 0; j < k; j++) {
                out.setDouble(j * size + i, slope * in.getDouble(j * size + i));
            }
        }
    }

    /** The sign of the first nonzero {@code block[j, i]}, j = 0 .. k-1; 0 when all are zero. */
    static int firstSign(Tensor block, int k, long size, long i) {
        for (int j = 0; j < k; j++) {
            double d = block.getDouble(j * size + i);
            if (d != 0) {
                return d > 0 ? 1 : -1;
            }
        }
        return 0;
    }

    /**
     * {@code max(a, b)} elementwise: the rows of the larger argument; at a tie, of the one whose
     * first differing directional derivative is larger (a when none differs). Null blocks are zero.
     */
    static void maximum(Tensor a, Tensor b, Tensor ta, Tensor tb, Tensor out, int k, long[] counts) {
        long size = a.size();
        for (long i = 0; i < size; i++) {
            double x = a.getDouble(i), y = b.getDouble(i);
            boolean first = x > y;
            if (x == y) {
                counts[0]++;
                int side = 0;
                for (int j = 0; j < k && side == 0; j++) {
                    side = compare(at(ta, j * size + i), at(tb, j * size + i));
                }
                counts[1] += side != 0 ? 1 : 0;
                first = side >= 0;
            }
            Tensor src = first ? ta : tb;
            for (int j = 0; j < k; j++) {
                out.setDouble(j * size + i, at(src, j * size + i));
            }
        }
    }

    /**
     * Max over the middle axis of {@code [outer, n, inner]}: the rows of the lexicographically
     * largest element (value, then directional derivatives in order; the first such index).
     */
    static void maxReduce(Tensor x, Tensor tx, Tensor out, int k, int outer, int n, int inner, long[] counts) {
        long size = x.size(), outSize = (long) outer * inner;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                long best = (long) o * n * inner + i;
                for (int m = 1; m < n; m++) {
                    long e = ((long) o * n + m) * inner + i;
                    if (lexGreater(x, tx, k, size, e, best)) {
                        best = e;
                    }
                }
                int shared = 0;
                for (int m = 0; m < n; m++) {
                    shared += x.getDouble(((long) o * n + m) * inner + i) == x.getDouble(best) ? 1 : 0;
                }
                boolean tie = shared > 1;
                countTie(counts, tie, x, tx, k, size, best);
                for (int j = 0; j < k; j++) {
                    out.setDouble(j * outSize + (long) o * inner + i, tx.getDouble(j * size + best));
                }
            }
        }
    }

    /** 2-D max pooling of {@code [planes, h, w]} through the windows {@code g}, lexicographic as {@link #maxReduce}. */
    static void maxPool(Tensor x, Tensor tx, Tensor out, int k, int planes, Window2d g, long[] counts) {
        long size = x.size(), outSize = (long) planes * g.outH() * g.outW();
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    long best = -1;
                    boolean tie = false;
                    for (int dy = 0; dy < g.kh(); dy++) {
                        for (int dx = 0; dx < g.kw(); dx++) {
                            int iy = oy * g.sh() - g.ph() + dy, ix = ox * g.sw() - g.pw() + dx;
                            if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                                continue; // padding never wins a max
                            }
                            long e = ((long) p * g.h() + iy) * g.w() + ix;
                            if (best >= 0 && x.getDouble(e) == x.getDouble(best)) {
                                tie = true; // a tie of values; a later larger value clears it
                            } else if (best >= 0 && x.getDouble(e) > x.getDouble(best)) {
                                tie = false;
                            }
                            if (best < 0 || lexGreater(x, tx, k, size, e, best)) {
                                best = e;
                            }
                        }
                    }
                    countTie(counts, tie, x, tx, k, size, best);
                    long o = ((long) p * g.outH() + oy) * g.outW() + ox;
                    for (int j = 0; j < k; j++) {
                        out.setDouble(j * outSize + o, best < 0 ? 0 : tx.getDouble(j * size + best));
                    }
                }
            }
        }
    }

    /** Whether element e is lexicographically larger than element f: value first, then the rows in order. */
    private static boolean lexGreater(Tensor x, Tensor tx, int k, long size, long e, long f) {
        int c = compare(x.getDouble(e), x.getDouble(f));
        for (int j = 0; j < k && c == 0; j++) {
            c = compare(tx.getDouble(j * size + e), tx.getDouble(j * size + f));
        }
        return c > 0;
    }

    /** -1, 0 or 1 as {@code <}, {@code ==} and {@code >} order them (so 0 equals -0). */
    private static int compare(double a, double b) {
        return a > b ? 1 : a < b ? -1 : 0;
    }

    private static void countTie(long[] counts, boolean tie, Tensor x, Tensor tx, int k, long size, long best) {
        if (tie) {
            counts[0]++;
            counts[1] += best >= 0 && firstSign(tx, k, size, best) != 0 ? 1 : 0;
        }
    }

    private static double at(Tensor block, long index) {
        return block == null ? 0 : block.getDouble(index);
    }
}
