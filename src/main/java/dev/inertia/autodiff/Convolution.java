package dev.inertia.autodiff;

import dev.inertia.kernels.Epilogue;
import dev.inertia.kernels.Parallel;
import dev.inertia.kernels.Window2d;
import dev.inertia.memory.Tensor;
import java.util.Arrays;

/**
 * 2-D convolution lowered to GEMM, per image: {@code col = im2col(x[n])} of shape
 * {@code [C·kh·kw, P]} (P = output pixels), {@code y[n] = W [O, C·kh·kw] · col}, plus the bias
 * per output channel, added in the GEMM's epilogue. The columns of the whole batch are kept for
 * the weight gradient {@code dW = sum_n dy[n] · col[n]ᵀ}; the input gradient is
 * {@code col2im(Wᵀ · dy[n])}.
 */
final class Convolution {
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
        Tensor col = x.tape.buffer(x.dtype(), n, ckk, p);
        Tensor y = x.tape.buffer(x.dtype(), n, o, g.outH(), g.outW());
        if (rule == null) {
            rule = new ConvRule();
        }
        // The bias, per output channel (a row of each image's [O, P] product), goes in the GEMM's epilogue.
        rule.set(g, col, n, c, o);
        rule.forward(x.value, w.value, y, rule.epilogue(bias));
        return x.tape.record(y, rule, x, w, bias);
    }

    /**
     * Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). It is
     * also the pool's job for the per-image loops (so they allocate nothing): the images are split
     * into one contiguous range per thread, each image's im2col, GEMM and col2im running on the
     * thread that claimed its range (the GEMM then on that thread alone), which keeps both cores
     * busy through the lowering kernels too. Every image's result is computed the same way
     * whichever thread takes it, so the values do not depend on the number of threads.
     */
    private static final class ConvRule extends Rule implements Parallel.ChunkTask {
        private Window2d g;
        private Tensor col;
        private int n, c, o, ckk, p;
        private int[] colShape;
        private int[] dcolShape;
        // The job of the current per-image loop.
        private boolean forwardJob;
        private Tensor jobX, jobW, jobY, jobDy, jobDx, jobDcol;
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

        ConvRule set(Window2d g, Tensor col, int n, int c, int o) {
            this.g = g;
            this.col = col;
            this.n = n;
            this.c = c;
            this.o = o;
            this.ckk = c * g.kh() * g.kw();
            this.p = g.outH() * g.outW();
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

        /** y[i] = W · im2col(x[i]) (+ the epilogue's bias) for every image. */
        void forward(Tensor x, Tensor w, Tensor y, Epilogue epilogue) {
            forwardJob = true;
            jobX = x;
            jobW = w;
            jobY = y;
            jobEpilogue = epilogue;
            runImages(Math.max(1, Math.min(n, Parallel.threads())));
        }

        /** dx[i] = col2im(Wᵀ · dy[i]) for every image, through one [C·kh·kw, P] scratch per range. */
        private void inputGradient(Tensor w, Tensor dy, Tensor dx, Tape tape) {
            forwardJob = false;
            int ranges = Math.max(1, Math.min(n, Parallel.threads()));
            if (dcolShape == null || dcolShape[0] != ranges || dcolShape[1] != ckk || dcolShape[2] != p) {
                dcolShape = new int[] {ranges, ckk, p};
            }
            jobDcol = tape.scratch(1, dy.dtype(), dcolShape);
            jobW = w;
            jobDy = dy;
            jobDx = dx;
            runImages(ranges);
        }

        private void runImages(int ranges) {
            chunks = ranges;
            try {
                Parallel.forEach(chunks, this);
            } finally {
                jobX = jobW = jobY = jobDy = jobDx = jobDcol = null;
            }
        }

        @Override
        public void run(int chunk) {
            int from = (int) ((long) n * chunk / chunks), to = (int) ((long) n * (chunk + 1) / chunks);
            long image = (long) c * g.h() * g.w();
            for (int i = from; i < to; i++) {
                if (forwardJob) {
                    Kern.im2col(jobX, i * image, c, g, col, (long) i * ckk * p);
                    Kern.gemm(false, false, o, p, ckk, 1, jobW, 0, ckk, col, (long) i * ckk * p, p, 0, jobY,
                            (long) i * o * p, p, jobEpilogue);
                } else {
                    long scratch = (long) chunk * ckk * p;
                    Kern.gemm(true, false, ckk, p, o, 1, jobW, 0, ckk, jobDy, (long) i * o * p, p, 0, jobDcol, scratch,
                            p);
                    Kern.col2im(jobDcol, scratch, c, g, jobDx, i * image);
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
            if (w.requiresGrad) {
                double beta = w.gradAccumulates() ? 1 : 0;
                Tensor dw = w.gradClaim();
                for (int i = 0; i < n; i++) {
                    Kern.gemm(false, true, o, ckk, p, 1, dy, (long) i * o * p, p, col, (long) i * ckk * p, p,
                            i == 0 ? beta : 1, dw, 0, ckk);
                }
            }
            if (x.requiresGrad) {
                Tensor dx = x.gradSink(0);
                inputGradient(w.value, dy, dx, out.tape);
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
                    Kern.im2col(x.tangent, i * image, c, g, tcol, 0);
                    Kern.gemm(false, false, o, p, ckk, 1, w.value, 0, ckk, tcol, 0, p, 0, t, (long) i * o * p, p);
                    beta = 1;
                }
                if (w.tangent != null) {
                    Kern.gemm(false, false, o, p, ckk, 1, w.tangent, 0, ckk, col, (long) i * ckk * p, p, beta, t,
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
