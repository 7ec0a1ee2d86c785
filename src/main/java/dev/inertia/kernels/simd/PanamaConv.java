package dev.inertia.kernels.simd;

import dev.inertia.kernels.ConvKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.Window2d;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API convolution lowering for horizontal stride 1 (the models' convolutions); other
 * strides run the scalar twin. Each channel plane goes through a zero-padded copy in a per-thread
 * Java array, so every window row is one plain vector load at a fixed offset: no per-row
 * padding tests and no masks that depend on the kernel column. The loops keep the long loop
 * (over output rows) innermost: a vector loop of one or two trips innermost (a 14-wide row is one
 * 16-lane vector) made C2's code ~2.5x slower. col2im accumulates into the padded copy in the
 * scalar twin's order (kernel rows, then kernel columns, from +0), so both are bitwise equal.
 */
public final class PanamaConv implements ConvKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final VectorSpecies<Double> D = Widths.D;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Per-thread zero-padded channel planes; they only grow, so a steady-state step allocates nothing. */
    private static final ThreadLocal<float[]> PLANE_F32 = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<double[]> PLANE_F64 = ThreadLocal.withInitial(() -> new double[0]);

    public PanamaConv() {}

    @Override
    public void im2colF32(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff, int ldCol) {
        if (g.sw() != 1) {
            Kernels.scalarConv().im2colF32(x, xOff, channels, g, col, colOff, ldCol);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW(), p = oh * ow, vl = F.length();
        int wp = w + 2 * g.pw(), rowStep = g.sh() * wp;
        float[] pad = planeF32((h + 2 * g.ph()) * wp + vl);
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            copyInF32(x, xOff + (long) c * h * w, g, pad);
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    int base = ky * wp + kx;
                    if (ow <= vl) {
                        // one vector per output row: its lanes past ow fall on the next rows, written after it
                        int oy = 0;
                        for (; oy * ow + vl <= p; oy++) {
                            FloatVector.fromArray(F, pad, base + oy * rowStep)
                                    .intoMemorySegment(col, (row + oy * ow) * 4L, NATIVE);
                        }
                        for (; oy < oh; oy++) {
                            FloatVector.fromArray(F, pad, base + oy * rowStep)
                                    .intoMemorySegment(col, (row + oy * ow) * 4L, NATIVE, F.indexInRange(oy * ow, p));
                        }
                        continue;
                    }
                    for (int i = 0; i < ow; i += vl) {
                        if (i + vl <= ow) {
                            for (int oy = 0; oy < oh; oy++) {
                                FloatVector.fromArray(F, pad, base + oy * rowStep + i)
                                        .intoMemorySegment(col, (row + oy * ow + i) * 4L, NATIVE);
                            }
                        } else {
                            VectorMask<Float> m = F.indexInRange(i, ow);
                            for (int oy = 0; oy < oh; oy++) {
                                FloatVector.fromArray(F, pad, base + oy * rowStep + i)
                                        .intoMemorySegment(col, (row + oy * ow + i) * 4L, NATIVE, m);
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void col2imF32(MemorySegment col, long colOff, int ldCol, int channels, Window2d g, MemorySegment x, long xOff) {
        if (g.sw() != 1) {
            Kernels.scalarConv().col2imF32(col, colOff, ldCol, channels, g, x, xOff);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW(), vl = F.length();
        int wp = w + 2 * g.pw(), rowStep = g.sh() * wp, padded = (h + 2 * g.ph()) * wp + vl;
        float[] pad = planeF32(padded);
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            if (c > 0) { // planeF32 zeroed it for the first channel
                Arrays.fill(pad, 0, padded, 0f);
            }
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    int base = ky * wp + kx;
                    for (int i = 0; i < ow; i += vl) {
                        // masked-off lanes add +0 to entries that can never be -0 (they start at +0): no effect
                        VectorMask<Float> m = F.indexInRange(i, ow);
                        for (int oy = 0; oy < oh; oy++) {
                            int at = base + oy * rowStep + i;
                            FloatVector.fromArray(F, pad, at)
                                    .add(FloatVector.fromMemorySegment(F, col, (row + oy * ow + i) * 4L, NATIVE, m))
                                    .intoArray(pad, at);
                        }
                    }
                }
            }
            long plane = xOff + (long) c * h * w;
            for (int i = 0; i < w; i += vl) {
                VectorMask<Float> m = F.indexInRange(i, w);
                for (int y = 0; y < h; y++) {
                    FloatVector.fromArray(F, pad, (y + g.ph()) * wp + g.pw() + i)
                            .intoMemorySegment(x, (plane + (long) y * w + i) * 4L, NATIVE, m);
                }
            }
        }
    }

    /** Copies one {@code h × w} plane into the interior of the zero-padded array (the border stays zero). */
    private static void copyInF32(MemorySegment x, long plane, Window2d g, float[] pad) {
        int h = g.h(), w = g.w(), wp = w + 2 * g.pw();
        for (int i = 0; i < w; i += F.length()) {
            VectorMask<Float> m = F.indexInRange(i, w);
            for (int y = 0; y < h; y++) {
                FloatVector.fromMemorySegment(F, x, (plane + (long) y * w + i) * 4L, NATIVE, m)
                        .intoArray(pad, (y + g.ph()) * wp + g.pw() + i, m);
            }
        }
    }

    /** This thread's padded-plane array, zeroed over its first {@code length} entries. */
    private static float[] planeF32(int length) {
        float[] pad = PLANE_F32.get();
        if (pad.length < length) {
            pad = new float[length];
            PLANE_F32.set(pad);
        } else {
            Arrays.fill(pad, 0, length, 0f);
        }
        return pad;
    }

    @Override
    public void im2colF64(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff, int ldCol) {
        if (g.sw() != 1) {
            Kernels.scalarConv().im2colF64(x, xOff, channels, g, col, colOff, ldCol);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW(), p = oh * ow, vl = D.length();
        int wp = w + 2 * g.pw(), rowStep = g.sh() * wp;
        double[] pad = planeF64((h + 2 * g.ph()) * wp + vl);
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            copyInF64(x, xOff + (long) c * h * w, g, pad);
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    int base = ky * wp + kx;
                    if (ow <= vl) {
                        // one vector per output row: its lanes past ow fall on the next rows, written after it
                        int oy = 0;
                        for (; oy * ow + vl <= p; oy++) {
                            DoubleVector.fromArray(D, pad, base + oy * rowStep)
                                    .intoMemorySegment(col, (row + oy * ow) * 8L, NATIVE);
                        }
                        for (; oy < oh; oy++) {
                            DoubleVector.fromArray(D, pad, base + oy * rowStep)
                                    .intoMemorySegment(col, (row + oy * ow) * 8L, NATIVE, D.indexInRange(oy * ow, p));
                        }
                        continue;
                    }
                    for (int i = 0; i < ow; i += vl) {
                        if (i + vl <= ow) {
                            for (int oy = 0; oy < oh; oy++) {
                                DoubleVector.fromArray(D, pad, base + oy * rowStep + i)
                                        .intoMemorySegment(col, (row + oy * ow + i) * 8L, NATIVE);
                            }
                        } else {
                            VectorMask<Double> m = D.indexInRange(i, ow);
                            for (int oy = 0; oy < oh; oy++) {
                                DoubleVector.fromArray(D, pad, base + oy * rowStep + i)
                                        .intoMemorySegment(col, (row + oy * ow + i) * 8L, NATIVE, m);
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void col2imF64(MemorySegment col, long colOff, int ldCol, int channels, Window2d g, MemorySegment x, long xOff) {
        if (g.sw() != 1) {
            Kernels.scalarConv().col2imF64(col, colOff, ldCol, channels, g, x, xOff);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW(), vl = D.length();
        int wp = w + 2 * g.pw(), rowStep = g.sh() * wp, padded = (h + 2 * g.ph()) * wp + vl;
        double[] pad = planeF64(padded);
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            if (c > 0) { // planeF64 zeroed it for the first channel
                Arrays.fill(pad, 0, padded, 0d);
            }
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    int base = ky * wp + kx;
                    for (int i = 0; i < ow; i += vl) {
                        // masked-off lanes add +0 to entries that can never be -0 (they start at +0): no effect
                        VectorMask<Double> m = D.indexInRange(i, ow);
                        for (int oy = 0; oy < oh; oy++) {
                            int at = base + oy * rowStep + i;
                            DoubleVector.fromArray(D, pad, at)
                                    .add(DoubleVector.fromMemorySegment(D, col, (row + oy * ow + i) * 8L, NATIVE, m))
                                    .intoArray(pad, at);
                        }
                    }
                }
            }
            long plane = xOff + (long) c * h * w;
            for (int i = 0; i < w; i += vl) {
                VectorMask<Double> m = D.indexInRange(i, w);
                for (int y = 0; y < h; y++) {
                    DoubleVector.fromArray(D, pad, (y + g.ph()) * wp + g.pw() + i)
                            .intoMemorySegment(x, (plane + (long) y * w + i) * 8L, NATIVE, m);
                }
            }
        }
    }

    /** Copies one {@code h × w} plane into the interior of the zero-padded array (the border stays zero). */
    private static void copyInF64(MemorySegment x, long plane, Window2d g, double[] pad) {
        int h = g.h(), w = g.w(), wp = w + 2 * g.pw();
        for (int i = 0; i < w; i += D.length()) {
            VectorMask<Double> m = D.indexInRange(i, w);
            for (int y = 0; y < h; y++) {
                DoubleVector.fromMemorySegment(D, x, (plane + (long) y * w + i) * 8L, NATIVE, m)
                        .intoArray(pad, (y + g.ph()) * wp + g.pw() + i, m);
            }
        }
    }

    /** This thread's padded-plane array, zeroed over its first {@code length} entries. */
    private static double[] planeF64(int length) {
        double[] pad = PLANE_F64.get();
        if (pad.length < length) {
            pad = new double[length];
            PLANE_F64.set(pad);
        } else {
            Arrays.fill(pad, 0, length, 0d);
        }
        return pad;
    }
}
