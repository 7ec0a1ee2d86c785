package dev.inertia.kernels.simd;

import dev.inertia.kernels.DirectConvKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.Window2d;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API direct convolution for stride 1 in F32 (other strides, and F64, which serves
 * gradient checks rather than throughput, run the scalar twin).
 *
 * <p>Each image's channels are copied into zero-padded planes of {@code (h + 2ph) × wp} (wp =
 * w + 2pw), one after the other in a per-thread array. With stride 1, output (oy, ox) reads the
 * window starting at padded position {@code oy·wp + ox}, so window element t = (c, ky, kx) of a
 * row of outputs is the padded array at a constant shift {@code off[t] = c·plane + ky·wp + kx}:
 * plain vector loads, no tests for the padding.
 *
 * <p>Work goes in register tiles of {@link #OB} output channels × two vectors: of one output row
 * (columns i to i + 2·VL), or of two rows when a row fits one vector; lanes past the row are
 * masked off when stored. Forward, each window element costs two loads, OB broadcasts of weights
 * (the tile's weights are one contiguous stream) and 2·OB fused multiply-adds, accumulated from
 * the bias in the order of t: bitwise the scalar twin's. Weight gradient: each image's dy is
 * copied into rows of wp with zeros past ow (so a tile's loop has no masks), and a tile of OB
 * output channels × {@link #TB} window elements sums dy · shifted input in vector lanes over all
 * of the call's images, then the lanes in lane order (rounding differs from the twin's order; an
 * infinite input value also meets those zeros, so it turns more weights' gradients into NaN than
 * the twin does). Output channels and window elements are padded to whole tiles with zero
 * weights, and results of the padding are dropped.
 *
 * <p>Each tile is a method of its own, a fixed body around one long loop, so that C2 keeps the
 * tile in registers (inside a larger loop nest it boxed the vectors).
 */
public final class PanamaDirectConv implements DirectConvKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final int VL = F.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Output channels per register tile. */
    private static final int OB = 4;
    /** Window elements per weight-gradient tile. */
    private static final int TB = 2;
    /** Per-thread work arrays; they only grow, so a steady-state step allocates nothing. */
    private static final ThreadLocal<Work> WORK = ThreadLocal.withInitial(Work::new);

    public PanamaDirectConv() {}

    /** A thread's arrays: padded planes, flat dy, weights by tile, bias, offsets, gradient lane sums. */
    private static final class Work {
        float[] pads = new float[0], flat = new float[0], weights = new float[0], bias = new float[0];
        float[] sums = new float[0];
        int[] off = new int[0];

        float[] pads(int n) {
            if (pads.length < n) {
                pads = new float[n];
            }
            return pads;
        }

        /** n zeros. */
        float[] zeroed(float[] a, int n) {
            float[] z = a.length < n ? new float[n] : a;
            Arrays.fill(z, 0, n, 0f);
            return z;
        }
    }

    private static boolean unitStride(Window2d g) {
        return g.sh() == 1 && g.sw() == 1;
    }

    @Override
    public void convForwardF32(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment w,
            long wOff, int outChannels, MemorySegment bias, long biasOff, MemorySegment y, long yOff) {
        if (!unitStride(g)) {
            Kernels.scalarDirectConv().convForwardF32(x, xOff, images, channels, g, w, wOff, outChannels, bias, biasOff,
                    y, yOff);
            return;
        }
        Work work = WORK.get();
        int taps = channels * g.kh() * g.kw(), o4 = Math.ceilDiv(outChannels, OB) * OB;
        int h = g.h(), oh = g.outH(), ow = g.outW(), wp = g.w() + 2 * g.pw();
        int[] off = offsets(work, channels, g, taps);
        // weights by block of OB output channels, window element, channel in the block (zero for
        // the padding channels): a tile reads its block's weights as one contiguous stream
        float[] wt = work.weights = work.zeroed(work.weights, taps * o4);
        float[] b = work.bias = work.zeroed(work.bias, o4);
        for (int o = 0; o < outChannels; o++) {
            int block = o / OB * taps * OB + o % OB;
            for (int t = 0; t < taps; t++) {
                wt[block + t * OB] = w.getAtIndex(FLOAT, wOff + (long) o * taps + t);
            }
            b[o] = bias == null ? 0f : bias.getAtIndex(FLOAT, biasOff + o);
        }
        for (int n = 0; n < images; n++) {
            float[] pads = padChannels(work, x, xOff + (long) n * channels * h * g.w(), channels, g);
            long image = yOff + (long) n * outChannels * oh * ow;
            for (int o = 0; o < o4; o += OB) {
                int valid = Math.min(OB, outChannels - o);
                if (ow <= VL) { // rows of one vector: a tile is two rows
                    for (int oy = 0; oy < oh; oy += 2) {
                        forwardTile(pads, off, taps, wt, b, o, oy * wp, wp, y, image + ((long) o * oh + oy) * ow, ow,
                                (long) oh * ow, valid, ow, oy + 1 < oh ? ow : 0);
                    }
                    continue;
                }
                for (int i = 0; i < ow; i += 2 * VL) { // a tile is two vectors of one row
                    for (int oy = 0; oy < oh; oy++) {
                        long yAt = image + ((long) o * oh + oy) * ow + i;
                        forwardTile(pads, off, taps, wt, b, o, oy * wp + i, VL, y, yAt, VL, (long) oh * ow, valid,
                                ow - i, ow - i - VL);
                    }
                }
            }
        }
    }

    /**
     * Output channels o..o+3 of two vectors of outputs, the first with its window at {@code at} in
     * the padded planes and at {@code yAt} in y, the second {@code xStep} and {@code yStep} further
     * (next vector of the row, or next row): from the bias, + Σ_t w[t][o + r] · pads[at + off[t]],
     * stored r·{@code plane} apart for the {@code valid} real channels, the first {@code cols0} and
     * {@code cols1} lanes of each vector.
     */
    private static void forwardTile(float[] pads, int[] off, int taps, float[] wt, float[] b, int o, int at, int xStep,
            MemorySegment y, long yAt, int yStep, long plane, int valid, int cols0, int cols1) {
        FloatVector a00 = FloatVector.broadcast(F, b[o]), a01 = a00;
        FloatVector a10 = FloatVector.broadcast(F, b[o + 1]), a11 = a10;
        FloatVector a20 = FloatVector.broadcast(F, b[o + 2]), a21 = a20;
        FloatVector a30 = FloatVector.broadcast(F, b[o + 3]), a31 = a30;
        for (int t = 0; t < taps; t++) {
            int p = at + off[t], wAt = o * taps + t * OB;
            FloatVector x0 = FloatVector.fromArray(F, pads, p), x1 = FloatVector.fromArray(F, pads, p + xStep);
            FloatVector w0 = FloatVector.broadcast(F, wt[wAt]);
            a00 = x0.fma(w0, a00);
            a01 = x1.fma(w0, a01);
            FloatVector w1 = FloatVector.broadcast(F, wt[wAt + 1]);
            a10 = x0.fma(w1, a10);
            a11 = x1.fma(w1, a11);
            FloatVector w2 = FloatVector.broadcast(F, wt[wAt + 2]);
            a20 = x0.fma(w2, a20);
            a21 = x1.fma(w2, a21);
            FloatVector w3 = FloatVector.broadcast(F, wt[wAt + 3]);
            a30 = x0.fma(w3, a30);
            a31 = x1.fma(w3, a31);
        }
        VectorMask<Float> m0 = F.indexInRange(0, cols0), m1 = F.indexInRange(0, Math.max(0, cols1));
        long p0 = yAt * 4L, p1 = (yAt + yStep) * 4L, step = plane * 4L;
        a00.intoMemorySegment(y, p0, NATIVE, m0);
        a01.intoMemorySegment(y, p1, NATIVE, m1);
        if (valid > 1) {
            a10.intoMemorySegment(y, p0 + step, NATIVE, m0);
            a11.intoMemorySegment(y, p1 + step, NATIVE, m1);
        }
        if (valid > 2) {
            a20.intoMemorySegment(y, p0 + 2 * step, NATIVE, m0);
            a21.intoMemorySegment(y, p1 + 2 * step, NATIVE, m1);
        }
        if (valid > 3) {
            a30.intoMemorySegment(y, p0 + 3 * step, NATIVE, m0);
            a31.intoMemorySegment(y, p1 + 3 * step, NATIVE, m1);
        }
    }

    @Override
    public void convWeightGradF32(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment dy,
            long dyOff, int outChannels, MemorySegment dw, long dwOff) {
        if (!unitStride(g)) {
            Kernels.scalarDirectConv().convWeightGradF32(x, xOff, images, channels, g, dy, dyOff, outChannels, dw,
                    dwOff);
            return;
        }
        Work work = WORK.get();
        int taps = channels * g.kh() * g.kw(), t2 = Math.ceilDiv(taps, TB) * TB;
        int o4 = Math.ceilDiv(outChannels, OB) * OB;
        int h = g.h(), oh = g.outH(), ow = g.outW(), wp = g.w() + 2 * g.pw(), len = Math.ceilDiv(oh * wp, VL) * VL;
        int[] off = offsets(work, channels, g, t2);
        // sums[(o·t2 + t)·VL + lane]: the tiles' lane sums, carried across the images
        float[] sums = work.sums = work.zeroed(work.sums, o4 * t2 * VL);
        // dy of one image in rows of wp: zero in the columns past ow, the tail and the padding channels
        float[] flat = work.flat = work.zeroed(work.flat, o4 * len);
        for (int n = 0; n < images; n++) {
            float[] pads = padChannels(work, x, xOff + (long) n * channels * h * g.w(), channels, g);
            long image = dyOff + (long) n * outChannels * oh * ow;
            for (int o = 0; o < outChannels; o++) {
                for (int i = 0; i < ow; i += VL) {
                    VectorMask<Float> m = F.indexInRange(i, ow);
                    for (int oy = 0; oy < oh; oy++) {
                        FloatVector.fromMemorySegment(F, dy, (image + ((long) o * oh + oy) * ow + i) * 4L, NATIVE, m)
                                .intoArray(flat, o * len + oy * wp + i, m);
                    }
                }
            }
            for (int o = 0; o < o4; o += OB) {
                for (int t = 0; t < t2; t += TB) {
                    weightTile(pads, off[t], off[t + 1], flat, o * len, len, sums, (o * t2 + t) * VL, t2 * VL);
                }
            }
        }
        for (int o = 0; o < outChannels; o++) {
            for (int t = 0; t < taps; t++) {
                long at = dwOff + (long) o * taps + t;
                // lanes summed in lane order, not reduceLanes: its order is unspecified and differs
                // between C2 and the interpreter, which made training results depend on JIT timing
                float sum = 0f;
                for (int l = 0, at0 = (o * t2 + t) * VL; l < VL; l++) {
                    sum += sums[at0 + l];
                }
                dw.setAtIndex(FLOAT, at, dw.getAtIndex(FLOAT, at) + sum);
            }
        }
    }

    /**
     * Adds to the lane sums at {@code s} (window elements t, t + 1 at s, s + VL; output channels
     * {@code oStride} apart) Σ_q flat[d + r·len + q] · pads[q + shift_j] over the flat positions q of
     * an image, four output channels from {@code d}.
     */
    private static void weightTile(float[] pads, int shift0, int shift1, float[] flat, int d, int len, float[] sums,
            int s, int oStride) {
        FloatVector s00 = FloatVector.fromArray(F, sums, s), s01 = FloatVector.fromArray(F, sums, s + VL);
        FloatVector s10 = FloatVector.fromArray(F, sums, s + oStride);
        FloatVector s11 = FloatVector.fromArray(F, sums, s + oStride + VL);
        FloatVector s20 = FloatVector.fromArray(F, sums, s + 2 * oStride);
        FloatVector s21 = FloatVector.fromArray(F, sums, s + 2 * oStride + VL);
        FloatVector s30 = FloatVector.fromArray(F, sums, s + 3 * oStride);
        FloatVector s31 = FloatVector.fromArray(F, sums, s + 3 * oStride + VL);
        for (int q = 0; q < len; q += VL) {
            FloatVector x0 = FloatVector.fromArray(F, pads, q + shift0);
            FloatVector x1 = FloatVector.fromArray(F, pads, q + shift1);
            FloatVector g0 = FloatVector.fromArray(F, flat, d + q);
            s00 = g0.fma(x0, s00);
            s01 = g0.fma(x1, s01);
            FloatVector g1 = FloatVector.fromArray(F, flat, d + len + q);
            s10 = g1.fma(x0, s10);
            s11 = g1.fma(x1, s11);
            FloatVector g2 = FloatVector.fromArray(F, flat, d + 2 * len + q);
            s20 = g2.fma(x0, s20);
            s21 = g2.fma(x1, s21);
            FloatVector g3 = FloatVector.fromArray(F, flat, d + 3 * len + q);
            s30 = g3.fma(x0, s30);
            s31 = g3.fma(x1, s31);
        }
        s00.intoArray(sums, s);
        s01.intoArray(sums, s + VL);
        s10.intoArray(sums, s + oStride);
        s11.intoArray(sums, s + oStride + VL);
        s20.intoArray(sums, s + 2 * oStride);
        s21.intoArray(sums, s + 2 * oStride + VL);
        s30.intoArray(sums, s + 3 * oStride);
        s31.intoArray(sums, s + 3 * oStride + VL);
    }

    @Override
    public void convForwardF64(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment w,
            long wOff, int outChannels, MemorySegment bias, long biasOff, MemorySegment y, long yOff) {
        Kernels.scalarDirectConv().convForwardF64(x, xOff, images, channels, g, w, wOff, outChannels, bias, biasOff, y,
                yOff);
    }

    @Override
    public void convWeightGradF64(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment dy,
            long dyOff, int outChannels, MemorySegment dw, long dwOff) {
        Kernels.scalarDirectConv().convWeightGradF64(x, xOff, images, channels, g, dy, dyOff, outChannels, dw, dwOff);
    }

    /**
     * One image's channels as zero-padded planes, one after the other, followed by zeros for the
     * reads of the last row's tile past its plane (up to two vectors and a window width).
     */
    private static float[] padChannels(Work work, MemorySegment x, long xOff, int channels, Window2d g) {
        int h = g.h(), w = g.w(), wp = w + 2 * g.pw(), plane = (h + 2 * g.ph()) * wp;
        int length = channels * plane + 2 * VL + wp;
        float[] pads = work.pads(length);
        Arrays.fill(pads, 0, length, 0f);
        for (int c = 0; c < channels; c++) {
            long src = xOff + (long) c * h * w;
            int first = c * plane + g.ph() * wp + g.pw();
            for (int i = 0; i < w; i += VL) {
                VectorMask<Float> m = F.indexInRange(i, w);
                for (int iy = 0; iy < h; iy++) {
                    FloatVector.fromMemorySegment(F, x, (src + (long) iy * w + i) * 4L, NATIVE, m)
                            .intoArray(pads, first + iy * wp + i, m);
                }
            }
        }
        return pads;
    }

    /** off[t] for window element t = (c, ky, kx) in order; entries past the taps, up to {@code count}, are 0. */
    private static int[] offsets(Work work, int channels, Window2d g, int count) {
        int kk = g.kh() * g.kw(), wp = g.w() + 2 * g.pw(), plane = (g.h() + 2 * g.ph()) * wp;
        if (work.off.length < count) {
            work.off = new int[count];
        }
        int[] off = work.off;
        Arrays.fill(off, 0, count, 0);
        for (int t = 0; t < channels * kk; t++) {
            int c = t / kk, k = t % kk;
            off[t] = c * plane + k / g.kw() * wp + k % g.kw();
        }
        return off;
    }
}
