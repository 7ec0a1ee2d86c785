package dev.inertia.autodiff;

import dev.inertia.kernels.Epilogue;
import dev.inertia.kernels.Parallel;
import dev.inertia.kernels.Window2d;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * 2-D convolution lowered to GEMM over groups of G images. The columns of the group's images,
 * {@code im2col(x[n])} of shape {@code [C·kh·kw, P]} each (P = output pixels), sit side by side in
 * one block {@code [C·kh·kw, G·P]} (image j of the group from column j·P), so each group's forward
 * pass is one GEMM {@code W [O, C·kh·kw] · cols} (the bias per output channel in its epilogue)
 * into an {@code [O, G·P]} block, copied out to NCHW. Backward copies dY into the same kind of
 * block and, per group, builds the columns again (im2col is cheap; keeping the whole batch's
 * columns from the forward pass cost more, in memory traffic, than recomputing them into a block
 * still in cache), adds {@code dY · colsᵀ} to the weight gradient, then reuses the block for
 * {@code Wᵀ · dY} and scatters it with col2im into the input gradient. Blocks belong to ranges of
 * groups, not to groups, so the buffers are a few blocks whatever the batch. One GEMM per image
 * (64×196×800 for the cnn's second layer) was a smaller, slower shape: A packed again for each
 * image, and the weight gradient's C tiles loaded and stored once per image; one GEMM over the
 * whole batch was slower too, its columns no longer in cache.
 *
 * <p>Direct convolution ({@link dev.inertia.kernels.DirectConvKernels}) replaces the lowering
 * where it is faster. Forward, with stride 1, rows at least {@link #DIRECT_MIN_WIDTH} wide and a
 * padded image small enough to stay in cache: no columns to build and no copy to NCHW (the cnn's
 * second layer: ~27 ms against ~37 for im2col, GEMM and copy, at one thread); and for a shallow
 * window ({@code C·kh·kw} up to {@link #DIRECT_MAX_DEPTH}) whose input needs no gradient (a first
 * layer on images), where a GEMM's inner dimension is too short for the microkernel. With stride
 * 1 the input gradient is itself a convolution, of dY with the weights flipped and transposed
 * ({@code [C, O, kh, kw]}, padding {@code k − 1 − p}); where that convolution qualifies for the
 * direct kernel (or the input needs no gradient) and the forward pass was direct, the backward
 * pass is direct too: the weight gradient straight from the images, without columns (the cnn's
 * second layer: 72 → 53 ms of backward at one thread, im2col and a GEMM with a transposed B
 * gone). Otherwise the backward pass is the lowering's, which builds its own columns; where only
 * the input gradient qualifies it still runs directly instead of {@code Wᵀ · dY} and col2im.
 */
final class Convolution {
    /**
     * Bytes of one group's column block: a few images, about the size of L2, so that it stays in
     * cache from im2col to the GEMM.
     */
    private static final long GROUP_BYTES = 1L << 21;
    /**
     * Ranges of groups of the backward pass, each summing its groups' weight gradients into one
     * partial sum; the partials are added in range order. A constant, not the thread count, so that
     * the weight gradient's bits do not depend on the number of threads.
     */
    static final int WEIGHT_PARTIALS = 4;
    /** Deepest window ({@code C·kh·kw}) of a first layer convolved directly at any width (measured at 25). */
    static final int DIRECT_MAX_DEPTH = 64;
    /**
     * Narrowest output rows convolved directly forward: the direct kernel's vectors run along a row,
     * so narrow rows leave lanes idle (measured at 14 and 28 wide, 87.5% of 16 lanes busy).
     */
    static final int DIRECT_MIN_WIDTH = 12;
    /** Largest zero-padded image (elements, all channels) convolved directly forward: it is read once per tile. */
    static final long DIRECT_MAX_IMAGE = 1L << 16;

    private Convolution() {}

    /** Images per group: enough for long GEMM rows, few enough that a group's columns stay in cache. */
    static int groupSize(int n, int ckk, int p, long elementBytes) {
        return (int) Math.max(1, Math.min(n, GROUP_BYTES / ((long) ckk * p * elementBytes)));
    }

    static Var conv2d(Var x, Var w, Var bias, int stride, int padding) {
        if (x.shape.length != 4 || w.shape.length != 4) {
            throw new IllegalArgumentException("conv2d needs x [N, C, H, W] and weight [O, C, kh, kw], got "
                    + Arrays.toString(x.shape) + " and " + Arrays.toString(w.shape));
        }
        if (w.shape[1] != x.shape[1]) {
            throw new IllegalArgumentException("conv2d: weight has " + w.shape[1] + " input channels, x has "
                    + x.shape[1]);
        }
        if (w.dtype() != x.dtype() || (bias != null && bias.dtype() != x.dtype())) {
            throw new IllegalArgumentException("conv2d: operands must share the dtype " + x.dtype());
        }
        if (bias != null && (bias.shape.length != 1 || bias.shape[0] != w.shape[0])) {
            throw new IllegalArgumentException("conv2d: bias must be [" + w.shape[0] + "], got "
                    + Arrays.toString(bias.shape));
        }
        ConvRule rule = x.tape.reusableRule(ConvRule.class);
        Window2d g = rule != null && rule.fits(x, w, stride, padding) ? rule.g
                : new Window2d(x.shape[2], x.shape[3], w.shape[2], w.shape[3], stride, stride, padding, padding);
        int n = x.shape[0], c = x.shape[1], o = w.shape[0];
        int ckk = c * g.kh() * g.kw(), p = g.outH() * g.outW();
        if ((long) n * p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv2d: batch × output pixels (" + n + " × " + p
                    + ") exceeds the GEMM's int dimension");
        }
        boolean unitStride = g.sh() == 1 && g.sw() == 1;
        boolean shallowFirst = !x.requiresGrad && ckk <= DIRECT_MAX_DEPTH && unitStride;
        long paddedImage = (long) c * (g.h() + 2 * g.ph()) * (g.w() + 2 * g.pw());
        boolean directForward = shallowFirst
                || (unitStride && g.outW() >= DIRECT_MIN_WIDTH && paddedImage <= DIRECT_MAX_IMAGE);
        // dX = conv(dY, flipped Wᵀ, padding k - 1 - p): its output rows are the input's
        boolean directInputGrad = x.requiresGrad && unitStride && g.ph() < g.kh() && g.pw() < g.kw()
                && g.w() >= DIRECT_MIN_WIDTH
                && (long) o * (g.outH() + 2L * (g.kh() - 1 - g.ph())) * (g.outW() + 2L * (g.kw() - 1 - g.pw()))
                        <= DIRECT_MAX_IMAGE;
        // Direct backward (the weight gradient straight from the images, dX direct): no columns at
        // all, and the groups are single images, convolved straight from NCHW.
        boolean direct = shallowFirst || (directForward && (!x.requiresGrad || directInputGrad)
                && (long) o * p <= DIRECT_MAX_IMAGE);
        int group = direct ? 1 : groupSize(n, ckk, p, x.dtype().byteSize()), groups = Math.ceilDiv(n, group);
        Tensor col = null, wide = null;
        if (!direct) {
            // One block per range of groups: as many ranges as threads forward, WEIGHT_PARTIALS backward.
            int blocks = Math.min(groups, Math.max(WEIGHT_PARTIALS, Parallel.threads()));
            col = x.tape.buffer(x.dtype(), blocks, ckk, group * p);
            // The [O, G·P] product: the forward output before its copy to NCHW, then dY gathered for backward.
            wide = x.tape.buffer(x.dtype(), blocks, o, group * p);
        }
        Tensor y = x.tape.buffer(x.dtype(), n, o, g.outH(), g.outW());
        // The weight gradient's partial sums of backward ranges 1, 2, ... (range 0 sums into dW itself).
        int partials = Math.min(groups, WEIGHT_PARTIALS) - 1;
        Tensor sums = w.requiresGrad && partials > 0 ? x.tape.buffer(x.dtype(), partials, o, ckk) : null;
        Tensor flipped = directInputGrad ? x.tape.buffer(x.dtype(), c, o, g.kh(), g.kw()) : null;
        if (rule == null) {
            rule = new ConvRule();
        }
        rule.set(g, col, wide, sums, flipped, n, c, o, group, directForward, direct);
        // Profiled as one call: its im2col, GEMM and direct pieces run in chunks on the pool's threads.
        KernelProfile profile = KernelProfile.active();
        long t0 = profile == null ? 0 : profile.begin();
        // The bias, per output channel (a row of the [O, N·P] product), goes in the GEMM's epilogue.
        rule.forward(x.value, w.value, bias == null ? null : bias.value, y,
                directForward ? Epilogue.NONE : rule.epilogue(bias));
        if (profile != null) {
            profile.end(t0, "conv2d", n, o, ckk, 2L * n * o * ckk * p, 0);
        }
        return x.tape.record(y, rule, x, w, bias);
    }

    /**
     * Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). It is
     * also the pool's job for the per-group passes (so they allocate nothing): the groups are split
     * into contiguous ranges, each group's im2col, GEMM and copy to NCHW (forward) or copy from
     * NCHW, im2col and weight gradient (GEMM accumulating into the range's partial sum), input
     * gradient (GEMM and col2im) running on the thread that claimed its range, in the range's
     * blocks (the GEMMs then on that thread alone), so a group's columns are in cache for its
     * GEMMs. The backward ranges are {@link #WEIGHT_PARTIALS} whatever the thread count and the
     * GEMM never splits its inner dimension, so the results do not depend on the number of threads.
     */
    private static final class ConvRule extends Rule implements Parallel.ChunkTask {
        private Window2d g;
        private Tensor col, wide, sums;
        /** W flipped and transposed, [C, O, kh, kw], when the input gradient is a direct convolution (else null). */
        private Tensor flipped;
        /** The window of that convolution: over dY, padding k − 1 − p. */
        private Window2d flippedWindow;
        private int n, c, o, ckk, p;
        /** Images per group (the last group may have fewer), and the number of groups. */
        private int group, groups;
        /** Whether the forward pass, and the backward pass (groups of one image then), are direct. */
        private boolean directForward, directBackward;
        private int[] colShape;
        ConvRule() {
            super("conv2d");
        }

        // The job of the current per-group pass.
        private boolean forwardJob;
        private Tensor jobX, jobW, jobBias, jobNchw, jobDx, jobDw, jobPartials;
        private double jobBetaW;
        private Epilogue jobEpilogue;
        private int chunks;
        private Epilogue epilogue = Epilogue.NONE;

        /** The epilogue adding {@code bias} per row, kept while the bias is the same memory (epilogues are immutable). */
        Epilogue epilogue(Var bias) {
            if (bias == null) {
                epilogue = Epilogue.NONE;
            } else if (epilogue.biasSegment() != bias.value.segment()) {
                epilogue = Epilogue.NONE.withRowBias(bias.value.segment(), 0);
            }
            return epilogue;
        }

        ConvRule set(Window2d g, Tensor col, Tensor wide, Tensor sums, Tensor flipped, int n, int c, int o,
                int group, boolean directForward, boolean directBackward) {
            this.g = g;
            this.flipped = flipped;
            if (flipped != null && (flippedWindow == null || flippedWindow.h() != g.outH()
                    || flippedWindow.w() != g.outW() || flippedWindow.kh() != g.kh() || flippedWindow.kw() != g.kw()
                    || flippedWindow.ph() != g.kh() - 1 - g.ph() || flippedWindow.pw() != g.kw() - 1 - g.pw())) {
                flippedWindow = new Window2d(g.outH(), g.outW(), g.kh(), g.kw(), 1, 1, g.kh() - 1 - g.ph(),
                        g.kw() - 1 - g.pw());
            }
            this.directForward = directForward;
            this.directBackward = directBackward;
            this.col = col;
            this.wide = wide;
            this.sums = sums;
            this.n = n;
            this.c = c;
            this.o = o;
            this.ckk = c * g.kh() * g.kw();
            this.p = g.outH() * g.outW();
            this.group = group;
            this.groups = Math.ceilDiv(n, group);
            if (colShape == null || colShape[0] != ckk || colShape[1] != p) {
                colShape = new int[] {ckk, p};
            }
            return this;
        }

        /** Whether this rule's window is the one of convolving {@code x} with {@code w}. */
        boolean fits(Var x, Var w, int stride, int padding) {
            return g != null && g.h() == x.shape[2] && g.w() == x.shape[3] && g.kh() == w.shape[2]
                    && g.kw() == w.shape[3] && g.sh() == stride && g.sw() == stride && g.ph() == padding
                    && g.pw() == padding;
        }

        private int ranges() {
            return Math.max(1, Math.min(groups, Parallel.threads()));
        }

        private int imagesIn(int q) {
            return Math.min(group, n - q * group);
        }

        /**
         * Per group: col = im2col of its images, y = NCHW(W · col (+ the epilogue's bias)); or, direct,
         * y = conv(x, w) + bias per image.
         */
        void forward(Tensor x, Tensor w, Tensor bias, Tensor y, Epilogue epilogue) {
            forwardJob = true;
            jobX = x;
            jobW = w;
            jobBias = bias;
            jobNchw = y;
            jobEpilogue = epilogue;
            runGroups(directForward ? Math.min(n, Parallel.threads()) : ranges());
        }

        /**
         * Per group: dY gathered from NCHW; dW (beta · dW first) += dY · im2col(x)ᵀ, range 0 straight
         * into dW, the others into partial sums added to it afterwards in range order; then
         * dx[i] = col2im(Wᵀ · dY) through the same column block.
         */
        private void backwardGroups(Tensor x, Tensor w, Tensor dy, Tensor dx, Tensor dw, double betaW) {
            forwardJob = false;
            int ranges = Math.min(groups, WEIGHT_PARTIALS);
            jobX = x;
            jobW = w;
            jobNchw = dy;
            jobDx = dx;
            jobDw = dw;
            jobBetaW = betaW;
            jobPartials = dw == null ? null : sums;
            Tensor partials = jobPartials;
            runGroups(ranges);
            if (dw != null) {
                int size = o * ckk;
                for (int r = 1; r < ranges; r++) {
                    Kern.addInto(partials, (long) (r - 1) * size, dw, size);
                }
            }
        }

        private void runGroups(int ranges) {
            chunks = ranges;
            try {
                Parallel.forEach(chunks, this);
            } finally {
                jobX = jobW = jobBias = jobNchw = jobDx = jobDw = jobPartials = null;
            }
        }

        @Override
        public void run(int chunk) {
            if (forwardJob ? directForward : directBackward) {
                // ranges of images (the groups of a direct backward pass are single images)
                runDirect(chunk, (int) ((long) n * chunk / chunks), (int) ((long) n * (chunk + 1) / chunks));
                return;
            }
            int from = (int) ((long) groups * chunk / chunks), to = (int) ((long) groups * (chunk + 1) / chunks);
            long image = (long) c * g.h() * g.w();
            int ld = group * p;
            long colAt = (long) chunk * ckk * ld, wideAt = (long) chunk * o * ld;
            for (int q = from; q < to; q++) {
                int images = imagesIn(q), first = q * group;
                if (forwardJob) {
                    for (int j = 0; j < images; j++) {
                        Kern.im2col(jobX, (first + j) * image, c, g, col, colAt + (long) j * p, ld);
                    }
                    Kern.gemm(false, false, o, images * p, ckk, 1, jobW, 0, ckk, col, colAt, ld, 0, wide, wideAt, ld,
                            jobEpilogue);
                    copyNchw(true, first, images, wideAt);
                    continue;
                }
                if (jobDw != null || flipped == null) {
                    copyNchw(false, first, images, wideAt);
                }
                if (jobDw != null) {
                    for (int j = 0; j < images; j++) {
                        Kern.im2col(jobX, (first + j) * image, c, g, col, colAt + (long) j * p, ld);
                    }
                    double beta = q > from ? 1 : chunk == 0 ? jobBetaW : 0;
                    Tensor sum = chunk == 0 ? jobDw : jobPartials;
                    long at = chunk == 0 ? 0 : (long) (chunk - 1) * o * ckk;
                    Kern.gemm(false, true, o, ckk, images * p, 1, wide, wideAt, ld, col, colAt, ld, beta, sum, at, ckk);
                }
                if (jobDx != null && flipped == null) {
                    Kern.gemm(true, false, ckk, images * p, o, 1, jobW, 0, ckk, wide, wideAt, ld, 0, col, colAt, ld);
                    for (int j = 0; j < images; j++) {
                        Kern.col2im(col, colAt + (long) j * p, ld, c, g, jobDx, (first + j) * image);
                    }
                }
            }
            if (!forwardJob && jobDx != null && flipped != null) {
                int first = from * group, last = Math.min(n, to * group);
                Kern.convDirect(jobNchw, first, last - first, o, flippedWindow, flipped, null, c, jobDx);
            }
        }

        /** flipped[ci, oi, kk − 1 − t] = w[oi, ci, t]: each window reversed (both axes), O and C swapped. */
        private void flipWeights(Tensor w) {
            int kk = g.kh() * g.kw();
            MemorySegment from = w.segment(), to = flipped.segment();
            boolean f64 = w.dtype().byteSize() == 8;
            ValueLayout.OfDouble d = ValueLayout.JAVA_DOUBLE;
            ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
            for (int oi = 0; oi < o; oi++) {
                for (int ci = 0; ci < c; ci++) {
                    long src = ((long) oi * c + ci) * kk, dst = ((long) ci * o + oi) * kk + kk - 1;
                    for (int t = 0; t < kk; t++) {
                        if (f64) {
                            to.setAtIndex(d, dst - t, from.getAtIndex(d, src + t));
                        } else {
                            to.setAtIndex(f, dst - t, from.getAtIndex(f, src + t));
                        }
                    }
                }
            }
        }

        /**
         * Images [from, to) of a direct convolution: forward, their y; backward, their weight
         * gradient added to the range's partial sum (range 0: dW, after beta · dW), and their dX.
         */
        private void runDirect(int chunk, int from, int to) {
            if (forwardJob) {
                Kern.convDirect(jobX, from, to - from, c, g, jobW, jobBias, o, jobNchw);
                return;
            }
            if (jobDw != null) {
                Tensor sum = chunk == 0 ? jobDw : jobPartials;
                long at = chunk == 0 ? 0 : (long) (chunk - 1) * o * ckk;
                if (chunk != 0 || jobBetaW == 0) {
                    Kern.fill(0, sum, at, o * ckk);
                }
                Kern.convDirectWeightGrad(jobX, from, to - from, c, g, jobNchw, o, sum, at);
            }
            if (jobDx != null) {
                Kern.convDirect(jobNchw, from, to - from, o, flippedWindow, flipped, null, c, jobDx);
            }
        }

        /** Copies a group's [O, G·P] block to its images' NCHW planes ({@code toNchw}) or back. */
        private void copyNchw(boolean toNchw, int first, int images, long wideAt) {
            long es = wide.dtype().byteSize(), bytes = p * es, ld = (long) group * p;
            for (int j = 0; j < images; j++) {
                for (int r = 0; r < o; r++) {
                    long w = (wideAt + r * ld + (long) j * p) * es, y = ((long) (first + j) * o + r) * p * es;
                    if (toNchw) {
                        MemorySegment.copy(wide.segment(), w, jobNchw.segment(), y, bytes);
                    } else {
                        MemorySegment.copy(jobNchw.segment(), y, wide.segment(), w, bytes);
                    }
                }
            }
        }

        @Override
        void backward(Var out) {
            Var x = out.input(0), w = out.input(1), b = out.input(2);
            Tensor dy = out.grad;
            if (b != null && b.requiresGrad) {
                boolean acc = b.gradAccumulates();
                Kern.sumBias(dy, b.gradClaim(), n, o, p, 1, acc);
            }
            if (!w.requiresGrad && !x.requiresGrad) {
                return;
            }
            // Gathers dY into the groups' blocks and runs the input and weight gradients alongside.
            Tensor dx = x.requiresGrad ? x.gradSink(0) : null;
            double betaW = w.requiresGrad && w.gradAccumulates() ? 1 : 0;
            Tensor dw = w.requiresGrad ? w.gradClaim() : null;
            KernelProfile profile = KernelProfile.active();
            long t0 = profile == null ? 0 : profile.begin();
            if (dx != null && flipped != null) {
                flipWeights(w.value);
            }
            backwardGroups(x.value, w.value, dy, dx, dw, betaW);
            if (profile != null) { // the weight gradient, and the input gradient when x needs one
                long product = 2L * n * o * c * g.kh() * g.kw() * g.outH() * g.outW();
                profile.end(t0, dx != null ? "conv2dBackward dW+dX" : "conv2dBackward dW", n, o, c * g.kh() * g.kw(),
                        dx != null ? 2 * product : product, 0);
            }
            if (dx != null) {
                x.gradCommit(dx);
            }
        }

        @Override
        void tangent(Var out) {
            Var x = out.input(0), w = out.input(1), b = out.input(2);
            Tensor t = out.tangentBuffer();
            Tensor tcol = x.tangent == null && w.tangent == null ? null : out.tape.scratch(1, out.dtype(), colShape);
            long image = (long) c * g.h() * g.w();
            for (int i = 0; i < n; i++) {
                double beta = 0;
                if (x.tangent != null) {
                    Kern.im2col(x.tangent, i * image, c, g, tcol, 0, p);
                    Kern.gemm(false, false, o, p, ckk, 1, w.value, 0, ckk, tcol, 0, p, 0, t, (long) i * o * p, p);
                    beta = 1;
                }
                if (w.tangent != null) {
                    Kern.im2col(x.value, i * image, c, g, tcol, 0, p);
                    Kern.gemm(false, false, o, p, ckk, 1, w.tangent, 0, ckk, tcol, 0, p, beta, t, (long) i * o * p, p);
                }
            }
            if (x.tangent == null && w.tangent == null) {
                Kern.fill(0, t);
            }
            if (b != null && b.tangent != null) {
                Kern.broadcast(Kern.Bc.ADD, t, b.tangent, t, n, o, p);
            }
        }

        /**
         * Per image, the k directions' input tangents unfolded side by side ({@code [ckk, k·p]})
         * go through one GEMM with W: one product for all directions, as a batch k times wider.
         */
        @Override
        void tangents(Var out, int k) {
            Var x = out.input(0), w = out.input(1), b = out.input(2);
            Tensor t = out.tangentsBuffer(k);
            long image = (long) c * g.h() * g.w(), slab = out.size(), plane = (long) o * p;
            long bytes = out.dtype().byteSize();
            Tensor wideCol = x.tangents == null ? null : out.tape.scratch(1, out.dtype(), new int[] {ckk, k * p});
            Tensor wideOut = x.tangents == null ? null : out.tape.scratch(2, out.dtype(), new int[] {o, k * p});
            Tensor tcol = w.tangents == null ? null : out.tape.scratch(3, out.dtype(), colShape);
            for (int i = 0; i < n; i++) {
                double beta = 0;
                if (x.tangents != null) {
                    for (int j = 0; j < k; j++) {
                        Kern.im2col(x.tangents, j * x.size() + i * image, c, g, wideCol, (long) j * p, k * p);
                    }
                    Kern.gemm(false, false, o, k * p, ckk, 1, w.value, 0, ckk, wideCol, 0, k * p, 0, wideOut, 0, k * p);
                    for (int j = 0; j < k; j++) {
                        for (int r = 0; r < o; r++) {
                            MemorySegment.copy(wideOut.segment(), ((long) r * k * p + (long) j * p) * bytes,
                                    t.segment(), (j * slab + i * plane + (long) r * p) * bytes, p * bytes);
                        }
                    }
                    beta = 1;
                }
                if (w.tangents != null) {
                    Kern.im2col(x.value, i * image, c, g, tcol, 0, p);
                    for (int j = 0; j < k; j++) {
                        Kern.gemm(false, false, o, p, ckk, 1, w.tangents, j * w.size(), ckk, tcol, 0, p, beta, t,
                                j * slab + i * plane, p);
                    }
                }
            }
            if (x.tangents == null && w.tangents == null) {
                Kern.fill(0, t);
            }
            if (b != null && b.tangents != null) {
                for (int j = 0; j < k; j++) {
                    Tensor row = out.row(t, j);
                    Kern.broadcast(Kern.Bc.ADD, row, b.tangentRow(j), row, n, o, p);
                }
            }
        }

        private long product() {
            return 2L * n * o * ckk * p;
        }

        private boolean hasBias(Var out) {
            return out.input(2) != null;
        }

        @Override
        long forwardOps(Var out) {
            return product() + (hasBias(out) ? out.size() : 0);
        }

        @Override
        long backwardOps(Var out) {
            Var x = out.input(0), w = out.input(1), b = out.input(2);
            long ops = 0;
            if (b != null && b.requiresGrad) {
                ops += out.size();
            }
            if (w.requiresGrad) {
                ops += product();
            }
            if (x.requiresGrad) {
                ops += product() + (long) n * ckk * p; // GEMM, then col2im's additions
            }
            return ops;
        }

        @Override
        long tangentOps(Var out) {
            Var x = out.input(0), w = out.input(1), b = out.input(2);
            long ops = 0;
            if (x.requiresGrad) {
                ops += product();
            }
            if (w.requiresGrad) {
                ops += product() + (x.requiresGrad ? out.size() : 0);
            }
            if (b != null && b.requiresGrad) {
                ops += out.size();
            }
            return ops;
        }
    }
}
