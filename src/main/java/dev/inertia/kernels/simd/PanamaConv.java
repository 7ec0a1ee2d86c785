package dev.inertia.kernels.simd;

import dev.inertia.kernels.ConvKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.Window2d;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API convolution lowering for stride 1 (the models' convolutions); other strides run
 * the scalar twin. Each output row of a column-matrix row is written by masked vector loads and
 * stores: the lanes whose input column falls in the padding load nothing and store zeros, so a
 * row of 14 or 28 outputs is one or two vector steps instead of a small bulk copy plus zero
 * fills. col2im adds in the scalar twin's order, so both are bitwise equal.
 */
public final class PanamaConv implements ConvKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final VectorSpecies<Double> D = Widths.D;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    public PanamaConv() {}

    @Override
    public void im2colF32(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff, int ldCol) {
        if (g.sw() != 1) {
            Kernels.scalarConv().im2colF32(x, xOff, channels, g, col, colOff, ldCol);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        FloatVector zero = FloatVector.zero(F);
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            long plane = xOff + (long) c * h * w;
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    // output column ox reads input column ox - pw + kx, inside [0, w) for ox in [oxa, oxb)
                    int oxa = Math.max(0, g.pw() - kx), oxb = Math.min(ow, w + g.pw() - kx);
                    // the masks depend on the column block only: made once, used for every output row
                    for (int i = 0; i < ow; i += F.length()) {
                        VectorMask<Float> store = F.indexInRange(i, ow);
                        VectorMask<Float> load = F.indexInRange(i - oxa, oxb - oxa);
                        for (int oy = 0; oy < oh; oy++) {
                            long dst = row + (long) oy * ow + i;
                            int y = oy * g.sh() - g.ph() + ky;
                            FloatVector v = zero;
                            if (y >= 0 && y < h && oxa < oxb) {
                                long src = plane + (long) y * w - g.pw() + kx + i;
                                v = FloatVector.fromMemorySegment(F, x, src * 4L, NATIVE, load);
                            }
                            v.intoMemorySegment(col, dst * 4L, NATIVE, store);
                        }
                    }
                }
            }
        }
    }

    @Override
    public void im2colF64(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff, int ldCol) {
        if (g.sw() != 1) {
            Kernels.scalarConv().im2colF64(x, xOff, channels, g, col, colOff, ldCol);
            return;
        }
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        DoubleVector zero = DoubleVector.zero(D);
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            long plane = xOff + (long) c * h * w;
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    // output column ox reads input column ox - pw + kx, inside [0, w) for ox in [oxa, oxb)
                    int oxa = Math.max(0, g.pw() - kx), oxb = Math.min(ow, w + g.pw() - kx);
                    // the masks depend on the column block only: made once, used for every output row
                    for (int i = 0; i < ow; i += D.length()) {
                        VectorMask<Double> store = D.indexInRange(i, ow);
                        VectorMask<Double> load = D.indexInRange(i - oxa, oxb - oxa);
                        for (int oy = 0; oy < oh; oy++) {
                            long dst = row + (long) oy * ow + i;
                            int y = oy * g.sh() - g.ph() + ky;
                            DoubleVector v = zero;
                            if (y >= 0 && y < h && oxa < oxb) {
                                long src = plane + (long) y * w - g.pw() + kx + i;
                                v = DoubleVector.fromMemorySegment(D, x, src * 8L, NATIVE, load);
                            }
                            v.intoMemorySegment(col, dst * 8L, NATIVE, store);
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
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        x.asSlice(xOff * 4L, (long) channels * h * w * 4L).fill((byte) 0);
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            long plane = xOff + (long) c * h * w;
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    int oxa = Math.max(0, g.pw() - kx), oxb = Math.min(ow, w + g.pw() - kx);
                    if (oxa >= oxb) {
                        continue;
                    }
                    for (int oy = 0; oy < oh; oy++) {
                        int y = oy * g.sh() - g.ph() + ky;
                        if (y < 0 || y >= h) {
                            continue;
                        }
                        long src = row + (long) oy * ow;
                        long dst = plane + (long) y * w - g.pw() + kx;
                        for (int i = oxa; i < oxb; i += F.length()) {
                            VectorMask<Float> m = F.indexInRange(i, oxb);
                            FloatVector a = FloatVector.fromMemorySegment(F, x, (dst + i) * 4L, NATIVE, m);
                            FloatVector b = FloatVector.fromMemorySegment(F, col, (src + i) * 4L, NATIVE, m);
                            a.add(b).intoMemorySegment(x, (dst + i) * 4L, NATIVE, m);
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
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        x.asSlice(xOff * 8L, (long) channels * h * w * 8L).fill((byte) 0);
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            long plane = xOff + (long) c * h * w;
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    int oxa = Math.max(0, g.pw() - kx), oxb = Math.min(ow, w + g.pw() - kx);
                    if (oxa >= oxb) {
                        continue;
                    }
                    for (int oy = 0; oy < oh; oy++) {
                        int y = oy * g.sh() - g.ph() + ky;
                        if (y < 0 || y >= h) {
                            continue;
                        }
                        long src = row + (long) oy * ow;
                        long dst = plane + (long) y * w - g.pw() + kx;
                        for (int i = oxa; i < oxb; i += D.length()) {
                            VectorMask<Double> m = D.indexInRange(i, oxb);
                            DoubleVector a = DoubleVector.fromMemorySegment(D, x, (dst + i) * 8L, NATIVE, m);
                            DoubleVector b = DoubleVector.fromMemorySegment(D, col, (src + i) * 8L, NATIVE, m);
                            a.add(b).intoMemorySegment(x, (dst + i) * 8L, NATIVE, m);
                        }
                    }
                }
            }
        }
    }
}
