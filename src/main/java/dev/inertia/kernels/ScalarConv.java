package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The convolution lowering. Each row of the column matrix (one channel and kernel offset) is a
 * strided read of the image; with stride 1 the in-bounds part of every output row is one
 * contiguous run, copied in bulk.
 */
final class ScalarConv implements ConvKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    @Override
    public void im2colF32(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff, int ldCol) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            long plane = xOff + (long) c * h * w;
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    // Output columns ox whose input column ox*sw - pw + kx lies inside [0, w).
                    int oxa = Math.max(0, Math.ceilDiv(g.pw() - kx, g.sw()));
                    int oxb = Math.min(ow, Math.ceilDiv(w + g.pw() - kx, g.sw()));
                    for (int oy = 0; oy < oh; oy++) {
                        long dst = row + (long) oy * ow;
                        int y = oy * g.sh() - g.ph() + ky;
                        if (y < 0 || y >= h || oxa >= oxb) {
                            zeroF32(col, dst, ow);
                            continue;
                        }
                        zeroF32(col, dst, oxa);
                        zeroF32(col, dst + oxb, ow - oxb);
                        long src = plane + (long) y * w + (long) oxa * g.sw() - g.pw() + kx;
                        if (g.sw() == 1) {
                            MemorySegment.copy(x, src * 4L, col, (dst + oxa) * 4L, (long) (oxb - oxa) * 4L);
                        } else {
                            for (int ox = oxa; ox < oxb; ox++, src += g.sw()) {
                                col.setAtIndex(F, dst + ox, x.getAtIndex(F, src));
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void im2colF64(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment col, long colOff, int ldCol) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            long plane = xOff + (long) c * h * w;
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    // Output columns ox whose input column ox*sw - pw + kx lies inside [0, w).
                    int oxa = Math.max(0, Math.ceilDiv(g.pw() - kx, g.sw()));
                    int oxb = Math.min(ow, Math.ceilDiv(w + g.pw() - kx, g.sw()));
                    for (int oy = 0; oy < oh; oy++) {
                        long dst = row + (long) oy * ow;
                        int y = oy * g.sh() - g.ph() + ky;
                        if (y < 0 || y >= h || oxa >= oxb) {
                            zeroF64(col, dst, ow);
                            continue;
                        }
                        zeroF64(col, dst, oxa);
                        zeroF64(col, dst + oxb, ow - oxb);
                        long src = plane + (long) y * w + (long) oxa * g.sw() - g.pw() + kx;
                        if (g.sw() == 1) {
                            MemorySegment.copy(x, src * 8L, col, (dst + oxa) * 8L, (long) (oxb - oxa) * 8L);
                        } else {
                            for (int ox = oxa; ox < oxb; ox++, src += g.sw()) {
                                col.setAtIndex(D, dst + ox, x.getAtIndex(D, src));
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void col2imF32(MemorySegment col, long colOff, int ldCol, int channels, Window2d g, MemorySegment x, long xOff) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        zeroF32(x, xOff, channels * h * w);
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            long plane = xOff + (long) c * h * w;
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    int oxa = Math.max(0, Math.ceilDiv(g.pw() - kx, g.sw()));
                    int oxb = Math.min(ow, Math.ceilDiv(w + g.pw() - kx, g.sw()));
                    for (int oy = 0; oy < oh; oy++) {
                        int y = oy * g.sh() - g.ph() + ky;
                        if (y < 0 || y >= h) {
                            continue;
                        }
                        long src = row + (long) oy * ow;
                        long dst = plane + (long) y * w + (long) oxa * g.sw() - g.pw() + kx;
                        for (int ox = oxa; ox < oxb; ox++, dst += g.sw()) {
                            x.setAtIndex(F, dst, x.getAtIndex(F, dst) + col.getAtIndex(F, src + ox));
                        }
                    }
                }
            }
        }
    }

    @Override
    public void col2imF64(MemorySegment col, long colOff, int ldCol, int channels, Window2d g, MemorySegment x, long xOff) {
        int h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
        zeroF64(x, xOff, channels * h * w);
        long row = colOff;
        for (int c = 0; c < channels; c++) {
            long plane = xOff + (long) c * h * w;
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, row += ldCol) {
                    int oxa = Math.max(0, Math.ceilDiv(g.pw() - kx, g.sw()));
                    int oxb = Math.min(ow, Math.ceilDiv(w + g.pw() - kx, g.sw()));
                    for (int oy = 0; oy < oh; oy++) {
                        int y = oy * g.sh() - g.ph() + ky;
                        if (y < 0 || y >= h) {
                            continue;
                        }
                        long src = row + (long) oy * ow;
                        long dst = plane + (long) y * w + (long) oxa * g.sw() - g.pw() + kx;
                        for (int ox = oxa; ox < oxb; ox++, dst += g.sw()) {
                            x.setAtIndex(D, dst, x.getAtIndex(D, dst) + col.getAtIndex(D, src + ox));
                        }
                    }
                }
            }
        }
    }

    private static void zeroF32(MemorySegment s, long off, int n) {
        if (n > 0) {
            s.asSlice(off * 4L, n * 4L).fill((byte) 0);
        }
    }

    private static void zeroF64(MemorySegment s, long off, int n) {
        if (n > 0) {
            s.asSlice(off * 8L, n * 8L).fill((byte) 0);
        }
    }
}
