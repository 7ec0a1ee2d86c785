package dev.inertia.autodiff;

import dev.inertia.kernels.Epilogue;
import dev.inertia.kernels.Parallel;
import dev.inertia.kernels.Window2d;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * 2-D convolution lowered to a few large GEMMs over the whole batch. The columns of image n,
 * {@code im2col(x[n])} of shape {@code [C·kh·kw, P]} (P = output pixels), sit side by side in one
 * matrix {@code col [C·kh·kw, N·P]} (image n from column n·P), so the forward pass is one GEMM
 * {@code Y = W [O, C·kh·kw] · col} (the bias per output channel in its epilogue) into
 * {@code [O, N·P]}, copied out to NCHW; the weight gradient is one GEMM
 * {@code dW = dY · colᵀ} with the long inner dimension N·P, {@code dY [O, N·P]} gathered from
 * NCHW; the input gradient is {@code col2im(Wᵀ · dY)} over groups of images. One GEMM per image
 * (64×196×800 for the second layer of the cnn) ran far from the GEMM's peak: A was packed again
 * for each image, and the weight gradient's C tiles were loaded and stored once per image.
 */
final class Convolution {
    /** Bytes of one thread's input-gradient column block: a few images, kept about the size of L2. */
    private static final long GROUP_BYTES = 1L << 21;

