package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The direct convolution, any strides and paddings: one output (forward) or one weight
 * (gradient) at a time, in the order {@link DirectConvKernels} fixes for the forward pass. The
 * weight gradient sums each weight's products over images, output rows, then columns, and adds
 * the sum to dw.
 */
final class ScalarDirectConv implements DirectConvKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    @Override
    public void convForwardF32(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment w,
            long wOff, int outChannels, MemorySegment bias, long biasOff, MemorySegment y, long yOff) {
        int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW();
        for (int n = 0; n < images; n++) {
            forwardImageF32(x, xOff + (long) n * channels * h * wd, channels, g, w, wOff, outChannels, bias, biasOff, y,
                    yOff + (long) n * outChannels * oh * ow);
        }
    }

    private static void forwardImageF32(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment w,
            long wOff, int outChannels, MemorySegment bias, long biasOff, MemorySegment y, long yOff) {
        int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW(), kk = g.kh() * g.kw();
        for (int o = 0; o < outChannels; o++) {
            float b = bias == null ? 0f : bias.getAtIndex(F, biasOff + o);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float acc = b;
                    for (int c = 0; c < channels; c++) {
                        long plane = xOff + (long) c * h * wd, wRow = wOff + ((long) o * channels + c) * kk;
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = oy * g.sh() - g.ph() + ky;
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int ix = ox * g.sw() - g.pw() + kx;
                                float v = iy < 0 || iy >= h || ix < 0 || ix >= wd ? 0f
                                        : x.getAtIndex(F, plane + (long) iy * wd + ix);
                                acc = Math.fma(w.getAtIndex(F, wRow + ky * g.kw() + kx), v, acc);
                            }
                        }
                    }
                    y.setAtIndex(F, yOff + ((long) o * oh + oy) * ow + ox, acc);
                }
            }
        }
    }

    @Override
    public void convForwardF64(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment w,
            long wOff, int outChannels, MemorySegment bias, long biasOff, MemorySegment y, long yOff) {
        int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW();
        for (int n = 0; n < images; n++) {
            forwardImageF64(x, xOff + (long) n * channels * h * wd, channels, g, w, wOff, outChannels, bias, biasOff, y,
                    yOff + (long) n * outChannels * oh * ow);
        }
    }

    private static void forwardImageF64(MemorySegment x, long xOff, int channels, Window2d g, MemorySegment w,
            long wOff, int outChannels, MemorySegment bias, long biasOff, MemorySegment y, long yOff) {
        int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW(), kk = g.kh() * g.kw();
        for (int o = 0; o < outChannels; o++) {
            double b = bias == null ? 0 : bias.getAtIndex(D, biasOff + o);
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double acc = b;
                    for (int c = 0; c < channels; c++) {
                        long plane = xOff + (long) c * h * wd, wRow = wOff + ((long) o * channels + c) * kk;
                        for (int ky = 0; ky < g.kh(); ky++) {
                            int iy = oy * g.sh() - g.ph() + ky;
                            for (int kx = 0; kx < g.kw(); kx++) {
                                int ix = ox * g.sw() - g.pw() + kx;
                                double v = iy < 0 || iy >= h || ix < 0 || ix >= wd ? 0
                                        : x.getAtIndex(D, plane + (long) iy * wd + ix);
                                acc = Math.fma(w.getAtIndex(D, wRow + ky * g.kw() + kx), v, acc);
                            }
                        }
                    }
                    y.setAtIndex(D, yOff + ((long) o * oh + oy) * ow + ox, acc);
                }
            }
        }
    }

    @Override
    public void convWeightGradF32(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment dy,
            long dyOff, int outChannels, MemorySegment dw, long dwOff) {
        int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW();
        long at = dwOff;
        for (int o = 0; o < outChannels; o++) {
            long dyPlane = dyOff + (long) o * oh * ow;
            for (int c = 0; c < channels; c++) {
                long plane = xOff + (long) c * h * wd;
                for (int ky = 0; ky < g.kh(); ky++) {
                    for (int kx = 0; kx < g.kw(); kx++, at++) {
                        float sum = 0f;
                        for (int n = 0; n < images; n++) {
                            long dyAt = dyPlane + (long) n * outChannels * oh * ow;
                            long xAt = plane + (long) n * channels * h * wd;
                            for (int oy = 0; oy < oh; oy++) {
                                int iy = oy * g.sh() - g.ph() + ky;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                for (int ox = 0; ox < ow; ox++) {
                                    int ix = ox * g.sw() - g.pw() + kx;
                                    if (ix >= 0 && ix < wd) {
                                        sum = Math.fma(dy.getAtIndex(F, dyAt + (long) oy * ow + ox),
                                                x.getAtIndex(F, xAt + (long) iy * wd + ix), sum);
                                    }
                                }
                            }
                        }
                        dw.setAtIndex(F, at, dw.getAtIndex(F, at) + sum);
                    }
                }
            }
        }
    }

    @Override
    public void convWeightGradF64(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment dy,
            long dyOff, int outChannels, MemorySegment dw, long dwOff) {
        int h = g.h(), wd = g.w(), oh = g.outH(), ow = g.outW();
        long at = dwOff;
        for (int o = 0; o < outChannels; o++) {
            long dyPlane = dyOff + (long) o * oh * ow;
            for (int c = 0; c < channels; c++) {
                long plane = xOff + (long) c * h * wd;
                for (int ky = 0; ky < g.kh(); ky++) {
                    for (int kx = 0; kx < g.kw(); kx++, at++) {
                        double sum = 0;
                        for (int n = 0; n < images; n++) {
                            long dyAt = dyPlane + (long) n * outChannels * oh * ow;
                            long xAt = plane + (long) n * channels * h * wd;
                            for (int oy = 0; oy < oh; oy++) {
                                int iy = oy * g.sh() - g.ph() + ky;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                for (int ox = 0; ox < ow; ox++) {
                                    int ix = ox * g.sw() - g.pw() + kx;
                                    if (ix >= 0 && ix < wd) {
                                        sum = Math.fma(dy.getAtIndex(D, dyAt + (long) oy * ow + ox),
                                                x.getAtIndex(D, xAt + (long) iy * wd + ix), sum);
                                    }
                                }
                            }
                        }
                        dw.setAtIndex(D, at, dw.getAtIndex(D, at) + sum);
                    }
                }
            }
        }
    }
}
