package dev.inertia.autodiff;

import dev.inertia.kernels.Epilogue;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.Window2d;
import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * The kernel calls of the autodiff rules, on whole tensors, dispatched on F32 / F64 once here
 * so that the rules read like math. Lengths are the tensors' sizes (checked by the callers,
 * which own the shapes).
 */
final class Kern {
    private Kern() {}

    private static boolean f64(Tensor t) {
        return t.dtype() == DType.F64;
    }

    private static int n(Tensor t) {
        return (int) t.size();
    }

    private static MemorySegment seg(Tensor t) {
        return t == null ? null : t.segment();
    }

    // ---- profiling ---------------------------------------------------------------------------
    // The calls a training step makes on whole tensors are timed for a KernelProfile bound to the
    // calling thread (none: one thread-local read). Flops and bytes are the kernel's own: GEMM
    // 2mnk, an elementwise pass one operation and its operands' bytes per element.

    private static final String[] GEMM = {"gemm NN", "gemm NT", "gemm TN", "gemm TT"};
    private static final String[] GEMM_EPILOGUE = {"gemm NN+epilogue", "gemm NT+epilogue", "gemm TN+epilogue",
        "gemm TT+epilogue"};

    private static String gemmName(boolean ta, boolean tb, Epilogue e) {
        int i = (ta ? 2 : 0) + (tb ? 1 : 0);
        return e == null || e.isNone() ? GEMM[i] : GEMM_EPILOGUE[i];
    }

    /** Ends a profiled call of an elementwise pass over {@code n} elements touching {@code operands} tensors. */
    private static void endPass(KernelProfile p, long t0, String kernel, Tensor t, long n, int operands) {
        if (p != null) {
            p.end(t0, kernel, (int) n, -1, -1, n, operands * n * t.dtype().byteSize());
        }
    }

    // ---- elementwise -------------------------------------------------------------------------