    private Convolution() {}

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
        Tensor col = x.tape.buffer(x.dtype(), ckk, n * p);
        // The [O, N·P] product: the forward output before its copy to NCHW, then dY gathered for backward.
        Tensor wide = x.tape.buffer(x.dtype(), o, n * p);
        Tensor y = x.tape.buffer(x.dtype(), n, o, g.outH(), g.outW());
        if (rule == null) {
            rule = new ConvRule();
        }
        // The bias, per output channel (a row of the [O, N·P] product), goes in the GEMM's epilogue.
        rule.set(g, col, wide, n, c, o);
        rule.forward(x.value, w.value, y, rule.epilogue(bias));
        return x.tape.record(y, rule, x, w, bias);
    }

    /**
     * Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). It is
     * also the pool's job for the per-image passes (so they allocate nothing): the images are split
     * into one contiguous range per thread for im2col, the copies between NCHW and the wide
     * [O, N·P] matrix, and the input gradient (whose GEMMs, per group of images, then run on the
     * thread that claimed the range). The batch-wide GEMMs split their C tiles over the threads
     * themselves. Every value is computed the same way whichever thread takes it (the GEMM never
     * splits the inner dimension), so the results do not depend on the number of threads.
     */
    private static final class ConvRule extends Rule implements Parallel.ChunkTask {
        private static final int IM2COL = 0, TO_NCHW = 1, FROM_NCHW = 2, INPUT_GRADIENT = 3;

        private Window2d g;
        private Tensor col, wide;
        private int n, c, o, ckk, p;
        /** Images per input-gradient GEMM. */
        private int group;
        private int[] colShape;
        private int[] dcolShape;
        // The job of the current per-image pass.
        private int job;
        private Tensor jobX, jobW, jobNchw, jobDx, jobDcol;
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

        ConvRule set(Window2d g, Tensor col, Tensor wide, int n, int c, int o) {
            this.g = g;
            this.col = col;
            this.wide = wide;
            this.n = n;
            this.c = c;
            this.o = o;
            this.ckk = c * g.kh() * g.kw();
            this.p = g.outH() * g.outW();
            long imageBytes = (long) ckk * p * col.dtype().byteSize();
            this.group = (int) Math.max(1, Math.min(n, GROUP_BYTES / imageBytes));
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

        @Override
        String name() {
            return "conv2d";
        }

        private int ranges() {
            return Math.max(1, Math.min(n, Parallel.threads()));
        }

        /** y = NCHW(W · col (+ the epilogue's bias)), col = im2col of every image. */
        void forward(Tensor x, Tensor w, Tensor y, Epilogue epilogue) {
            jobX = x;
            runImages(IM2COL, ranges());
            Kern.gemm(false, false, o, n * p, ckk, 1, w, 0, ckk, col, 0, n * p, 0, wide, 0, n * p, epilogue);
            jobNchw = y;
            runImages(TO_NCHW, ranges());
        }

        /** dx[i] = col2im(Wᵀ · dY[:, i·P ..]) for every image, through one [C·kh·kw, group·P] scratch per range. */
        private void inputGradient(Tensor w, Tensor dx, Tape tape) {
            int ranges = ranges();
            if (dcolShape == null || dcolShape[0] != ranges || dcolShape[1] != ckk || dcolShape[2] != group * p) {
                dcolShape = new int[] {ranges, ckk, group * p};
            }
            jobDcol = tape.scratch(1, dx.dtype(), dcolShape);
            jobW = w;
            jobDx = dx;
            runImages(INPUT_GRADIENT, ranges);
        }

        private void runImages(int job, int ranges) {
            this.job = job;
            chunks = ranges;
            try {
                Parallel.forEach(chunks, this);
            } finally {
                jobX = jobW = jobNchw = jobDx = jobDcol = null;
            }
        }

        @Override
        public void run(int chunk) {
            int from = (int) ((long) n * chunk / chunks), to = (int) ((long) n * (chunk + 1) / chunks);
            long image = (long) c * g.h() * g.w();
            long ld = (long) n * p;
            switch (job) {
                case IM2COL -> {
                    for (int i = from; i < to; i++) {
                        Kern.im2col(jobX, i * image, c, g, col, (long) i * p, n * p);
                    }
                }
                case TO_NCHW, FROM_NCHW -> {
                    long es = wide.dtype().byteSize(), bytes = p * es;
                    for (int i = from; i < to; i++) {
                        for (int r = 0; r < o; r++) {
                            long wideAt = (r * ld + (long) i * p) * es, nchwAt = ((long) i * o + r) * p * es;
                            if (job == TO_NCHW) {
                                MemorySegment.copy(wide.segment(), wideAt, jobNchw.segment(), nchwAt, bytes);
                            } else {
                                MemorySegment.copy(jobNchw.segment(), nchwAt, wide.segment(), wideAt, bytes);
                            }
                        }
                    }
                }
                default -> {
                    long scratch = (long) chunk * ckk * group * p;
                    for (int i = from; i < to; i += group) {
                        int images = Math.min(group, to - i);
                        Kern.gemm(true, false, ckk, images * p, o, 1, jobW, 0, ckk, wide, (long) i * p, n * p, 0,
                                jobDcol, scratch, group * p);
                        for (int j = 0; j < images; j++) {
                            Kern.col2im(jobDcol, scratch + (long) j * p, group * p, c, g, jobDx, (i + j) * image);
                        }
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
            jobNchw = dy;
            runImages(FROM_NCHW, ranges());
            if (w.requiresGrad) {
                double beta = w.gradAccumulates() ? 1 : 0;
                Kern.gemm(false, true, o, ckk, n * p, 1, wide, 0, n * p, col, 0, n * p, beta, w.gradClaim(), 0, ckk);
            }
            if (x.requiresGrad) {
                Tensor dx = x.gradSink(0);
                inputGradient(w.value, dx, out.tape);
                x.gradCommit(dx);
            }
        }

        @Override
        void tangent(Var out) {
            Var x = out.input(0), w = out.input(1), b = out.input(2);
            Tensor t = out.tangentBuffer();
            Tensor tcol = x.tangent == null ? null : out.tape.scratch(1, out.dtype(), colShape);
            long image = (long) c * g.h() * g.w();
            for (int i = 0; i < n; i++) {
                double beta = 0;
                if (tcol != null) {
                    Kern.im2col(x.tangent, i * image, c, g, tcol, 0, p);
                    Kern.gemm(false, false, o, p, ckk, 1, w.value, 0, ckk, tcol, 0, p, 0, t, (long) i * o * p, p);
                    beta = 1;
                }
                if (w.tangent != null) {
                    Kern.gemm(false, false, o, p, ckk, 1, w.tangent, 0, ckk, col, (long) i * p, n * p, beta, t,
                            (long) i * o * p, p);
                }
            }
            if (x.tangent == null && w.tangent == null) {
                Kern.fill(0, t);
            }
            if (b != null && b.tangent != null) {
                Kern.broadcast(Kern.Bc.ADD, t, b.tangent, t, n, o, p);
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
