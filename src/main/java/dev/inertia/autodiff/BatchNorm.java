package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;
import java.util.Arrays;

/**
 * Batch normalization in training mode over axis 1 of {@code [N, C, ...]}: statistics of the
 * batch, biased variance, {@code y = gamma · (x - mean) / sqrt(var + eps) + beta}. The batch
 * mean and 1/sqrt(var + eps) are kept for the rules (and for running statistics of a layer:
 * {@link #savedMean(Var)}, {@link #savedInvStd(Var)}).
 */
final class BatchNorm {
    private BatchNorm() {}

    static Var apply(Var x, Var gamma, Var beta, double eps) {
        if (x.shape.length < 2) {
            throw new IllegalArgumentException("batchNorm needs [N, C, ...], got " + Arrays.toString(x.shape));
        }
        int outer = x.shape[0], channels = x.shape[1], inner = inner(x);
        for (Var p : new Var[] {gamma, beta}) {
            if (p.shape.length != 1 || p.shape[0] != channels || p.dtype() != x.dtype()) {
                throw new IllegalArgumentException("batchNorm: gamma and beta must be " + x.dtype() + "[" + channels
                        + "], got " + p.value.describe());
            }
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("batchNorm: eps must be positive, got " + eps);
        }
        Tensor y = x.tape.buffer(x.dtype(), x.shape);
        Tensor mean = x.tape.buffer(x.dtype(), new int[] {channels});
        Tensor invstd = x.tape.buffer(x.dtype(), new int[] {channels});
        Kern.batchNorm(x.value, gamma.value, beta.value, y, mean, invstd, outer, channels, inner, eps);
        return x.tape.record(y, new NormRule(mean, invstd), x, gamma, beta);
    }

    /** Evaluation mode: fixed statistics folded into a per-channel scale and shift. */
    static Var applyEval(Var x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, double eps) {
        if (x.shape.length < 2) {
            throw new IllegalArgumentException("batchNormEval needs [N, C, ...], got " + Arrays.toString(x.shape));
        }
        int outer = x.shape[0], channels = x.shape[1], inner = inner(x);
        for (Tensor p : new Tensor[] {gamma, beta, runningMean, runningVar}) {
            if (p.rank() != 1 || p.dim(0) != channels || p.dtype() != x.dtype()) {
                throw new IllegalArgumentException("batchNormEval: gamma, beta and the running statistics must be "
                        + x.dtype() + "[" + channels + "], got " + p.describe());
            }
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("batchNormEval: eps must be positive, got " + eps);
        }
        Tensor scale = x.tape.buffer(x.dtype(), new int[] {channels});
        Tensor shift = x.tape.buffer(x.dtype(), new int[] {channels});
        for (int c = 0; c < channels; c++) {
            double s = gamma.getDouble(c) / Math.sqrt(runningVar.getDouble(c) + eps);
            scale.setDouble(c, s);
            shift.setDouble(c, beta.getDouble(c) - runningMean.getDouble(c) * s);
        }
        Tensor y = x.tape.buffer(x.dtype(), x.shape);
        Kern.broadcast(Kern.Bc.MUL, x.value, scale, y, outer, channels, inner);
        Kern.broadcast(Kern.Bc.ADD, y, shift, y, outer, channels, inner);
        return x.tape.record(y, new EvalRule(scale), x);
    }

    /** The length of the axes after the channel axis of {@code [N, C, ...]}, taken together. */
    private static int inner(Var x) {
        return (int) (x.size() / Math.max(1L, (long) x.shape[0] * x.shape[1]));
    }

    /** The batch mean of a batchNorm result. */
    static Tensor savedMean(Var bn) {
        return normRule(bn).mean;
    }

    /** The batch 1/sqrt(var + eps) of a batchNorm result. */
    static Tensor savedInvStd(Var bn) {
        return normRule(bn).invstd;
    }

    private static NormRule normRule(Var bn) {
        if (!(bn.rule instanceof NormRule r)) {
            throw new IllegalArgumentException("not the result of a training-mode batchNorm: " + bn);
        }
        return r;
    }

    /** y = x · scale + shift per channel: the derivative in x is the scale. */
    private static final class EvalRule extends UnaryRule {
        private final Tensor scale;

        EvalRule(Tensor scale) {
            super("batchNormEval");
            this.scale = scale;
        }

        @Override
        void backward(Var out, Var x, Tensor s) {
            Kern.broadcast(Kern.Bc.MUL, out.grad, scale, s, x.shape[0], x.shape[1], inner(x));
        }

        @Override
        void tangent(Var out) {
            Var x = out.input(0);
            Kern.broadcast(Kern.Bc.MUL, x.tangent, scale, out.tangentBuffer(), x.shape[0], x.shape[1], inner(x));
        }

        @Override
        long forwardOps(Var out) {
            return 2 * out.size() + 4L * scale.size();
        }

        @Override
        long backwardOps(Var out) {
            return out.size();
        }

        @Override
        long tangentOps(Var out) {
            return backwardOps(out); // the same multiply
        }
    }

    private static final class NormRule extends Rule {
        final Tensor mean, invstd;

        NormRule(Tensor mean, Tensor invstd) {
            super("batchNorm");
            this.mean = mean;
            this.invstd = invstd;
        }

        @Override
        void backward(Var out) {
            Var x = out.input(0), gamma = out.input(1), beta = out.input(2);
            Tensor dx = x.gradSinkIfRequired(0), dg = gamma.gradSinkIfRequired(1), db = beta.gradSinkIfRequired(2);
            Kern.batchNormBackward(x.value, gamma.value, mean, invstd, out.grad, dx, dg, db, x.shape[0],
                    x.shape[1], inner(x));
            x.gradCommit(dx);
            gamma.gradCommit(dg);
            beta.gradCommit(db);
        }

        @Override
        void tangent(Var out) {
            Var x = out.input(0), gamma = out.input(1), beta = out.input(2);
            Kern.batchNormTangent(x.value, gamma.value, mean, invstd, x.tangent, gamma.tangent, beta.tangent,
                    out.tangentBuffer(), x.shape[0], x.shape[1], inner(x));
        }

        @Override
        long forwardOps(Var out) {
            // sum; subtract, square, add; subtract, multiply, add per element
            return 7 * out.size() + 4L * mean.size();
        }

        @Override
        long backwardOps(Var out) {
            // sums of dy and dy·xhat (xhat: 2, products and sums: 3), dx: xhat again and 4 more
            return 11 * out.size() + 4L * mean.size();
        }

        @Override
        long tangentOps(Var out) {
            return backwardOps(out);
        }
    }
}