    static void add(Tensor a, Tensor b, Tensor out) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        var k = Kernels.elementwise();
        if (f64(out)) {
            k.addF64(a.segment(), 0, b.segment(), 0, out.segment(), 0, n(out));
        } else {
            k.addF32(a.segment(), 0, b.segment(), 0, out.segment(), 0, n(out));
        }
        endPass(p, t0, "add", out, n(out), 3);
    }

    static void sub(Tensor a, Tensor b, Tensor out) {
        var k = Kernels.elementwise();
        if (f64(out)) {
            k.subF64(a.segment(), 0, b.segment(), 0, out.segment(), 0, n(out));
        } else {
            k.subF32(a.segment(), 0, b.segment(), 0, out.segment(), 0, n(out));
        }
    }

    static void mul(Tensor a, Tensor b, Tensor out) {
        var k = Kernels.elementwise();
        if (f64(out)) {
            k.mulF64(a.segment(), 0, b.segment(), 0, out.segment(), 0, n(out));
        } else {
            k.mulF32(a.segment(), 0, b.segment(), 0, out.segment(), 0, n(out));
        }
    }

    static void div(Tensor a, Tensor b, Tensor out) {
        var k = Kernels.math();
        if (f64(out)) {
            k.divF64(a.segment(), 0, b.segment(), 0, out.segment(), 0, n(out));
        } else {
            k.divF32(a.segment(), 0, b.segment(), 0, out.segment(), 0, n(out));
        }
    }

    static void scale(double alpha, Tensor x, Tensor out) {
        var k = Kernels.elementwise();
        if (f64(out)) {
            k.scaleF64(alpha, x.segment(), 0, out.segment(), 0, n(out));
        } else {
            k.scaleF32((float) alpha, x.segment(), 0, out.segment(), 0, n(out));
        }
    }

    /** y[0, n) += x[xOff, xOff + n) (one rounding per element, like {@link #add}). */
    static void addInto(Tensor x, long xOff, Tensor y, int n) {
        var k = Kernels.elementwise();
        if (f64(y)) {
            k.addF64(y.segment(), 0, x.segment(), xOff, y.segment(), 0, n);
        } else {
            k.addF32(y.segment(), 0, x.segment(), xOff, y.segment(), 0, n);
        }
    }

    /** y += alpha * x */
    static void axpy(double alpha, Tensor x, Tensor y) {
        var k = Kernels.elementwise();
        if (f64(y)) {
            k.axpyF64(alpha, x.segment(), 0, y.segment(), 0, n(y));
        } else {
            k.axpyF32((float) alpha, x.segment(), 0, y.segment(), 0, n(y));
        }
    }

    static void fill(double v, Tensor out) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        var k = Kernels.elementwise();
        if (f64(out)) {
            k.fillF64(v, out.segment(), 0, n(out));
        } else {
            k.fillF32((float) v, out.segment(), 0, n(out));
        }
        endPass(p, t0, "fill", out, n(out), 1);
    }

    /** out[off, off + n) = v */
    static void fill(double v, Tensor out, long off, int n) {
        var k = Kernels.elementwise();
        if (f64(out)) {
            k.fillF64(v, out.segment(), off, n);
        } else {
            k.fillF32((float) v, out.segment(), off, n);
        }
    }

    static void copy(Tensor src, Tensor dst) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        var k = Kernels.elementwise();
        if (f64(dst)) {
            k.copyF64(src.segment(), 0, dst.segment(), 0, n(dst));
        } else {
            k.copyF32(src.segment(), 0, dst.segment(), 0, n(dst));
        }
        endPass(p, t0, "copy", dst, n(dst), 2);
    }

    static double sum(Tensor x) {
        var k = Kernels.reductions();
        return f64(x) ? k.sumF64(x.segment(), 0, n(x)) : k.sumF32(x.segment(), 0, n(x));
    }

    // ---- smooth math -------------------------------------------------------------------------

    /** The unary functions of {@link dev.inertia.kernels.MathKernels}, by name. */
    enum Fn { EXP, LOG, SQRT, TANH, SIGMOID }

    static void apply(Fn fn, Tensor x, Tensor out) {
        var k = Kernels.math();
        MemorySegment xs = x.segment(), os = out.segment();
        int n = n(out);
        if (f64(out)) {
            switch (fn) {
                case EXP -> k.expF64(xs, 0, os, 0, n);
                case LOG -> k.logF64(xs, 0, os, 0, n);
                case SQRT -> k.sqrtF64(xs, 0, os, 0, n);
                case TANH -> k.tanhF64(xs, 0, os, 0, n);
                case SIGMOID -> k.sigmoidF64(xs, 0, os, 0, n);
            }
        } else {
            switch (fn) {
                case EXP -> k.expF32(xs, 0, os, 0, n);
                case LOG -> k.logF32(xs, 0, os, 0, n);
                case SQRT -> k.sqrtF32(xs, 0, os, 0, n);
                case TANH -> k.tanhF32(xs, 0, os, 0, n);
                case SIGMOID -> k.sigmoidF32(xs, 0, os, 0, n);
            }
        }
    }

    /**
     * dx = dy * f'(x) for the functions whose derivative is read from x or y = f(x):
     * exp (y), log (x), sqrt (y), tanh (y), sigmoid (y).
     */
    static void derivative(Fn fn, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        var k = Kernels.math();
        MemorySegment ys = y.segment(), gs = dy.segment(), ds = dx.segment();
        int n = n(dx);
        switch (fn) {
            case EXP -> mul(dy, y, dx);
            case LOG -> div(dy, x, dx);
            case SQRT -> {
                if (f64(dx)) {
                    k.sqrtBackwardF64(ys, 0, gs, 0, ds, 0, n);
                } else {
                    k.sqrtBackwardF32(ys, 0, gs, 0, ds, 0, n);
                }
            }
            case TANH -> {
                if (f64(dx)) {
                    k.tanhBackwardF64(ys, 0, gs, 0, ds, 0, n);
                } else {
                    k.tanhBackwardF32(ys, 0, gs, 0, ds, 0, n);
                }
            }
            case SIGMOID -> {
                if (f64(dx)) {
                    k.sigmoidBackwardF64(ys, 0, gs, 0, ds, 0, n);
                } else {
                    k.sigmoidBackwardF32(ys, 0, gs, 0, ds, 0, n);
                }
            }
        }
    }

    /** db = -dy * y / b */
    static void divisorBackward(Tensor y, Tensor b, Tensor dy, Tensor db) {
        var k = Kernels.math();
        if (f64(db)) {
            k.divisorBackwardF64(y.segment(), 0, b.segment(), 0, dy.segment(), 0, db.segment(), 0, n(db));
        } else {
            k.divisorBackwardF32(y.segment(), 0, b.segment(), 0, dy.segment(), 0, db.segment(), 0, n(db));
        }
    }

    static void max(Tensor a, Tensor b, Tensor out) {
        var k = Kernels.math();
        if (f64(out)) {
            k.maxF64(a.segment(), 0, b.segment(), 0, out.segment(), 0, n(out));
        } else {
            k.maxF32(a.segment(), 0, b.segment(), 0, out.segment(), 0, n(out));
        }
    }

    static void maxBackward(Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db, double w, long[] kinks) {
        var k = Kernels.math();
        if (f64(dy)) {
            k.maxBackwardF64(a.segment(), 0, b.segment(), 0, dy.segment(), 0, seg(da), 0, seg(db), 0, n(dy), w, kinks);
        } else {
            k.maxBackwardF32(a.segment(), 0, b.segment(), 0, dy.segment(), 0, seg(da), 0, seg(db), 0, n(dy),
                    (float) w, kinks);
        }
    }

    static void maxTangent(Tensor a, Tensor b, Tensor ta, Tensor tb, Tensor t, double w, long[] kinks) {
        var k = Kernels.math();
        if (f64(t)) {
            k.maxTangentF64(a.segment(), 0, b.segment(), 0, seg(ta), 0, seg(tb), 0, t.segment(), 0, n(t), w, kinks);
        } else {
            k.maxTangentF32(a.segment(), 0, b.segment(), 0, seg(ta), 0, seg(tb), 0, t.segment(), 0, n(t), (float) w,
                    kinks);
        }
    }

    // ---- nonsmooth activations ---------------------------------------------------------------

    /** out = relu(x); large tensors are split over the pool's threads ({@link SplitCalls}). */
    static void relu(Tensor x, Tensor out) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        SplitCalls.relu(x, out);
        endPass(p, t0, "relu", out, out.size(), 2);
    }

    /** out = relu(x) over elements [from, from + n). */
    static void relu(Tensor x, Tensor out, int from, int n) {
        var k = Kernels.activations();
        if (f64(out)) {
            k.reluF64(x.segment(), from, out.segment(), from, n);
        } else {
            k.reluF32(x.segment(), from, out.segment(), from, n);
        }
    }

    /** dx = dy · relu'(x); large tensors are split over the pool's threads ({@link SplitCalls}). */
    static void reluBackward(Tensor x, Tensor dy, Tensor dx, double atZero, long[] kinks) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        SplitCalls.reluBackward(x, dy, dx, atZero, kinks);
        endPass(p, t0, "reluBackward", dx, dx.size(), 3);
    }

    /** dx = dy · relu'(x) over elements [from, from + n). */
    static void reluBackward(Tensor x, Tensor dy, Tensor dx, double atZero, long[] kinks, int from, int n) {
        var k = Kernels.activations();
        if (f64(dx)) {
            k.reluBackwardF64(x.segment(), from, dy.segment(), from, dx.segment(), from, n, atZero, kinks);
        } else {
            k.reluBackwardF32(x.segment(), from, dy.segment(), from, dx.segment(), from, n, (float) atZero, kinks);
        }
    }

    static void leakyRelu(Tensor x, Tensor out, double slope) {
        var k = Kernels.activations();
        if (f64(out)) {
            k.leakyReluF64(x.segment(), 0, out.segment(), 0, n(out), slope);
        } else {
            k.leakyReluF32(x.segment(), 0, out.segment(), 0, n(out), (float) slope);
        }
    }

    static void leakyReluBackward(Tensor x, Tensor dy, Tensor dx, double slope, double atZero, long[] kinks) {
        var k = Kernels.activations();
        if (f64(dx)) {
            k.leakyReluBackwardF64(x.segment(), 0, dy.segment(), 0, dx.segment(), 0, n(dx), slope, atZero, kinks);
        } else {
            k.leakyReluBackwardF32(x.segment(), 0, dy.segment(), 0, dx.segment(), 0, n(dx), (float) slope,
                    (float) atZero, kinks);
        }
    }

    static void clamp(Tensor x, Tensor out, double lo, double hi) {
        var k = Kernels.activations();
        if (f64(out)) {
            k.clampF64(x.segment(), 0, out.segment(), 0, n(out), lo, hi);
        } else {
            k.clampF32(x.segment(), 0, out.segment(), 0, n(out), (float) lo, (float) hi);
        }
    }

    static void clampBackward(Tensor x, Tensor dy, Tensor dx, double lo, double hi, double atLow, double atHigh,
            long[] kinks) {
        var k = Kernels.activations();
        if (f64(dx)) {
            k.clampBackwardF64(x.segment(), 0, dy.segment(), 0, dx.segment(), 0, n(dx), lo, hi, atLow, atHigh, kinks);
        } else {
            k.clampBackwardF32(x.segment(), 0, dy.segment(), 0, dx.segment(), 0, n(dx), (float) lo, (float) hi,
                    (float) atLow, (float) atHigh, kinks);
        }
    }

    static void abs(Tensor x, Tensor out) {
        var k = Kernels.activations();
        if (f64(out)) {
            k.absF64(x.segment(), 0, out.segment(), 0, n(out));
        } else {
            k.absF32(x.segment(), 0, out.segment(), 0, n(out));
        }
    }

    static void absBackward(Tensor x, Tensor dy, Tensor dx, double atZero, long[] kinks) {
        var k = Kernels.activations();
        if (f64(dx)) {
            k.absBackwardF64(x.segment(), 0, dy.segment(), 0, dx.segment(), 0, n(dx), atZero, kinks);
        } else {
            k.absBackwardF32(x.segment(), 0, dy.segment(), 0, dx.segment(), 0, n(dx), (float) atZero, kinks);
        }
    }

    // ---- broadcasting over [outer, channels, inner] ------------------------------------------

    /** The broadcasting binary operations of {@link dev.inertia.kernels.BroadcastKernels}. */
    enum Bc { ADD, MUL, DIV }

    static void broadcast(Bc op, Tensor x, Tensor b, Tensor out, int outer, int channels, int inner) {
        var k = Kernels.broadcast();
        MemorySegment xs = x.segment(), bs = b.segment(), os = out.segment();
        if (f64(out)) {
            switch (op) {
                case ADD -> k.addBiasF64(xs, 0, bs, 0, os, 0, outer, channels, inner);
                case MUL -> k.mulBiasF64(xs, 0, bs, 0, os, 0, outer, channels, inner);
                case DIV -> k.divBiasF64(xs, 0, bs, 0, os, 0, outer, channels, inner);
            }
        } else {
            switch (op) {
                case ADD -> k.addBiasF32(xs, 0, bs, 0, os, 0, outer, channels, inner);
                case MUL -> k.mulBiasF32(xs, 0, bs, 0, os, 0, outer, channels, inner);
                case DIV -> k.divBiasF32(xs, 0, bs, 0, os, 0, outer, channels, inner);
            }
        }
    }

    /** db = alpha * (per-channel sum of dy) (+ db) */
    static void sumBias(Tensor dy, Tensor db, int outer, int channels, int inner, double alpha, boolean acc) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        var k = Kernels.broadcast();
        if (f64(db)) {
            k.sumBiasF64(dy.segment(), 0, db.segment(), 0, outer, channels, inner, alpha, acc);
        } else {
            k.sumBiasF32(dy.segment(), 0, db.segment(), 0, outer, channels, inner, (float) alpha, acc);
        }
        if (p != null) {
            p.end(t0, "sumBias", outer, channels, inner, dy.size(), dy.size() * dy.dtype().byteSize());
        }
    }

    /** db = alpha * (per-channel sum of x * y) (+ db) */
    static void sumProduct(Tensor x, Tensor y, Tensor db, int outer, int channels, int inner, double alpha,
            boolean acc) {
        var k = Kernels.broadcast();
        if (f64(db)) {
            k.sumProductF64(x.segment(), 0, y.segment(), 0, db.segment(), 0, outer, channels, inner, alpha, acc);
        } else {
            k.sumProductF32(x.segment(), 0, y.segment(), 0, db.segment(), 0, outer, channels, inner, (float) alpha,
                    acc);
        }
    }

    // ---- GEMM --------------------------------------------------------------------------------

    /** C = alpha * op(A) op(B) + beta * C on row-major storage. */
    static void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, Tensor a, long aOff, int lda,
            Tensor b, long bOff, int ldb, double beta, Tensor c, long cOff, int ldc) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        var g = Kernels.gemm();
        if (f64(c)) {
            g.dgemm(ta, tb, m, n, k, alpha, a.segment(), aOff, lda, b.segment(), bOff, ldb, beta, c.segment(), cOff,
                    ldc);
        } else {
            g.sgemm(ta, tb, m, n, k, (float) alpha, a.segment(), aOff, lda, b.segment(), bOff, ldb, (float) beta,
                    c.segment(), cOff, ldc);
        }
        if (p != null) {
            p.end(t0, gemmName(ta, tb, null), m, n, k, 2L * m * n * k, 0);
        }
    }

    /** C = epilogue(alpha * op(A) op(B) + beta * C): a bias and an activation in the same pass. */
    static void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, Tensor a, long aOff, int lda,
            Tensor b, long bOff, int ldb, double beta, Tensor c, long cOff, int ldc, Epilogue epilogue) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        var g = Kernels.gemm();
        if (f64(c)) {
            g.dgemm(ta, tb, m, n, k, alpha, a.segment(), aOff, lda, b.segment(), bOff, ldb, beta, c.segment(), cOff,
                    ldc, epilogue);
        } else {
            g.sgemm(ta, tb, m, n, k, (float) alpha, a.segment(), aOff, lda, b.segment(), bOff, ldb, (float) beta,
                    c.segment(), cOff, ldc, epilogue);
        }
        if (p != null) {
            p.end(t0, gemmName(ta, tb, epilogue), m, n, k, 2L * m * n * k, 0);
        }
    }

    // ---- max over windows --------------------------------------------------------------------

    /** Max pooling; many planes are split over the pool's threads ({@link SplitCalls}). */
    static void maxPool(Tensor x, Tensor out, int planes, Window2d g) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        SplitCalls.maxPool(x, out, planes, g);
        if (p != null) {
            p.end(t0, "maxPool", planes, g.h(), g.w(), x.size(), (x.size() + out.size()) * x.dtype().byteSize());
        }
    }

    /** Max pooling of planes [first, first + planes). */
    static void maxPool(Tensor x, Tensor out, Window2d g, int first, int planes) {
        var k = Kernels.pooling();
        long in = (long) first * g.h() * g.w(), o = (long) first * g.outH() * g.outW();
        if (f64(out)) {
            k.maxPool2dF64(x.segment(), in, out.segment(), o, planes, g);
        } else {
            k.maxPool2dF32(x.segment(), in, out.segment(), o, planes, g);
        }
    }

    /** The reverse of max pooling; many planes are split over the pool's threads ({@link SplitCalls}). */
    static void maxPoolBackward(Tensor x, Tensor dy, Tensor dx, int planes, Window2d g, double beta, long[] kinks) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        SplitCalls.maxPoolBackward(x, dy, dx, planes, g, beta, kinks);
        if (p != null) {
            p.end(t0, "maxPoolBackward", planes, g.h(), g.w(), x.size(),
                    (2 * x.size() + dy.size()) * x.dtype().byteSize());
        }
    }

    /** The reverse of max pooling over planes [first, first + planes). */
    static void maxPoolBackward(Tensor x, Tensor dy, Tensor dx, Window2d g, double beta, long[] kinks, int first,
            int planes) {
        var k = Kernels.pooling();
        long in = (long) first * g.h() * g.w(), o = (long) first * g.outH() * g.outW();
        if (f64(dx)) {
            k.maxPool2dBackwardF64(x.segment(), in, dy.segment(), o, dx.segment(), in, planes, g, beta, kinks);
        } else {
            k.maxPool2dBackwardF32(x.segment(), in, dy.segment(), o, dx.segment(), in, planes, g, (float) beta, kinks);
        }
    }

    static void maxPoolTangent(Tensor x, Tensor tx, Tensor t, int planes, Window2d g, double beta, long[] kinks) {
        var k = Kernels.pooling();
        if (f64(t)) {
            k.maxPool2dTangentF64(x.segment(), 0, tx.segment(), 0, t.segment(), 0, planes, g, beta, kinks);
        } else {
            k.maxPool2dTangentF32(x.segment(), 0, tx.segment(), 0, t.segment(), 0, planes, g, (float) beta, kinks);
        }
    }

    static void maxReduce(Tensor x, Tensor out, int outer, int n, int inner) {
        var k = Kernels.pooling();
        if (f64(out)) {
            k.maxReduceF64(x.segment(), 0, out.segment(), 0, outer, n, inner);
        } else {
            k.maxReduceF32(x.segment(), 0, out.segment(), 0, outer, n, inner);
        }
    }

    static void maxReduceBackward(Tensor x, Tensor dy, Tensor dx, int outer, int n, int inner, double beta,
            long[] kinks) {
        var k = Kernels.pooling();
        if (f64(dx)) {
            k.maxReduceBackwardF64(x.segment(), 0, dy.segment(), 0, dx.segment(), 0, outer, n, inner, beta, kinks);
        } else {
            k.maxReduceBackwardF32(x.segment(), 0, dy.segment(), 0, dx.segment(), 0, outer, n, inner, (float) beta,
                    kinks);
        }
    }

    static void maxReduceTangent(Tensor x, Tensor tx, Tensor t, int outer, int n, int inner, double beta,
            long[] kinks) {
        var k = Kernels.pooling();
        if (f64(t)) {
            k.maxReduceTangentF64(x.segment(), 0, tx.segment(), 0, t.segment(), 0, outer, n, inner, beta, kinks);
        } else {
            k.maxReduceTangentF32(x.segment(), 0, tx.segment(), 0, t.segment(), 0, outer, n, inner, (float) beta,
                    kinks);
        }
    }

    // ---- convolution lowering ----------------------------------------------------------------

    static void im2col(Tensor x, long xOff, int channels, Window2d g, Tensor col, long colOff, int ldCol) {
        var k = Kernels.conv();
        if (f64(col)) {
            k.im2colF64(x.segment(), xOff, channels, g, col.segment(), colOff, ldCol);
        } else {
            k.im2colF32(x.segment(), xOff, channels, g, col.segment(), colOff, ldCol);
        }
    }

    static void col2im(Tensor col, long colOff, int ldCol, int channels, Window2d g, Tensor x, long xOff) {
        var k = Kernels.conv();
        if (f64(x)) {
            k.col2imF64(col.segment(), colOff, ldCol, channels, g, x.segment(), xOff);
        } else {
            k.col2imF32(col.segment(), colOff, ldCol, channels, g, x.segment(), xOff);
        }
    }

    /** Direct convolution of images [first, first + images): y = conv(x, w) + bias (bias may be null). */
    static void convDirect(Tensor x, int first, int images, int channels, Window2d g, Tensor w, Tensor bias,
            int outChannels, Tensor y) {
        var k = Kernels.directConv();
        long xOff = (long) first * channels * g.h() * g.w(), yOff = (long) first * outChannels * g.outH() * g.outW();
        MemorySegment b = bias == null ? null : bias.segment();
        if (f64(y)) {
            k.convForwardF64(x.segment(), xOff, images, channels, g, w.segment(), 0, outChannels, b, 0, y.segment(),
                    yOff);
        } else {
            k.convForwardF32(x.segment(), xOff, images, channels, g, w.segment(), 0, outChannels, b, 0, y.segment(),
                    yOff);
        }
    }

    /** Adds the weight gradient of the direct convolution over images [first, first + images) to dw at dwOff. */
    static void convDirectWeightGrad(Tensor x, int first, int images, int channels, Window2d g, Tensor dy,
            int outChannels, Tensor dw, long dwOff) {
        var k = Kernels.directConv();
        long xOff = (long) first * channels * g.h() * g.w(), dyOff = (long) first * outChannels * g.outH() * g.outW();
        if (f64(dw)) {
            k.convWeightGradF64(x.segment(), xOff, images, channels, g, dy.segment(), dyOff, outChannels, dw.segment(),
                    dwOff);
        } else {
            k.convWeightGradF32(x.segment(), xOff, images, channels, g, dy.segment(), dyOff, outChannels, dw.segment(),
                    dwOff);
        }
    }

    // ---- softmax cross-entropy ---------------------------------------------------------------

    static double softmaxCrossEntropy(Tensor logits, MemorySegment labels, Tensor probs, int rows, int classes) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        var k = Kernels.softmax();
        double loss = f64(logits)
                ? k.softmaxCrossEntropyF64(logits.segment(), 0, labels, 0, probs.segment(), 0, rows, classes)
                : k.softmaxCrossEntropyF32(logits.segment(), 0, labels, 0, probs.segment(), 0, rows, classes);
        if (p != null) {
            p.end(t0, "softmaxCrossEntropy", rows, classes, -1, 6L * rows * classes,
                    2L * rows * classes * logits.dtype().byteSize());
        }
        return loss;
    }

    static void softmaxCrossEntropyBackward(Tensor probs, MemorySegment labels, double scale, Tensor dx, int rows,
            int classes) {
        KernelProfile p = KernelProfile.active();
        long t0 = p == null ? 0 : p.begin();
        var k = Kernels.softmax();
        if (f64(dx)) {
            k.softmaxCrossEntropyBackwardF64(probs.segment(), 0, labels, 0, scale, dx.segment(), 0, rows, classes);
        } else {
            k.softmaxCrossEntropyBackwardF32(probs.segment(), 0, labels, 0, (float) scale, dx.segment(), 0, rows,
                    classes);
        }
        if (p != null) {
            p.end(t0, "softmaxCrossEntropyBackward", rows, classes, -1, 3L * rows * classes,
                    2L * rows * classes * dx.dtype().byteSize());
        }
    }

    static double softmaxCrossEntropyTangent(Tensor probs, MemorySegment labels, Tensor t, int rows, int classes) {
        var k = Kernels.softmax();
        return f64(t)
                ? k.softmaxCrossEntropyTangentF64(probs.segment(), 0, labels, 0, t.segment(), 0, rows, classes)
                : k.softmaxCrossEntropyTangentF32(probs.segment(), 0, labels, 0, t.segment(), 0, rows, classes);
    }

    // ---- batch normalization -----------------------------------------------------------------

    static void batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor mean, Tensor invstd, int outer,
            int channels, int inner, double eps) {
        var k = Kernels.norm();
        if (f64(y)) {
            k.batchNormF64(x.segment(), 0, gamma.segment(), 0, beta.segment(), 0, y.segment(), 0, mean.segment(), 0,
                    invstd.segment(), 0, outer, channels, inner, eps);
        } else {
            k.batchNormF32(x.segment(), 0, gamma.segment(), 0, beta.segment(), 0, y.segment(), 0, mean.segment(), 0,
                    invstd.segment(), 0, outer, channels, inner, (float) eps);
        }
    }

    static void batchNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor invstd, Tensor dy, Tensor dx,
            Tensor dgamma, Tensor dbeta, int outer, int channels, int inner) {
        var k = Kernels.norm();
        if (f64(dy)) {
            k.batchNormBackwardF64(x.segment(), 0, gamma.segment(), 0, mean.segment(), 0, invstd.segment(), 0,
                    dy.segment(), 0, seg(dx), 0, seg(dgamma), 0, seg(dbeta), 0, outer, channels, inner);
        } else {
            k.batchNormBackwardF32(x.segment(), 0, gamma.segment(), 0, mean.segment(), 0, invstd.segment(), 0,
                    dy.segment(), 0, seg(dx), 0, seg(dgamma), 0, seg(dbeta), 0, outer, channels, inner);
        }
    }

    static void batchNormTangent(Tensor x, Tensor gamma, Tensor mean, Tensor invstd, Tensor tx, Tensor tgamma,
            Tensor tbeta, Tensor t, int outer, int channels, int inner) {
        var k = Kernels.norm();
        if (f64(t)) {
            k.batchNormTangentF64(x.segment(), 0, gamma.segment(), 0, mean.segment(), 0, invstd.segment(), 0, seg(tx),
                    0, seg(tgamma), 0, seg(tbeta), 0, t.segment(), 0, outer, channels, inner);
        } else {
            k.batchNormTangentF32(x.segment(), 0, gamma.segment(), 0, mean.segment(), 0, invstd.segment(), 0, seg(tx),
                    0, seg(tgamma), 0, seg(tbeta), 0, t.segment(), 0, outer, channels, inner);
        }
    }
}
