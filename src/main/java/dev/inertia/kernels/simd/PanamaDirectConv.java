package dev.inertia.kernels.simd;

import dev.inertia.kernels.scalar.ScalarKernels;
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
 * no tests for the padding.
 *
 * <p>Forward, deep windows ({@link #LANES_MIN_TAPS} elements and more) put output channels in the
 * vector lanes, the layout of a GEMM with the input as its broadcast operand: a register tile is
 * {@link #PT} consecutive outputs of a row × two vectors (or one) of output channels; per window
 * element, one vector of weights per channel block (weights stored by window element) and PT
 * broadcast inputs. The tiles write outputs by padded position into a per-thread array (a row's
 * last tile may run past the row, into positions that are dropped), transposed to NCHW once per
 * image. Shallow windows, where that transposition would cost more than the tiles save, go along
 * rows instead: tiles of {@link #OB} output channels × two vectors of one output row (or of two
 * rows when a row fits one vector; lanes past the row masked off when stored), each window
 * element costing two loads, OB broadcast weights (the tile's weights one contiguous stream) and
 * 2·OB fused multiply-adds. Both accumulate from the bias in the order of t: bitwise the scalar
 * twin's. Output channels are padded to whole tiles with zero weights, and results of the padding
 * are dropped.
 *
 * <p>Weight gradient: with output channels in the lanes, no lanes are ever summed. Each image's
 * dy is copied by pixel ({@code [oh·ow, O]}, zeros up to whole vectors; VL × VL blocks transposed
 * in vectors by rounds of interleaving), and a tile of {@link #TB} window elements × 4, 2 or 1
 * vectors of output channels adds, pixel after pixel, dy(pixel) times the broadcast input value
 * under window element t: the twin's order of fused multiply-adds, so bitwise its result (the
 * padding's terms add +0; an infinite dy meeting the padding gives NaN where the twin, which
 * skips those terms, does not). Window elements are padded to whole tiles with shift 0, and
 * results of the padding are dropped.
 *
 * <p>Each tile is a method of its own, a fixed body around one long loop, so that C2 keeps the
 * tile in registers (inside a larger loop nest it boxed the vectors).
 */
public final class PanamaDirectConv implements DirectConvKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final int VL = F.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Output channels per register tile of the row-wise forward pass. */
    private static final int OB = 4;
    /** Output positions per register tile of the lane-wise forward pass: two cover a 14- or 28-wide row. */
    private static final int PT = 7;
    /**
     * Shallowest window ({@code C·kh·kw}) convolved forward with output channels in the lanes: below,
     * copying the outputs to NCHW costs more than the tiles save (the cnn's first layer, 25 deep).
     */
    private static final int LANES_MIN_TAPS = 64;
    /** Window elements per weight-gradient tile. */
    private static final int TB = 5;
    /** Interleavings that transpose a VL × VL block (log2 VL; VL is at least 4). */
    private static final int ROUNDS = Integer.numberOfTrailingZeros(VL);
    /** Lanes of (u, v): u0, v0, u1, v1, ... from the low halves, and the same from the high halves. */
    private static final FloatVector LOW = FloatVector.fromArray(F, interleave(0), 0);
    private static final FloatVector HIGH = FloatVector.fromArray(F, interleave(VL / 2), 0);
    /** Per-thread work arrays; they only grow, so a steady-state step allocates nothing. */
    private static final ThreadLocal<Work> WORK = ThreadLocal.withInitial(Work::new);

    public PanamaDirectConv() {}

    private static float[] interleave(int from) {
        float[] idx = new float[VL];
        for (int i = 0; i < VL; i++) {
            idx[i] = (i % 2 == 0 ? 0 : VL) + from + i / 2;
        }
        return idx;
    }

    /**
     * A thread's arrays: padded planes, dy by pixel, outputs by position, an image in NCHW order,
     * weights, bias, weight-gradient sums, window offsets.
     */
    private static final class Work {
        float[] pads = new float[0], byPixel = new float[0], byPosition = new float[0], nchw = new float[0];
        float[] weights = new float[0], bias = new float[0], sums = new float[0];
        /** Two VL × VL blocks: the transposition's intermediate stages. */
        final float[] stage = new float[2 * VL * VL];
        int[] off = new int[0];

        float[] pads(int n) {
            if (pads.length < n) {
                pads = new float[n];
            }
            return pads;
        }

        float[] nchw(int n) {
            if (nchw.length < n) {
                nchw = new float[n];
            }
            return nchw;
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
            ScalarKernels.directConv().convForwardF32(x, xOff, images, channels, g, w, wOff, outChannels, bias, biasOff,
                    y, yOff);
            return;
        }
        if (channels * g.kh() * g.kw() < LANES_MIN_TAPS) {
            forwardByRows(x, xOff, images, channels, g, w, wOff, outChannels, bias, biasOff, y, yOff);
        } else {
            forwardByLanes(x, xOff, images, channels, g, w, wOff, outChannels, bias, biasOff, y, yOff);
        }
    }

    /** Tiles of {@link #OB} output channels × two vectors along rows (shallow windows). */
    private static void forwardByRows(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment w,
            long wOff, int outChannels, MemorySegment bias, long biasOff, MemorySegment y, long yOff) {
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

    /** Tiles of {@link #PT} outputs × output channels in the lanes (deep windows). */
    private static void forwardByLanes(MemorySegment x, long xOff, int images, int channels, Window2d g,
            MemorySegment w, long wOff, int outChannels, MemorySegment bias, long biasOff, MemorySegment y, long yOff) {
        Work work = WORK.get();
        int taps = channels * g.kh() * g.kw(), oPad = Math.ceilDiv(outChannels, VL) * VL, vectors = oPad / VL;
        int h = g.h(), oh = g.outH(), ow = g.outW(), wp = g.w() + 2 * g.pw();
        int[] off = offsets(work, channels, g, taps);
        // weights by window element, output channels contiguous (zeros past outChannels)
        float[] wt = work.weights = work.zeroed(work.weights, taps * oPad);
        float[] b = work.bias = work.zeroed(work.bias, oPad);
        for (int o = 0; o < outChannels; o++) {
            for (int t = 0; t < taps; t++) {
                wt[t * oPad + o] = w.getAtIndex(FLOAT, wOff + (long) o * taps + t);
            }
            b[o] = bias == null ? 0f : bias.getAtIndex(FLOAT, biasOff + o);
        }
        // outputs by padded position q = oy·wp + ox, output channels contiguous; a row's last tile
        // may run past ow (those outputs are dropped)
        int rowTiles = Math.ceilDiv(ow, PT);
        float[] out = work.byPosition = work.zeroed(work.byPosition, ((oh - 1) * wp + rowTiles * PT) * oPad);
        for (int n = 0; n < images; n++) {
            float[] pads = padChannels(work, x, xOff + (long) n * channels * h * g.w(), channels, g);
            for (int v = 0; v < vectors; ) {
                int block = vectors - v >= 2 ? 2 : 1, o = v * VL;
                for (int oy = 0; oy < oh; oy++) {
                    for (int i = 0, q = oy * wp; i < rowTiles; i++, q += PT) {
                        if (block == 2) {
                            forwardTile2(pads, q, off, taps, wt, oPad, o, b, out);
                        } else {
                            forwardTile1(pads, q, off, taps, wt, oPad, o, b, out);
                        }
                    }
                }
                v += block;
            }
            // transposed into NCHW order on the heap (row by row, the row's outputs staying in L1),
            // then one bulk copy: element by element into the segment cost twice the tiles' time
            float[] nchw = work.nchw(outChannels * oh * ow);
            for (int oy = 0; oy < oh; oy++) {
                for (int o = 0; o < outChannels; o++) {
                    int yAt = (o * oh + oy) * ow;
                    for (int ox = 0, at = (oy * wp) * oPad + o; ox < ow; ox++, at += oPad) {
                        nchw[yAt + ox] = out[at];
                    }
                }
            }
            MemorySegment.copy(nchw, 0, y, FLOAT, (yOff + (long) n * outChannels * oh * ow) * 4L,
                    outChannels * oh * ow);
        }
    }

    /*
     * The forward tiles: outputs at the PT padded positions q..q+6 (one row, or past its end) × 2
     * or 1 vectors of output channels from o. From the bias, each window element t adds its
     * weights (a vector per output channel block) times the broadcast input at q + j + off[t].
     */

    private static void forwardTile2(float[] pads, int q, int[] off, int taps, float[] wt, int oPad, int o, float[] b,
            float[] out) {
        FloatVector a00 = FloatVector.fromArray(F, b, o), a01 = FloatVector.fromArray(F, b, o + VL);
        FloatVector a10 = a00, a11 = a01, a20 = a00, a21 = a01, a30 = a00, a31 = a01;
        FloatVector a40 = a00, a41 = a01, a50 = a00, a51 = a01, a60 = a00, a61 = a01;
        for (int t = 0; t < taps; t++) {
            int p = q + off[t], wAt = t * oPad + o;
            FloatVector w0 = FloatVector.fromArray(F, wt, wAt), w1 = FloatVector.fromArray(F, wt, wAt + VL);
            FloatVector x = FloatVector.broadcast(F, pads[p]);
            a00 = w0.fma(x, a00);
            a01 = w1.fma(x, a01);
            x = FloatVector.broadcast(F, pads[p + 1]);
            a10 = w0.fma(x, a10);
            a11 = w1.fma(x, a11);
            x = FloatVector.broadcast(F, pads[p + 2]);
            a20 = w0.fma(x, a20);
            a21 = w1.fma(x, a21);
            x = FloatVector.broadcast(F, pads[p + 3]);
            a30 = w0.fma(x, a30);
            a31 = w1.fma(x, a31);
            x = FloatVector.broadcast(F, pads[p + 4]);
            a40 = w0.fma(x, a40);
            a41 = w1.fma(x, a41);
            x = FloatVector.broadcast(F, pads[p + 5]);
            a50 = w0.fma(x, a50);
            a51 = w1.fma(x, a51);
            x = FloatVector.broadcast(F, pads[p + 6]);
            a60 = w0.fma(x, a60);
            a61 = w1.fma(x, a61);
        }
        int at = q * oPad + o;
        a00.intoArray(out, at);
        a01.intoArray(out, at + VL);
        a10.intoArray(out, at + oPad);
        a11.intoArray(out, at + oPad + VL);
        a20.intoArray(out, at + 2 * oPad);
        a21.intoArray(out, at + 2 * oPad + VL);
        a30.intoArray(out, at + 3 * oPad);
        a31.intoArray(out, at + 3 * oPad + VL);
        a40.intoArray(out, at + 4 * oPad);
        a41.intoArray(out, at + 4 * oPad + VL);
        a50.intoArray(out, at + 5 * oPad);
        a51.intoArray(out, at + 5 * oPad + VL);
        a60.intoArray(out, at + 6 * oPad);
        a61.intoArray(out, at + 6 * oPad + VL);
    }

    private static void forwardTile1(float[] pads, int q, int[] off, int taps, float[] wt, int oPad, int o, float[] b,
            float[] out) {
        FloatVector a0 = FloatVector.fromArray(F, b, o), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
        for (int t = 0; t < taps; t++) {
            int p = q + off[t];
            FloatVector w0 = FloatVector.fromArray(F, wt, t * oPad + o);
            a0 = w0.fma(FloatVector.broadcast(F, pads[p]), a0);
            a1 = w0.fma(FloatVector.broadcast(F, pads[p + 1]), a1);
            a2 = w0.fma(FloatVector.broadcast(F, pads[p + 2]), a2);
            a3 = w0.fma(FloatVector.broadcast(F, pads[p + 3]), a3);
            a4 = w0.fma(FloatVector.broadcast(F, pads[p + 4]), a4);
            a5 = w0.fma(FloatVector.broadcast(F, pads[p + 5]), a5);
            a6 = w0.fma(FloatVector.broadcast(F, pads[p + 6]), a6);
        }
        int at = q * oPad + o;
        a0.intoArray(out, at);
        a1.intoArray(out, at + oPad);
        a2.intoArray(out, at + 2 * oPad);
        a3.intoArray(out, at + 3 * oPad);
        a4.intoArray(out, at + 4 * oPad);
        a5.intoArray(out, at + 5 * oPad);
        a6.intoArray(out, at + 6 * oPad);
    }

    @Override
    public void convWeightGradF32(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment dy,
            long dyOff, int outChannels, MemorySegment dw, long dwOff) {
        if (!unitStride(g)) {
            ScalarKernels.directConv().convWeightGradF32(x, xOff, images, channels, g, dy, dyOff, outChannels, dw,
                    dwOff);
            return;
        }
        Work work = WORK.get();
        int taps = channels * g.kh() * g.kw(), t5 = Math.ceilDiv(taps, TB) * TB;
        int oPad = Math.ceilDiv(outChannels, VL) * VL, vectors = oPad / VL;
        int h = g.h(), oh = g.outH(), ow = g.outW(), wp = g.w() + 2 * g.pw(), pixels = oh * ow;
        int[] off = offsets(work, channels, g, t5);
        // sums[t·oPad + o]: the gradient of weight (o, t), carried across the images
        float[] sums = work.sums = work.zeroed(work.sums, t5 * oPad);
        // one image's dy by pixel, its output channels contiguous (zeros past outChannels)
        float[] byPixel = work.byPixel = work.zeroed(work.byPixel, pixels * oPad);
        float[] nchw = work.nchw(oPad * pixels), stage = work.stage;
        Arrays.fill(nchw, outChannels * pixels, oPad * pixels, 0f);
        int whole = pixels - pixels % VL;
        for (int n = 0; n < images; n++) {
            float[] pads = padChannels(work, x, xOff + (long) n * channels * h * g.w(), channels, g);
            long image = dyOff + (long) n * outChannels * pixels;
            // one bulk copy (rows past outChannels stay zero), then VL × VL blocks transposed in
            // vectors; the pixels past the last whole block one by one
            MemorySegment.copy(dy, FLOAT, image * 4L, nchw, 0, outChannels * pixels);
            for (int o = 0; o < oPad; o += VL) {
                for (int q = 0; q < whole; q += VL) {
                    transposeBlock(nchw, o * pixels + q, pixels, byPixel, q * oPad + o, oPad, stage);
                }
            }
            for (int o = 0; o < outChannels; o++) {
                for (int q = whole, at = whole * oPad + o; q < pixels; q++, at += oPad) {
                    byPixel[at] = nchw[o * pixels + q];
                }
            }
            for (int v = 0; v < vectors; ) {
                int block = vectors - v >= 4 ? 4 : vectors - v >= 2 ? 2 : 1, o = v * VL;
                for (int t = 0; t < t5; t += TB) {
                    int s = t * oPad + o;
                    if (block == 4) {
                        weightTile4(pads, off[t], off[t + 1], off[t + 2], off[t + 3], off[t + 4], byPixel, o, oPad,
                                oh, ow, wp, sums, s);
                    } else if (block == 2) {
                        weightTile2(pads, off[t], off[t + 1], off[t + 2], off[t + 3], off[t + 4], byPixel, o, oPad,
                                oh, ow, wp, sums, s);
                    } else {
                        weightTile1(pads, off[t], off[t + 1], off[t + 2], off[t + 3], off[t + 4], byPixel, o, oPad,
                                oh, ow, wp, sums, s);
                    }
                }
                v += block;
            }
        }
        for (int o = 0; o < outChannels; o++) {
            for (int t = 0; t < taps; t++) {
                long at = dwOff + (long) o * taps + t;
                dw.setAtIndex(FLOAT, at, dw.getAtIndex(FLOAT, at) + sums[t * oPad + o]);
            }
        }
    }

    /**
     * dst[dstAt + j·dstStride + i] = src[srcAt + i·srcStride + j] for i, j < VL: log2(VL) rounds of
     * interleaving row i with row i + VL/2 (as new rows 2i, 2i + 1) transpose the block; the rounds
     * between the first and the last go through {@code stage}.
     */
    private static void transposeBlock(float[] src, int srcAt, int srcStride, float[] dst, int dstAt, int dstStride,
            float[] stage) {
        int half = VL / 2, from = 0, to = VL * VL;
        for (int i = 0; i < half; i++) {
            FloatVector lo = FloatVector.fromArray(F, src, srcAt + i * srcStride);
            FloatVector hi = FloatVector.fromArray(F, src, srcAt + (i + half) * srcStride);
            LOW.selectFrom(lo, hi).intoArray(stage, from + 2 * i * VL);
            HIGH.selectFrom(lo, hi).intoArray(stage, from + (2 * i + 1) * VL);
        }
        for (int round = 2; round < ROUNDS; round++) {
            for (int i = 0; i < half; i++) {
                FloatVector lo = FloatVector.fromArray(F, stage, from + i * VL);
                FloatVector hi = FloatVector.fromArray(F, stage, from + (i + half) * VL);
                LOW.selectFrom(lo, hi).intoArray(stage, to + 2 * i * VL);
                HIGH.selectFrom(lo, hi).intoArray(stage, to + (2 * i + 1) * VL);
            }
            int t = from;
            from = to;
            to = t;
        }
        for (int i = 0; i < half; i++) {
            FloatVector lo = FloatVector.fromArray(F, stage, from + i * VL);
            FloatVector hi = FloatVector.fromArray(F, stage, from + (i + half) * VL);
            LOW.selectFrom(lo, hi).intoArray(dst, dstAt + 2 * i * dstStride);
            HIGH.selectFrom(lo, hi).intoArray(dst, dstAt + (2 * i + 1) * dstStride);
        }
    }

    /*
     * The weight-gradient tiles: window elements t..t+4 (input shifts s0..s4) × 4, 2 or 1 vectors
     * of output channels from o. For each output pixel (oy, ox) in order, each product of the
     * pixel's dy (by channel) with the broadcast input value at oy·wp + ox + shift is added with one
     * fused multiply-add to the sums at sums[s + j·oPad], loaded before and stored after the image.
     */

    private static void weightTile4(float[] pads, int s0, int s1, int s2, int s3, int s4, float[] byPixel, int o,
            int oPad, int oh, int ow, int wp, float[] sums, int s) {
        FloatVector a00 = FloatVector.fromArray(F, sums, s), a01 = FloatVector.fromArray(F, sums, s + VL);
        FloatVector a02 = FloatVector.fromArray(F, sums, s + 2 * VL), a03 = FloatVector.fromArray(F, sums, s + 3 * VL);
        int s1At = s + oPad, s2At = s + 2 * oPad, s3At = s + 3 * oPad, s4At = s + 4 * oPad;
        FloatVector a10 = FloatVector.fromArray(F, sums, s1At), a11 = FloatVector.fromArray(F, sums, s1At + VL);
        FloatVector a12 = FloatVector.fromArray(F, sums, s1At + 2 * VL);
        FloatVector a13 = FloatVector.fromArray(F, sums, s1At + 3 * VL);
        FloatVector a20 = FloatVector.fromArray(F, sums, s2At), a21 = FloatVector.fromArray(F, sums, s2At + VL);
        FloatVector a22 = FloatVector.fromArray(F, sums, s2At + 2 * VL);
        FloatVector a23 = FloatVector.fromArray(F, sums, s2At + 3 * VL);
        FloatVector a30 = FloatVector.fromArray(F, sums, s3At), a31 = FloatVector.fromArray(F, sums, s3At + VL);
        FloatVector a32 = FloatVector.fromArray(F, sums, s3At + 2 * VL);
        FloatVector a33 = FloatVector.fromArray(F, sums, s3At + 3 * VL);
        FloatVector a40 = FloatVector.fromArray(F, sums, s4At), a41 = FloatVector.fromArray(F, sums, s4At + VL);
        FloatVector a42 = FloatVector.fromArray(F, sums, s4At + 2 * VL);
        FloatVector a43 = FloatVector.fromArray(F, sums, s4At + 3 * VL);
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0, p = oy * wp, d = oy * ow * oPad + o; ox < ow; ox++, p++, d += oPad) {
                FloatVector d0 = FloatVector.fromArray(F, byPixel, d);
                FloatVector d1 = FloatVector.fromArray(F, byPixel, d + VL);
                FloatVector d2 = FloatVector.fromArray(F, byPixel, d + 2 * VL);
                FloatVector d3 = FloatVector.fromArray(F, byPixel, d + 3 * VL);
                FloatVector b = FloatVector.broadcast(F, pads[p + s0]);
                a00 = d0.fma(b, a00);
                a01 = d1.fma(b, a01);
                a02 = d2.fma(b, a02);
                a03 = d3.fma(b, a03);
                b = FloatVector.broadcast(F, pads[p + s1]);
                a10 = d0.fma(b, a10);
                a11 = d1.fma(b, a11);
                a12 = d2.fma(b, a12);
                a13 = d3.fma(b, a13);
                b = FloatVector.broadcast(F, pads[p + s2]);
                a20 = d0.fma(b, a20);
                a21 = d1.fma(b, a21);
                a22 = d2.fma(b, a22);
                a23 = d3.fma(b, a23);
                b = FloatVector.broadcast(F, pads[p + s3]);
                a30 = d0.fma(b, a30);
                a31 = d1.fma(b, a31);
                a32 = d2.fma(b, a32);
                a33 = d3.fma(b, a33);
                b = FloatVector.broadcast(F, pads[p + s4]);
                a40 = d0.fma(b, a40);
                a41 = d1.fma(b, a41);
                a42 = d2.fma(b, a42);
                a43 = d3.fma(b, a43);
            }
        }
        a00.intoArray(sums, s);
        a01.intoArray(sums, s + VL);
        a02.intoArray(sums, s + 2 * VL);
        a03.intoArray(sums, s + 3 * VL);
        a10.intoArray(sums, s1At);
        a11.intoArray(sums, s1At + VL);
        a12.intoArray(sums, s1At + 2 * VL);
        a13.intoArray(sums, s1At + 3 * VL);
        a20.intoArray(sums, s2At);
        a21.intoArray(sums, s2At + VL);
        a22.intoArray(sums, s2At + 2 * VL);
        a23.intoArray(sums, s2At + 3 * VL);
        a30.intoArray(sums, s3At);
        a31.intoArray(sums, s3At + VL);
        a32.intoArray(sums, s3At + 2 * VL);
        a33.intoArray(sums, s3At + 3 * VL);
        a40.intoArray(sums, s4At);
        a41.intoArray(sums, s4At + VL);
        a42.intoArray(sums, s4At + 2 * VL);
        a43.intoArray(sums, s4At + 3 * VL);
    }

    private static void weightTile2(float[] pads, int s0, int s1, int s2, int s3, int s4, float[] byPixel, int o,
            int oPad, int oh, int ow, int wp, float[] sums, int s) {
        int s1At = s + oPad, s2At = s + 2 * oPad, s3At = s + 3 * oPad, s4At = s + 4 * oPad;
        FloatVector a00 = FloatVector.fromArray(F, sums, s), a01 = FloatVector.fromArray(F, sums, s + VL);
        FloatVector a10 = FloatVector.fromArray(F, sums, s1At), a11 = FloatVector.fromArray(F, sums, s1At + VL);
        FloatVector a20 = FloatVector.fromArray(F, sums, s2At), a21 = FloatVector.fromArray(F, sums, s2At + VL);
        FloatVector a30 = FloatVector.fromArray(F, sums, s3At), a31 = FloatVector.fromArray(F, sums, s3At + VL);
        FloatVector a40 = FloatVector.fromArray(F, sums, s4At), a41 = FloatVector.fromArray(F, sums, s4At + VL);
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0, p = oy * wp, d = oy * ow * oPad + o; ox < ow; ox++, p++, d += oPad) {
                FloatVector d0 = FloatVector.fromArray(F, byPixel, d);
                FloatVector d1 = FloatVector.fromArray(F, byPixel, d + VL);
                FloatVector b = FloatVector.broadcast(F, pads[p + s0]);
                a00 = d0.fma(b, a00);
                a01 = d1.fma(b, a01);
                b = FloatVector.broadcast(F, pads[p + s1]);
                a10 = d0.fma(b, a10);
                a11 = d1.fma(b, a11);
                b = FloatVector.broadcast(F, pads[p + s2]);
                a20 = d0.fma(b, a20);
                a21 = d1.fma(b, a21);
                b = FloatVector.broadcast(F, pads[p + s3]);
                a30 = d0.fma(b, a30);
                a31 = d1.fma(b, a31);
                b = FloatVector.broadcast(F, pads[p + s4]);
                a40 = d0.fma(b, a40);
                a41 = d1.fma(b, a41);
            }
        }
        a00.intoArray(sums, s);
        a01.intoArray(sums, s + VL);
        a10.intoArray(sums, s1At);
        a11.intoArray(sums, s1At + VL);
        a20.intoArray(sums, s2At);
        a21.intoArray(sums, s2At + VL);
        a30.intoArray(sums, s3At);
        a31.intoArray(sums, s3At + VL);
        a40.intoArray(sums, s4At);
        a41.intoArray(sums, s4At + VL);
    }

    private static void weightTile1(float[] pads, int s0, int s1, int s2, int s3, int s4, float[] byPixel, int o,
            int oPad, int oh, int ow, int wp, float[] sums, int s) {
        int s1At = s + oPad, s2At = s + 2 * oPad, s3At = s + 3 * oPad, s4At = s + 4 * oPad;
        FloatVector a0 = FloatVector.fromArray(F, sums, s), a1 = FloatVector.fromArray(F, sums, s1At);
        FloatVector a2 = FloatVector.fromArray(F, sums, s2At), a3 = FloatVector.fromArray(F, sums, s3At);
        FloatVector a4 = FloatVector.fromArray(F, sums, s4At);
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0, p = oy * wp, d = oy * ow * oPad + o; ox < ow; ox++, p++, d += oPad) {
                FloatVector d0 = FloatVector.fromArray(F, byPixel, d);
                a0 = d0.fma(FloatVector.broadcast(F, pads[p + s0]), a0);
                a1 = d0.fma(FloatVector.broadcast(F, pads[p + s1]), a1);
                a2 = d0.fma(FloatVector.broadcast(F, pads[p + s2]), a2);
                a3 = d0.fma(FloatVector.broadcast(F, pads[p + s3]), a3);
                a4 = d0.fma(FloatVector.broadcast(F, pads[p + s4]), a4);
            }
        }
        a0.intoArray(sums, s);
        a1.intoArray(sums, s1At);
        a2.intoArray(sums, s2At);
        a3.intoArray(sums, s3At);
        a4.intoArray(sums, s4At);
    }

    @Override
    public void convForwardF64(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment w,
            long wOff, int outChannels, MemorySegment bias, long biasOff, MemorySegment y, long yOff) {
        ScalarKernels.directConv().convForwardF64(x, xOff, images, channels, g, w, wOff, outChannels, bias, biasOff, y,
                yOff);
    }

    @Override
    public void convWeightGradF64(MemorySegment x, long xOff, int images, int channels, Window2d g, MemorySegment dy,
            long dyOff, int outChannels, MemorySegment dw, long dwOff) {
        ScalarKernels.directConv().convWeightGradF64(x, xOff, images, channels, g, dy, dyOff, outChannels, dw, dwOff);
    }

    /**
     * One image's channels as zero-padded planes, one after the other, followed by zeros for the
     * reads of the last row's forward tile past the last plane (up to two vectors and a window
     * width row-wise, PT − 1 lane-wise).
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
